"""The member lifecycle after approval: directory entries, activation (password) links, switch off/on.

Wired in by init_app: the activation pages, the activation email, and the two provisioning hooks
(directory entries before a run, the activation email after a job ends).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app import mail
    from app.members import activation, entries, views
    from app.provisioning import hooks

    app.register_blueprint(views.bp)
    mail.register(app, activation)
    hooks.on_before_run(app, entries.ensure_entries)
    hooks.on_after_end(app, activation.after_job)
