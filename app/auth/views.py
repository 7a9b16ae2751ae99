"""Views of staff sign-in: /login (rate-limited per IP and per username) and POST /logout."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import bp, services
from app.auth.access import Role, safe_next
from app.auth.forms import SignInForm, SignOutForm
from app.extensions import limiter
from app.i18n import fresh_session
from app.ratekeys import keyed


def _username_key() -> str:
    return keyed("login-user", services.normalise_username(request.form.get("username"))[:64])


def _home_for(user) -> str:
    if user.has_role(Role.SUPPORT) and "review.queue" in current_app.view_functions:
        return url_for("review.queue")
    if user.has_role(Role.SYSADMINS) and "console.list_jobs" in current_app.view_functions:
        return url_for("console.list_jobs")
    if user.has_role(Role.LEADERSHIP) and "leadership.overview" in current_app.view_functions:
        return url_for("leadership.overview")
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], scope="login-ip")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], scope="login-user",
               key_func=_username_key)
def login():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = services.sign_in(request.form.get("username"), request.form.get("password"))
        except services.SignInRefused as refused:
            unavailable = refused.code == "directory_unavailable"
            message = (_("Sign-in is not available right now. Try again in a few minutes.") if unavailable
                       else _("The username or password is not right."))
            form.username.errors = [message]
            form.password.data = ""
            return render_template("auth/login.html", form=form), 200
        fresh_session()
        login_user(user)
        return redirect(safe_next(form.next.data) or _home_for(user), 303)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = SignOutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        services.sign_out(current_user.session_id)
    logout_user()
    fresh_session()
    return redirect(url_for("auth.login"), 303)
