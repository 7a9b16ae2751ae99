"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.applications import Application, Commitment, Consent, Note
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.community import CommunityProfile, ContactMessage, Introduction
from app.models.consent import ConsentCampaign, ConsentMessage, ConsentRequest
from app.models.documents import DOCUMENT_KINDS, DocumentVersion
from app.models.dues import DuesAccount, DuesContact, DuesPlan, Payment, PaymentImport
from app.models.members import ActivationToken, Counter, Member, ServiceRequest
from app.models.outbox import Outbox
from app.models.portal import MemberCommitment, MemberSession
from app.models.provisioning import JobEvent, JobItem, ProvisioningJob
from app.models.staff import ApiToken, StaffSession
from app.models.states import (
    ApplicationState,
    ConsentRequestState,
    DuesStanding,
    ItemStatus,
    JobState,
    MemberState,
    ServiceState,
)
from app.models.welcome import Motivation, WelcomeConversation

__all__ = [
    "ActivationToken", "ApiToken", "Application", "ApplicationState", "AuditEvent", "Base", "Commitment",
    "CommunityProfile", "ContactMessage", "Introduction",
    "Consent", "ConsentCampaign", "ConsentMessage", "ConsentRequest", "ConsentRequestState", "Counter",
    "DOCUMENT_KINDS", "DocumentVersion", "DuesAccount", "DuesContact", "DuesPlan",
    "DuesStanding", "Payment", "PaymentImport", "ItemStatus", "JobEvent", "JobItem", "JobState",
    "Member", "MemberCommitment", "MemberSession", "MemberState", "Motivation",
    "Note", "Outbox", "ProvisioningJob", "ServiceRequest", "ServiceState", "StaffSession", "utcnow",
    "WelcomeConversation",
]
