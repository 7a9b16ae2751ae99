"""Re-consent: document versions say whether they ask members again (and what changed); campaigns,
one request per member, and the conversation about a member's concerns.

Revision ID: 0020
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch: dropping the default in SQLite's batch mode copies and drops
    # document_version, which the foreign keys of existing consents refuse (make run on a used database).
    op.add_column("document_version", sa.Column("reconsent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("document_version", sa.Column("change_note", sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":  # SQLite keeps the (harmless) default: it cannot drop one in place
        op.alter_column("document_version", "reconsent", server_default=None)
    op.create_table(
        "consent_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_member_id", sa.Integer(), nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_campaign")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_consent_campaign_kind")),
    )
    op.create_table(
        "consent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["consent_campaign.id"],
                                name=op.f("fk_consent_request_campaign_id_consent_campaign")),
        sa.ForeignKeyConstraint(["consent_id"], ["consent.id"], name=op.f("fk_consent_request_consent_id_consent")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_consent_request_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_request")),
        sa.UniqueConstraint("campaign_id", "member_id", name=op.f("uq_consent_request_campaign_id")),
    )
    op.create_index("ix_consent_request_member_id_state", "consent_request", ["member_id", "state"])
    op.create_index("ix_consent_request_campaign_id_mailed_at", "consent_request", ["campaign_id", "mailed_at", "id"])
    op.create_index("ix_consent_request_state_mailed_at", "consent_request", ["state", "mailed_at", "id"])
    op.create_table(
        "consent_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("from_member", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["consent_request.id"],
                                name=op.f("fk_consent_message_request_id_consent_request")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_message")),
    )
    op.create_index(op.f("ix_consent_message_request_id"), "consent_message", ["request_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_consent_message_request_id"), table_name="consent_message")
    op.drop_table("consent_message")
    op.drop_index("ix_consent_request_state_mailed_at", table_name="consent_request")
    op.drop_index("ix_consent_request_campaign_id_mailed_at", table_name="consent_request")
    op.drop_index("ix_consent_request_member_id_state", table_name="consent_request")
    op.drop_table("consent_request")
    op.drop_table("consent_campaign")
    with op.batch_alter_table("document_version") as batch:
        batch.drop_column("change_note")
        batch.drop_column("reconsent")
