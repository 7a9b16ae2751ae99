"""The member lifecycle after approval: directory entries, activation (password) links, switch off/on.

Wired in by init_app: the activation pages, the activation email, and the two provisioning hooks
(directory entries before a run, the activation email after a job ends).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import mail, outbox
    from app.members import activation, entries, views
    from app.provisioning import hooks

    app.register_blueprint(views.bp)
    mail.register(app, activation)
    # A member approved without services: their entry and activation email, with no provisioning job.
    outbox.route(app, "member_entry", queue="provision", task=entries.entry_only, id_prefix="member-entry",
                 argument_key="member_id")
    hooks.on_before_run(app, entries.ensure_entries)
    hooks.on_after_end(app, activation.after_job)
