"""Outgoing mail: queued through the outbox, built and sent by the worker in the recipient's language.

A builder is marked with @message("name") and registered by its area's init_app with
`register(app, module)`, so which messages exist depends on the wiring, not on what happened to be
imported. The builder gets the outbox payload (ids only) and returns a Letter; `deliver` renders it
under the recipient's locale and sends it through the configured backend: files in MAIL_DIR for
development, SMTP otherwise. Links that carry one-time tokens are minted by the builder at send time,
so no token ever sits in the database or in Redis.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from types import ModuleType

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import update
from werkzeug.local import LocalProxy

from app import audit, outbox
from app.extensions import db
from app.models import Outbox, utcnow

log = logging.getLogger(__name__)

EXTENSION = "alta_mail_builders"


@dataclass
class Letter:
    to: str
    language: str
    template: str  # templates/mail/<template>.txt (required) and .html (optional)
    subject: str  # a msgid: translated under the recipient's locale at send time
    context: dict = field(default_factory=dict)
    target: str | None = None  # audit target, e.g. "application:12"
    reply_to: str | None = None  # e.g. a member's relayed message: an answer goes straight to the sender


def message(name: str):
    """Mark a builder for message `name`; `register` wires it into an app."""
    def mark(builder: Callable[[dict], Letter | None]):
        builder.alta_message = name
        return builder
    return mark


def register(app: Flask, *modules: ModuleType) -> None:
    """Register every builder marked with @message in the given modules (called by each area's init_app)."""
    builders = app.extensions.setdefault(EXTENSION, {})
    for module in modules:
        for value in vars(module).values():
            if not callable(value) or isinstance(value, LocalProxy):
                continue
            name = getattr(value, "alta_message", None)
            if isinstance(name, str):
                if builders.get(name, value) is not value:
                    raise RuntimeError(f"two builders for message {name!r}")
                builders[name] = value


def builder(name: str) -> Callable[[dict], Letter | None]:
    builders = current_app.extensions.get(EXTENSION, {})
    if name not in builders:
        raise LookupError(f"no builder registered for message {name!r}")
    return builders[name]


def init_app(app: Flask) -> None:
    outbox.route(app, "mail", queue="mail", task=deliver, id_prefix="mail")


def queue(name: str, **ids) -> Outbox:
    """Ask for a message to be sent after the current transaction commits."""
    builder(name)  # an unknown message fails here, in the transaction that asks for it, not in the worker
    return outbox.add("mail", message=name, **ids)


def render(letter: Letter) -> EmailMessage:
    from flask_babel import gettext

    with force_locale(letter.language):
        subject = gettext(letter.subject, **letter.context.get("subject_args", {}))
        text = render_template(f"mail/{letter.template}.txt", **letter.context)
        try:
            html = render_template(f"mail/{letter.template}.html", mail_subject=subject, **letter.context)
        except Exception:  # noqa: BLE001 - the HTML part is optional
            html = None
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = letter.to
    msg["Subject"] = subject
    if letter.reply_to:
        msg["Reply-To"] = letter.reply_to
    msg["Message-ID"] = make_msgid(domain="alta.coop")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    # After set_content, which drops Content-* headers from the top-level message.
    msg["Content-Language"] = letter.language
    return msg


def send(msg: EmailMessage) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=20) as smtp:
            smtp.send_message(msg)
        return
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{msg['Message-ID'].strip('<>').split('@')[0]}.eml"
    (folder / name).write_bytes(bytes(msg))


def deliver(outbox_id: int) -> str:
    """RQ task: build and send one queued message, at most once."""
    claimed = db.session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.done_at.is_(None)).values(done_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        return "already delivered"
    row = db.session.get(Outbox, outbox_id)
    payload = dict(row.payload)
    name = payload.pop("message")
    try:
        letter = builder(name)(payload)
        if letter is None:
            return "nothing to send"
        send(render(letter))
    except Exception:
        db.session.rollback()
        db.session.execute(update(Outbox).where(Outbox.id == outbox_id).values(done_at=None))
        db.session.commit()
        raise
    audit.record("system", "mail.sent", letter.target, {"message": name, "language": letter.language})
    db.session.commit()
    return "sent"
