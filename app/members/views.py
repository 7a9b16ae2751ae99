"""Activation pages (/activate/<token>): set the password once, then the link stops working.

Blueprint `members`; registered by app/members/__init__.py init_app.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.members import activation
from app.members.forms import SetPasswordForm

bp = Blueprint("members", __name__)


@bp.route("/activate/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_ACTIVATION"], methods=["POST"], scope="activate-ip")
def activate(token: str):
    found = activation.find(token)
    if found is None:
        return render_template("members/activate_invalid.html"), 404
    _row, member = found
    form = SetPasswordForm(uid=member.uid)
    if form.validate_on_submit():
        try:
            activation.set_password(token, form.password.data)
        except activation.ActivationError as refused:
            if refused.code != "directory_unavailable":
                return render_template("members/activate_invalid.html"), 409
            # Not the member's doing: the link still works, so they can try again from the same page.
            form.password.errors = [_("Your password could not be saved right now. Nothing changed and "
                                      "this link still works: try again in a few minutes.")]
            return render_template("members/activate.html", form=form, member=member,
                                   min_length=activation.MIN_PASSWORD_LENGTH), 503
        return redirect(url_for("members.activated"), 303)
    status = 400 if form.errors else 200
    return render_template("members/activate.html", form=form, member=member,
                           min_length=activation.MIN_PASSWORD_LENGTH), status


@bp.get("/activate/done")
def activated():
    return render_template("members/activated.html")
