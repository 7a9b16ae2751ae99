"""`python -m app.devservices`: run alta locally (what `make run` does).
`python -m app.devservices accounts`: give the development accounts (staff and `member`) new passwords while it runs.
`python -m app.devservices sample-members`: a few hundred made-up members for the leadership view.
`python -m app.devservices acl-ldif --base … --service-dn … --mail-dn …`: access rules for production."""

import sys

import click


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        from app.devservices.run import main as run

        ctx.exit(run())


@main.command("accounts")
@click.option("--output", default=None, help="Where to write `uid password` lines.")
def accounts(output: str | None) -> None:
    """Create (or reset) the development accounts `reviewer`, `sysadmin` and `member` with random passwords."""
    from app import create_app
    from app.devservices import accounts as devaccounts
    from app.devservices.run import LDAP_PORT

    app = create_app({"ENV": "development", "LDAP_URL": f"ldap://127.0.0.1:{LDAP_PORT}"})
    if app.config["ENV"] != "development":
        raise click.ClickException("development staff accounts are only created in development mode")
    with app.app_context():
        for uid, password in devaccounts.ensure(output).items():
            click.echo(f"  {uid:10} {password}")


@main.command("sample-members")
@click.option("--count", default=300, show_default=True, help="How many made-up members there should be.")
def sample_members(count: int) -> None:
    """Load made-up members (no directory entries) so that the leadership view has something to show."""
    from app import create_app
    from app.devservices import sample

    app = create_app({"ENV": "development"})
    if app.config["ENV"] != "development":
        raise click.ClickException("made-up members are only loaded in development mode")
    with app.app_context():
        click.echo(f"{sample.load(count)} made-up member(s) added")


@main.command("acl-ldif")
@click.option("--base", required=True, help="The directory's base DN, e.g. dc=alta,dc=coop.")
@click.option("--service-dn", required=True, help="The app's service account.")
@click.option("--mail-dn", required=True, help="The mail servers' read-only account.")
@click.option("--database-dn", default="olcDatabase={1}mdb,cn=config", show_default=True)
def acl_ldif(base: str, service_dn: str, mail_dn: str, database_dn: str) -> None:
    """Print app/members/ldap/access.conf as an LDIF replacing olcAccess (ldapmodify -Y EXTERNAL -H ldapi:///)."""
    from app.devservices.slapd import access_ldif

    click.echo(access_ldif(base, service_dn, mail_dn, database_dn), nl=False)


sys.exit(main())
