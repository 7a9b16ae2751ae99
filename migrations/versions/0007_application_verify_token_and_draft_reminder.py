"""application: a verification link token of its own, and when a draft was reminded that it will expire.

verify_nonce / verify_token_hash: the email verification link used to carry the application's status token,
so anyone holding a verification link could open the status page and withdraw the application. It now has
its own token, derived from its own nonce like the status token (app/onboarding/tokens.py); only the hash
is stored. Drafts made before this get one when their next verification email is built.

draft_reminded_at: drafts left alone for DRAFT_EXPIRY_DAYS expire and free their username; the one
reminder email before that is marked here, so the daily command never sends it twice.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verify_nonce", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("verify_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("draft_reminded_at", sa.DateTime(timezone=True), nullable=True))
        # An index, not a constraint: on SQLite a constraint rebuilds the table, and the rebuild would drop
        # 0006's expression index (alembic cannot reflect it to copy it).
        batch_op.create_index("uq_application_verify_token_hash", ["verify_token_hash"], unique=True)


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("uq_application_verify_token_hash")
        batch_op.drop_column("draft_reminded_at")
        batch_op.drop_column("verify_token_hash")
        batch_op.drop_column("verify_nonce")
    # On SQLite the rebuild above dropped 0006's expression index (alembic cannot reflect it): put it back.
    conn = op.get_bind()
    conn.execute(sa.text(f"CREATE UNIQUE INDEX IF NOT EXISTS uq_application_draft_email ON application "
                         f"({'alta_lower' if conn.dialect.name == 'sqlite' else 'lower'}(email)) "
                         f"WHERE state IN ('draft')"))
