"""An applicant may say which region of their country (state, estado) they are in: the ISO 3166-2 code,
nullable (the question is optional, and applications before it have none), for the leadership's
"by region" table and, later, the community profiles.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("application", sa.Column("region", sa.String(length=6), nullable=True))


def downgrade():
    with op.batch_alter_table("application") as batch:
        batch.drop_column("region")
