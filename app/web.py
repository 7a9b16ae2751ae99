"""Public pages that belong to no area (home, about) and the error pages, in both languages."""

from __future__ import annotations

import contextlib

from flask import Blueprint, Flask, current_app, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    return render_template("web/home.html")


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; answer with the SVG instead of a 404.
    return redirect(url_for("static", filename="img/favicon.svg"), 301)


ERRORS = {
    400: (_l("Bad request"), _l("We could not understand that request.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("If you typed the address, check it is correct. If you followed a link, "
                                   "it may have expired.")),
    405: (_l("Not allowed"), _l("That action is not possible on this page.")),
    413: (_l("Too much data"), _l("What you sent is too large. Shorten it and try again.")),
    429: (_l("Too many tries"), _l("You have tried this too many times. Wait a little and try again.")),
    503: (_l("Try again in a minute"), _l("Our database is not answering for a moment, so what you sent may not "
                                          "have been saved. Go back and send it again in a minute.")),
    500: (_l("Something went wrong"), _l("Sorry, there is a problem on our side. Nothing you typed was lost; "
                                         "try again in a few minutes.")),
}


def error_page(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = ERRORS.get(code, ERRORS[500])
    response = render_template("web/error.html", code=code, title=str(title or default_title),
                               message=str(message or default_message))
    return response, code


def _http_error(error, code: int):
    """The error page (JSON under /api/), keeping Werkzeug's headers such as a 405's Allow."""
    if request.path == "/api" or request.path.startswith("/api/"):
        response = jsonify({"error": str(ERRORS.get(code, ERRORS[500])[0])})
        response.status_code = code
    else:
        response = make_response(*error_page(code))
    # get_headers() always carries Werkzeug's text/html Content-Type: keep only the others (Allow, ...).
    for name, value in getattr(error, "get_headers", lambda: [])():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


# The database unreachable or restarting (refused connections, a connection cut by a restart, an exhausted
# pool, SQLite locked): the request's transaction is lost whole, so the person can simply send it again.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def _database_unavailable(error):
    from app.extensions import db, login_manager

    with contextlib.suppress(sa_exc.SQLAlchemyError):
        db.session.remove()  # rolls back; the connection goes back to the pool, or is dropped if it broke
    # The driver's own message (e.g. "connection refused", or "no such column" after a missed migration, which
    # lands here too), never the SQL statement or its parameters (they may hold an address or a token hash).
    cause = getattr(error, "orig", None) or error
    current_app.logger.warning("database unavailable (%s: %s): %s %s answered 503", type(cause).__name__,
                               str(cause).strip()[:300], request.method, request.path)
    # The page must not reach for the database again: a staff member not yet loaded is shown as signed out.
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    response = _http_error(error, 503)
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_error(error: CSRFError):
    return error_page(400, _l("Your form expired"),
                       _l("For your security the form could not be sent. Go back, reload the page and send it "
                          "again."))


def _rate_limited(error):
    response = error_page(429)
    # Flask-Limiter adds Retry-After (RATELIMIT_HEADERS_ENABLED) after this handler returns.
    return response


def init_app(app: Flask) -> None:
    from app.auth.access import Role

    app.register_blueprint(bp)
    app.jinja_env.globals["Role"] = Role

    @app.context_processor
    def _endpoints() -> dict:
        # Lets shared templates link to areas only where their blueprint is registered.
        return {"url_map_endpoints": app.view_functions.keys()}

    for code in (400, 403, 404, 405, 413, 500, 503):
        app.register_error_handler(code, lambda e, code=code: _http_error(e, code))
    app.register_error_handler(CSRFError, _csrf_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(429, _rate_limited)
