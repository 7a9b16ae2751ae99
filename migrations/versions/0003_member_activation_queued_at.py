"""member.activation_queued_at: the activation email is queued once, by one conditional UPDATE.

Several provisioning jobs of one member may end at the same moment on different workers; each asks
whether all services are active. Only the one whose UPDATE … WHERE activation_queued_at IS NULL wins
queues the email.

Revision ID: mem_1
Revises: onb_1
"""
import sqlalchemy as sa
from alembic import op

revision = 'mem_1'
down_revision = 'onb_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activation_queued_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('activation_queued_at')
