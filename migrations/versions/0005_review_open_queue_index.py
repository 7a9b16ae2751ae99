"""Review queue index: open applications (submitted, needs_info) by submission time and id.

The queue's default view and its keyset pages read this partial index in order, so the page costs the
same at 1,000 or 100,000 applications (decided ones are not in the index at all).

Revision ID: 0200_1
Revises: 0500_1
"""

import sqlalchemy as sa
from alembic import op

revision = "0200_1"
down_revision = "0500_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index("ix_application_open_queue", ["submitted_at", "id"], unique=False,
                              sqlite_where=sa.text("state IN ('submitted', 'needs_info')"),
                              postgresql_where=sa.text("state IN ('submitted', 'needs_info')"))


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_open_queue",
                            sqlite_where=sa.text("state IN ('submitted', 'needs_info')"),
                            postgresql_where=sa.text("state IN ('submitted', 'needs_info')"))
