"""One draft per email address: a unique partial index on the folded address of drafts.

The wizard looks for an address's draft before opening one, but two starts at the same instant both found
none and both opened one. The index makes the second fail, and the wizard answers it as "already
started". The address is folded as every lookup folds it (app/database.py unicode_lower: lower() on
PostgreSQL, the app's alta_lower() on SQLite, registered on every connection the app opens).

Careful in later migrations: on SQLite, a batch operation that rebuilds the application table drops this
index silently (alembic cannot reflect an expression index, so it cannot copy it): create it again there.
tests/onboarding/test_drafts.py checks that the migrated database has it.

Drafts that already share an address would stop the index from being built: all but the newest of them
are expired (the state a forgotten draft ends in), each with an audit event saying why.

Revision ID: 0006
Revises: 0200_1
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0200_1"
branch_labels = None
depends_on = None

WHERE = sa.text("state IN ('draft')")


def _lower(dialect: str) -> str:
    return "alta_lower" if dialect == "sqlite" else "lower"


def _expire_duplicate_drafts(conn) -> None:
    lower = _lower(conn.dialect.name)
    rows = conn.execute(sa.text(
        f"SELECT id, {lower}(email) FROM application WHERE state = 'draft' ORDER BY id DESC")).all()  # noqa: S608
    seen, duplicates = set(), []
    for application_id, address in rows:
        if address in seen:
            duplicates.append(application_id)
        seen.add(address)
    now = datetime.now(UTC).replace(tzinfo=None) if conn.dialect.name == "sqlite" else datetime.now(UTC)
    for application_id in duplicates:
        conn.execute(sa.text("UPDATE application SET state = 'expired' WHERE id = :id"), {"id": application_id})
        conn.execute(sa.text(
            "INSERT INTO audit_event (at, actor, action, target, details) "
            "VALUES (:at, 'system', 'application.expired', :target, :details)"),
            {"at": now, "target": f"application:{application_id}", "details": json.dumps({"reason": "duplicate_draft"})})


def create_index(conn) -> None:
    """Also used by 0007's downgrade, whose SQLite table rebuild drops this index."""
    conn.execute(sa.text(f"CREATE UNIQUE INDEX IF NOT EXISTS uq_application_draft_email ON application "
                         f"({_lower(conn.dialect.name)}(email)) WHERE {WHERE.text}"))


def upgrade():
    conn = op.get_bind()
    _expire_duplicate_drafts(conn)
    create_index(conn)


def downgrade():
    op.execute("DROP INDEX IF EXISTS uq_application_draft_email")
