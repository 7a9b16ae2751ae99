"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.applications import Application, Commitment, Consent, Note
from app.models.audit import ApiToken, AuditEvent, StaffSession
from app.models.base import Base, utcnow
from app.models.documents import DOCUMENT_KINDS, DocumentVersion
from app.models.members import ActivationToken, Counter, Member, ServiceRequest
from app.models.provisioning import JobEvent, JobItem, Outbox, ProvisioningJob
from app.models.states import ApplicationState, JobState, ServiceState

__all__ = [
    "ActivationToken", "ApiToken", "Application", "ApplicationState", "AuditEvent", "Base", "Commitment",
    "Consent", "Counter", "DOCUMENT_KINDS", "DocumentVersion", "JobEvent", "JobItem", "JobState", "Member",
    "Note", "Outbox", "ProvisioningJob", "ServiceRequest", "ServiceState", "StaffSession", "utcnow",
]
