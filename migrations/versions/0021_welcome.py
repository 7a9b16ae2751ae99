"""Intentionality at the door: why a person joins (motivation), the welcome conversation, and why a person
cannot give the hours or working group the Agreement asks (commitment.work_reason).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    # Why a person cannot give the hours or the working group the Agreement asks, for now.
    op.add_column("commitment", sa.Column("work_reason", sa.Text(), nullable=True))
    op.create_table(
        "motivation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("value_slugs", sa.JSON(), nullable=False),
        sa.Column("hopes", sa.Text(), nullable=True),
        sa.Column("came_from", sa.String(length=30), nullable=True),
        sa.Column("came_from_other", sa.String(length=200), nullable=True),
        sa.Column("wants_conversation", sa.Boolean(), nullable=False),
        sa.Column("conversation_language", sa.String(length=5), nullable=True),
        sa.Column("conversation_medium", sa.String(length=10), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("availability", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_motivation_application_id_application")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motivation")),
        sa.UniqueConstraint("application_id", name=op.f("uq_motivation_application_id")),
    )
    op.create_table(
        "welcome_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("proposed_times", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("held_with", sa.String(length=200), nullable=True),
        sa.Column("held_language", sa.String(length=5), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("questions", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_welcome_conversation_application_id_application")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_conversation")),
        sa.UniqueConstraint("application_id", name=op.f("uq_welcome_conversation_application_id")),
    )


def downgrade():
    op.drop_table("welcome_conversation")
    op.drop_table("motivation")
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("work_reason")
