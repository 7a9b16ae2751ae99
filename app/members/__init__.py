"""The member lifecycle after approval: directory entries, activation (password) links, switch off/on,
leaving.

Wired in by init_app: the activation pages, the `members` CLI group (daily `members leaving`), the
activation, password-reset and leaving emails, the two provisioning hooks (directory entries before a
run, the activation email after a job ends) and the outbox kind for members no job covers.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import mail, outbox
    from app.members import activation, cli, entries, leaving, views
    from app.provisioning import hooks

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.members_cli)
    mail.register(app, activation, leaving)
    # A member no job covers (no services): their entry, its lock and the activation email, without a job.
    outbox.route(app, "member_entry", queue="provision", task=entries.sync_entry, id_prefix="member-entry",
                 argument_key="member_id")
    hooks.on_before_run(app, entries.ensure_entries)
    hooks.on_after_end(app, activation.after_job)
