"""Re-consent when the cooperative changes a document: campaigns, the member's answer (/me/consent/…),
reminders (`flask --app app consent remind`, daily) and the staff view (/consent/…).

Wired in by init_app: both blueprints, the CLI group, the mail builders, the banner on member pages and the
documents.sync hook that opens a campaign when a version requiring re-consent is published.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("consent", __name__, url_prefix="/me/consent")
staff_bp = Blueprint("consent_staff", __name__, url_prefix="/consent")


def init_app(app: Flask) -> None:
    from app import documents, mail
    from app.consent import campaigns, cli, emails, staff_views, views  # noqa: F401 - views attach the routes

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(cli.consent_cli)
    mail.register(app, emails)
    documents.on_published(app, campaigns.after_sync)
    app.context_processor(views.banner_context)
