"""application.token_nonce: the emailed link's token is derived from it, so mail can be built later.

The worker builds every email at send time; with only a hash of the token stored it could not put a
working link in a second email. The token is HMAC(SECRET_KEY, nonce), so the database alone (a leaked
backup) still cannot produce a working link.

Revision ID: onb_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = 'onb_1'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_nonce', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('token_nonce')
