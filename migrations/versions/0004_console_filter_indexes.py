"""Console filter indexes: jobs by playbook / requester and audit events by actor / action, newest first.

The job list and the audit log filter on one column and page by id (keyset); a composite (column, id)
index lets both engines read a page straight from the index at 100,000 jobs and millions of events.

Revision ID: 0500_1
Revises: mem_1
"""

from alembic import op

revision = "0500_1"
down_revision = "mem_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("provisioning_job", schema=None) as batch_op:
        batch_op.create_index("ix_provisioning_job_playbook_id", ["playbook", "id"], unique=False)
        batch_op.create_index("ix_provisioning_job_requested_by_id", ["requested_by", "id"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_actor_id", ["actor", "id"], unique=False)
        batch_op.create_index("ix_audit_event_action_id", ["action", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_action_id")
        batch_op.drop_index("ix_audit_event_actor_id")
    with op.batch_alter_table("provisioning_job", schema=None) as batch_op:
        batch_op.drop_index("ix_provisioning_job_requested_by_id")
        batch_op.drop_index("ix_provisioning_job_playbook_id")
