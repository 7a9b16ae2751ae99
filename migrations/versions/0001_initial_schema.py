"""initial schema: the core tables of DESIGN.md, and the uidNumber counter seeded at 10000.

Revision ID: 0001
Revises: (none)

Files are named NNNN_<what>.py so that their order is the order they apply. The revision ids of
0002–0005 (onb_1, mem_1, 0500_1, 0200_1) are older names kept as they were: existing databases record
them in alembic_version.
Create Date: 2026-11-25 20:50:29.342532

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_uid'), ['uid'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('contact_person', sa.String(length=200), nullable=True),
    sa.Column('organisation_size', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('movements', sa.JSON(), nullable=False),
    sa.Column('movements_other', sa.String(length=500), nullable=True),
    sa.Column('username', sa.String(length=32), nullable=True),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('info_request', sa.Text(), nullable=True),
    sa.Column('info_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assignee', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_application_token_hash'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_assignee'), ['assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_state'), ['state'], unique=False)
        batch_op.create_index('ix_application_state_submitted_at', ['state', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('uq_application_username_held', ['username'], unique=True, sqlite_where=sa.text("state IN ('draft', 'submitted', 'needs_info', 'approved')"), postgresql_where=sa.text("state IN ('draft', 'submitted', 'needs_info', 'approved')"))

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor'), ['actor'], unique=False)
        batch_op.create_index('ix_audit_event_at_id', ['at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target'], unique=False)

    op.create_table('counter',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counter'))
    )
    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('effective_at', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('kind', 'language', 'version', name=op.f('uq_document_version_kind'))
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_sha256'), ['sha256'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['dispatched_at', 'id'], unique=False)

    op.create_table('provisioning_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playbook', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=128), nullable=True),
    sa.Column('rc', sa.Integer(), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('stdout', sa.Text(), nullable=True),
    sa.Column('stdout_truncated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['provisioning_job.id'], name=op.f('fk_provisioning_job_parent_id_provisioning_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisioning_job'))
    )
    with op.batch_alter_table('provisioning_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provisioning_job_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provisioning_job_playbook'), ['playbook'], unique=False)
        batch_op.create_index(batch_op.f('ix_provisioning_job_queued_at'), ['queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_provisioning_job_requested_by'), ['requested_by'], unique=False)
        batch_op.create_index('ix_provisioning_job_state_id', ['state', 'id'], unique=False)

    op.create_table('staff_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('dn', sa.String(length=255), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('roles_checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_uid'), ['uid'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('dues_amount', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('dues_currency', sa.String(length=3), nullable=False),
    sa.Column('dues_period', sa.String(length=10), nullable=False),
    sa.Column('waiver_requested', sa.Boolean(), nullable=False),
    sa.Column('waiver_reason', sa.Text(), nullable=True),
    sa.Column('hours_per_month', sa.Integer(), nullable=False),
    sa.Column('working_groups', sa.JSON(), nullable=False),
    sa.Column('projects', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_commitment_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment')),
    sa.UniqueConstraint('application_id', name=op.f('uq_commitment_application_id'))
    )
    op.create_table('job_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=True),
    sa.Column('task', sa.String(length=500), nullable=True),
    sa.Column('item_label', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.Column('duration', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['provisioning_job.id'], name=op.f('fk_job_event_job_id_provisioning_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_event')),
    sa.UniqueConstraint('job_id', 'counter', name=op.f('uq_job_event_job_id'))
    )
    with op.batch_alter_table('job_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_event_created_at'), ['created_at'], unique=False)

    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=32), nullable=False),
    sa.Column('uid_number', sa.Integer(), nullable=False),
    sa.Column('ldap_dn', sa.String(length=255), nullable=False),
    sa.Column('member_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('password_set_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_member_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('application_id', name=op.f('uq_member_application_id')),
    sa.UniqueConstraint('uid', name=op.f('uq_member_uid')),
    sa.UniqueConstraint('uid_number', name=op.f('uq_member_uid_number'))
    )
    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_note_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_application_id'), ['application_id'], unique=False)

    op.create_table('activation_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_activation_token_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activation_token_token_hash'))
    )
    with op.batch_alter_table('activation_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_token_member_id'), ['member_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('document_version_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('sha256_shown', sa.String(length=64), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_consent_application_id_application')),
    sa.ForeignKeyConstraint(['document_version_id'], ['document_version.id'], name=op.f('fk_consent_document_version_id_document_version')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_consent_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent')),
    sa.UniqueConstraint('application_id', 'document_version_id', name=op.f('uq_consent_application_id'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_member_id'), ['member_id'], unique=False)

    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_service_request_application_id_application')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_service_request_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_state'), ['state'], unique=False)

    op.create_table('job_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('service_request_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['provisioning_job.id'], name=op.f('fk_job_item_job_id_provisioning_job')),
    sa.ForeignKeyConstraint(['service_request_id'], ['service_request.id'], name=op.f('fk_job_item_service_request_id_service_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_item')),
    sa.UniqueConstraint('job_id', 'service_request_id', name=op.f('uq_job_item_job_id'))
    )
    with op.batch_alter_table('job_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_item_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_item_service_request_id'), ['service_request_id'], unique=False)

    # uidNumbers start at 10000, clear of system accounts; allocate() returns value + 1.
    op.bulk_insert(sa.table("counter", sa.column("name", sa.String), sa.column("value", sa.Integer)),
                   [{"name": "uid_number", "value": 9999}])


def downgrade():
    with op.batch_alter_table('job_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_item_service_request_id'))
        batch_op.drop_index(batch_op.f('ix_job_item_job_id'))

    op.drop_table('job_item')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_state'))
        batch_op.drop_index(batch_op.f('ix_service_request_member_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_application_id'))

    op.drop_table('service_request')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_member_id'))
        batch_op.drop_index(batch_op.f('ix_consent_application_id'))

    op.drop_table('consent')
    with op.batch_alter_table('activation_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_token_member_id'))

    op.drop_table('activation_token')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_application_id'))

    op.drop_table('note')
    op.drop_table('member')
    with op.batch_alter_table('job_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_event_created_at'))

    op.drop_table('job_event')
    op.drop_table('commitment')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_uid'))

    op.drop_table('staff_session')
    with op.batch_alter_table('provisioning_job', schema=None) as batch_op:
        batch_op.drop_index('ix_provisioning_job_state_id')
        batch_op.drop_index(batch_op.f('ix_provisioning_job_requested_by'))
        batch_op.drop_index(batch_op.f('ix_provisioning_job_queued_at'))
        batch_op.drop_index(batch_op.f('ix_provisioning_job_playbook'))
        batch_op.drop_index(batch_op.f('ix_provisioning_job_parent_id'))

    op.drop_table('provisioning_job')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')

    op.drop_table('outbox')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_version_sha256'))

    op.drop_table('document_version')
    op.drop_table('counter')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index('ix_audit_event_at_id')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('uq_application_username_held', sqlite_where=sa.text("state IN ('draft', 'submitted', 'needs_info', 'approved')"), postgresql_where=sa.text("state IN ('draft', 'submitted', 'needs_info', 'approved')"))
        batch_op.drop_index('ix_application_state_submitted_at')
        batch_op.drop_index(batch_op.f('ix_application_state'))
        batch_op.drop_index(batch_op.f('ix_application_email'))
        batch_op.drop_index(batch_op.f('ix_application_assignee'))

    op.drop_table('application')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_uid'))

    op.drop_table('api_token')
