"""Community: members' opt-in profiles, the messages relayed between them, and introductions.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "community_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("contactable", sa.Boolean(), nullable=False),
        sa.Column("introductions", sa.Boolean(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("pronouns", sa.String(length=40), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("movements", sa.JSON(), nullable=False),
        sa.Column("working_groups", sa.JSON(), nullable=False),
        sa.Column("about_en", sa.Text(), nullable=True),
        sa.Column("about_es", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_community_profile_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_profile")),
        sa.UniqueConstraint("member_id", name=op.f("uq_community_profile_member_id")),
    )
    op.create_index("ix_community_profile_visible", "community_profile", ["visible", "member_id"], unique=False)
    op.create_table(
        "contact_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["member.id"], name=op.f("fk_contact_message_recipient_id_member")),
        sa.ForeignKeyConstraint(["sender_id"], ["member.id"], name=op.f("fk_contact_message_sender_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_message")),
    )
    op.create_index(op.f("ix_contact_message_recipient_id"), "contact_message", ["recipient_id"], unique=False)
    op.create_index("ix_contact_message_sender_created", "contact_message", ["sender_id", "created_at"], unique=False)
    op.create_table(
        "introduction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["first_id"], ["member.id"], name=op.f("fk_introduction_first_id_member")),
        sa.ForeignKeyConstraint(["second_id"], ["member.id"], name=op.f("fk_introduction_second_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction")),
        sa.UniqueConstraint("first_id", "second_id", name=op.f("uq_introduction_first_id")),
    )
    op.create_index(op.f("ix_introduction_second_id"), "introduction", ["second_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_introduction_second_id"), table_name="introduction")
    op.drop_table("introduction")
    op.drop_index("ix_contact_message_sender_created", table_name="contact_message")
    op.drop_index(op.f("ix_contact_message_recipient_id"), table_name="contact_message")
    op.drop_table("contact_message")
    op.drop_index("ix_community_profile_visible", table_name="community_profile")
    op.drop_table("community_profile")
