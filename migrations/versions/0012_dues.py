"""Dues: each member's account (standing, paid-up date), plan history, payments and support's contacts.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dues_account',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('standing', sa.String(length=20), nullable=False),
    sa.Column('paid_until', sa.Date(), nullable=False),
    sa.Column('credit_minor', sa.Integer(), nullable=False),
    sa.Column('reminded', sa.JSON(), nullable=False),
    sa.Column('at_risk_since', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_dues_account_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_dues_account'))
    )
    with op.batch_alter_table('dues_account', schema=None) as batch_op:
        batch_op.create_index('ix_dues_account_standing_paid_until', ['standing', 'paid_until'], unique=False)

    op.create_table('dues_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('agreed', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_dues_contact_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dues_contact'))
    )
    with op.batch_alter_table('dues_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dues_contact_member_id'), ['member_id'], unique=False)

    op.create_table('dues_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('waived', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_dues_plan_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dues_plan'))
    )
    with op.batch_alter_table('dues_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dues_plan_member_id'), ['member_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_payment_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_member_id'), ['member_id'], unique=False)
        batch_op.create_index('uq_payment_method_reference', ['method', 'reference'], unique=True)
    op.create_table(
        "payment_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_import")),
    )


def downgrade():
    op.drop_table("payment_import")
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_method_reference')
        batch_op.drop_index(batch_op.f('ix_payment_member_id'))

    op.drop_table('payment')
    with op.batch_alter_table('dues_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dues_plan_member_id'))

    op.drop_table('dues_plan')
    with op.batch_alter_table('dues_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dues_contact_member_id'))

    op.drop_table('dues_contact')
    with op.batch_alter_table('dues_account', schema=None) as batch_op:
        batch_op.drop_index('ix_dues_account_standing_paid_until')

    op.drop_table('dues_account')
