"""Member pages: server-side member sessions, the history of a member's commitments, and leaving.

Revision ID: 0010
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"  # after the onboarding migrations 0006–0007 (issue 12)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_session_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_session")),
    )
    op.create_index(op.f("ix_member_session_member_id"), "member_session", ["member_id"], unique=False)
    op.create_table(
        "member_commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("hours_per_month", sa.Integer(), nullable=False),
        sa.Column("working_groups", sa.JSON(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("movements", sa.JSON(), nullable=False),
        sa.Column("movements_other", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_commitment_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_commitment")),
    )
    op.create_index(op.f("ix_member_commitment_member_id"), "member_commitment", ["member_id"], unique=False)
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leave_requested_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("leaves_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("leave_reason", sa.String(length=1000), nullable=True))
        batch_op.create_index(batch_op.f("ix_member_leaves_at"), ["leaves_at"], unique=False)


def downgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_leaves_at"))
        batch_op.drop_column("leave_reason")
        batch_op.drop_column("leaves_at")
        batch_op.drop_column("leave_requested_at")
    op.drop_index(op.f("ix_member_commitment_member_id"), table_name="member_commitment")
    op.drop_table("member_commitment")
    op.drop_index(op.f("ix_member_session_member_id"), table_name="member_session")
    op.drop_table("member_session")
