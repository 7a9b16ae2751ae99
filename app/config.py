"""Settings: safe development defaults, each overridable by an ALTA_<NAME> environment variable."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("ALTA_INSTANCE_PATH", ROOT / "instance"))

DEFAULT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105 - refused in production

DEFAULTS: dict[str, object] = {
    # development | test | production
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "DATABASE_URL": f"sqlite:///{INSTANCE / 'alta.db'}",
    "REDIS_URL": "redis://127.0.0.1:6391/0",
    "LDAP_URL": "ldap://127.0.0.1:3891",
    "LDAP_BASE_DN": "dc=alta,dc=coop",
    "LDAP_SERVICE_DN": "cn=alta-service,dc=alta,dc=coop",
    "LDAP_SERVICE_PASSWORD": "",
    "LDAP_TIMEOUT": 5,
    # How often a signed-in staff member's LDAP groups are read again (seconds).
    "ROLE_RECHECK_SECONDS": 60,
    "STAFF_IDLE_TIMEOUT_MINUTES": 60,
    "MAIL_BACKEND": "file",  # file | smtp
    "MAIL_DIR": str(INSTANCE / "mail"),
    "MAIL_FROM": "alta <alta@alta.coop>",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 25,
    "SUPPORT_EMAIL": "support@alta.coop",
    "BASE_URL": "http://127.0.0.1:5000",
    "SANDBOX": str(INSTANCE / "sandbox"),
    "PLAYBOOK_DIR": str(ROOT / "playbooks"),
    "INVENTORY": str(ROOT / "playbooks" / "inventories" / "sandbox" / "hosts.yml"),
    "JOB_TIMEOUT_SECONDS": 600,
    "JOB_RETRY_BUDGET": 3,
    "JOB_HEARTBEAT_STALE_SECONDS": 60,
    # Sysadmin console: when set, GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>"; empty = public
    # (counts only, no personal data). Set it in production if /metrics is reachable from outside.
    "METRICS_TOKEN": "",
    # Provisioning engine: backoff before a lost job's retry (doubles per attempt), stdout kept per job,
    # where private_data_dirs are made ("" = the system temp dir), how often the worker sweeps, and after
    # how long a queued job missing from Redis is pushed again.
    "JOB_RETRY_BACKOFF_SECONDS": 30,
    # A job whose run needs something that is not answering (the directory down) waits and is tried again,
    # the wait doubling from JOB_RETRY_BACKOFF_SECONDS up to this, for as long as it takes.
    "JOB_RETRY_BACKOFF_MAX_SECONDS": 900,
    "JOB_STDOUT_MAX_CHARS": 1000000,
    "JOB_WORK_DIR": "",
    "JOB_SWEEP_SECONDS": 10,
    "JOB_REDISPATCH_SECONDS": 300,
    "RATELIMIT_SIGNUP": "10 per hour",
    "RATELIMIT_SIGNUP_EMAIL": "3 per hour",
    "RATELIMIT_LOGIN": "10 per 15 minutes",
    "MIN_FORM_SECONDS": 3,
    "TOKEN_DAYS": 30,
    # A draft nobody saves for this many days expires (its username and address are freed); its one
    # reminder email goes out DRAFT_REMINDER_DAYS before (`flask --app app onboarding drafts`, daily).
    "DRAFT_EXPIRY_DAYS": 30,
    "DRAFT_REMINDER_DAYS": 7,
    # Mailboxes on the cooperative's own domain, for members without a domain of their own.
    "MEMBER_MAIL_DOMAIN": "members.alta.coop",
    "REVIEW_AGE_WARNING_DAYS": 5,
    "UNDO_REJECTION_HOURS": 48,
    # Member services: activation (set-password) links, mail quota, login shell of directory entries.
    "ACTIVATION_TOKEN_HOURS": 72,
    "RATELIMIT_ACTIVATION": "10 per 15 minutes",
    "MAIL_QUOTA_MB": 2048,
    "MEMBER_LOGIN_SHELL": "/bin/bash",
    # The member's own pages (/me/): a session ends after this long without a request.
    "MEMBER_IDLE_TIMEOUT_MINUTES": 30,
    # A member who leaves keeps their services this many days (and may change their mind meanwhile).
    "LEAVE_NOTICE_DAYS": 30,
    # Community: how many messages a member may send other members through alta in 24 hours.
    "CONTACT_MESSAGES_PER_DAY": 5,
    # Working groups' coordinators: group slug → member uids; they see the group's opted-in roster.
    "WORKING_GROUP_COORDINATORS": {},
    # Leadership view: a group smaller than this is shown as "fewer than N" (never below 3).
    "SUPPRESSION_THRESHOLD": 5,
    # How long the leadership view's counts are kept in Redis before they are counted again (0: never kept).
    "LEADERSHIP_CACHE_SECONDS": 600,
    # The language of emails to the support team's shared address (en | es).
    "SUPPORT_LANGUAGE": "en",
    # Re-consent: requests and their emails are made this many at a time (one transaction each); reminders
    # go to members who have not answered this many days after the first email, once per step, never more.
    "CONSENT_BATCH_SIZE": 200,
    "CONSENT_REMINDER_DAYS": [14, 45],
    "CONSENT_MESSAGE_MAX_CHARS": 2000,
    "DUES_MINIMUM": {"USD": 5, "MXN": 50},
    # Dues follow-up (app/dues/): the notice goes out this many days before the paid-up date; after it,
    # this many days of grace before a member is "at risk" and support gets in touch.
    "DUES_NOTICE_DAYS": 14,
    "DUES_GRACE_DAYS": 60,
    # How to pay, per currency and language, shown on the member's pages and in reminders.
    "DUES_PAYMENT_INSTRUCTIONS": {
        "USD": {"en": "By card or PayPal at https://pay.alta.coop, or by check to the cooperative.",
                "es": "Con tarjeta o PayPal en https://pay.alta.coop, o con cheque a nombre de la cooperativa."},
        "MXN": {"en": "By bank transfer to the cooperative's account; use your username as the reference.",
                "es": "Por transferencia a la cuenta de la cooperativa; usa tu nombre de usuario como referencia."},
    },
    "DUES_TIERS": {
        "individual": {"USD": [10, 25, 50], "MXN": [100, 250, 500]},
        "organisation": {"USD": [50, 100, 250], "MXN": [500, 1000, 2500]},
    },
    # What the Membership Agreement asks of every member: an hour or two a week (the wizard asks at least
    # this many hours a month, or a reason why not now) and at least one working group.
    "HOURS_ASKED": 4,
    "WORKING_GROUPS": ["infrastructure", "support", "education", "outreach", "translation", "governance"],
    "MOVEMENTS": [
        "migrant-rights", "labour", "housing", "climate", "feminist", "lgbtq", "indigenous",
        "racial-justice", "media", "peasant-food", "education", "health", "anti-war",
    ],
    # The values a person may name as theirs when joining (labels and meanings in app/labels.py VALUES).
    "VALUES": [
        "transparency", "cooperation", "education", "privacy", "ownership", "accessibility", "autonomy",
        "free-software", "borders", "diversity", "companerismo", "buen-vivir",
    ],
    "CAME_FROM": ["member", "movement", "event", "web", "social", "services"],
    # Whose application needs a welcome conversation held before approval:
    # "organisations" (organisations only), "everyone", or "optional" (no one; still offered to all).
    "WELCOME_CONVERSATION": "organisations",
    # Time zones support may propose conversation times in (IANA names; the first is the default).
    "WELCOME_TIMEZONES": ["America/Mexico_City", "America/Tijuana", "America/Los_Angeles", "America/Denver",
                          "America/Chicago", "America/New_York"],
    # Political education material the welcome email and the member's pages point to, in both languages.
    "EDUCATION_MATERIAL": [
        {"url": "https://alta.coop/aprender/tecnologia-y-movimientos",
         "title": {"en": "Technology as a terrain of struggle",
                   "es": "La tecnología como terreno de lucha"},
         "text": {"en": "Why movements need infrastructure of their own: a reading and a workshop guide.",
                  "es": "Por qué los movimientos necesitan infraestructura propia: una lectura y una guía de taller."}},
        {"url": "https://alta.coop/aprender/como-decidimos",
         "title": {"en": "How we decide together", "es": "Cómo decidimos en colectivo"},
         "text": {"en": "The assembly, the working groups and how a member proposes a change.",
                  "es": "La asamblea, los grupos de trabajo y cómo proponer un cambio siendo integrante."}},
    ],
}


def _coerce(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, (dict, list)):
        return json.loads(raw)
    return raw


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Defaults, then ALTA_* variables, then explicit overrides (tests)."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = environ.get(f"ALTA_{name}")
        if raw is not None:
            settings[name] = _coerce(raw, default)
    settings.update(overrides or {})
    return settings


class ConfigError(RuntimeError):
    """The settings are unsafe or incomplete for the chosen mode."""


WELCOME_POLICIES = ("organisations", "everyone", "optional")


def check(settings: dict) -> None:
    if settings["WELCOME_CONVERSATION"] not in WELCOME_POLICIES:
        raise ConfigError(f"ALTA_WELCOME_CONVERSATION must be one of {', '.join(WELCOME_POLICIES)}, "
                          f"not {settings['WELCOME_CONVERSATION']!r}")
    if settings["ENV"] not in {"development", "test", "production"}:
        raise ConfigError(f"ALTA_ENV must be development, test or production, not {settings['ENV']!r}")
    if settings["ENV"] == "production":
        key = str(settings["SECRET_KEY"])
        if key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise ConfigError("Refusing to start in production with the default or a short ALTA_SECRET_KEY.")
        if not settings["LDAP_SERVICE_PASSWORD"]:
            raise ConfigError("ALTA_LDAP_SERVICE_PASSWORD is required in production.")
