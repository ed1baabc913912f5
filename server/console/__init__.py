"""The community console at /console/: server-rendered pages (Jinja + htmx) for staff."""

from __future__ import annotations

from importlib import import_module

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError
from werkzeug.exceptions import HTTPException

from sync.errors import ProtocolError

from ..core.time import china_today
from ..core.roles import UNIT_ROLES
from ..extensions import db
from ..vendor import send_vendored
from .blueprint import bp
from .errors import ConsoleError, render_error
from .masking import mask_id, mask_phone
from .scope import load_scope

# Pages anyone may reach: signing in, and the files the sign-in page needs.
# Stylesheets and scripts: public, cacheable, and served without looking at the session.
ASSETS = frozenset({"console.static", "console.vendor"})
PUBLIC = {"console.login_form", "console.login", "console.first_run_form", "console.first_run_create", *ASSETS}
# What a unit contact may open besides their own pages (console.unit_*): signing out, the language.
UNIT_DESK_SHARED = {"console.logout", "console.switch_language"}
# Each feature is a package whose views module registers its pages (and its sibling modules').
FEATURES = ("auditlog", "buildings", "cases", "conflicts", "dashboard", "dictionaries", "directory", "history",
            "ledgers", "records", "review", "setup", "setup_import", "unitdesk", "units", "users")


def init_app(app: Flask) -> None:
    # Importing the page modules registers their routes on the blueprint.
    from . import signin  # noqa: F401
    for feature in FEATURES:
        import_module(f"{__name__}.{feature}.views")

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session instead
    app.register_blueprint(bp)
    app.jinja_env.filters["mask_id"] = mask_id
    app.jinja_env.filters["mask_phone"] = mask_phone
    # Stored times are naive UTC; every page prints Beijing wall time: {{ row.at|beijing }}.
    from .cases.labels import china
    app.jinja_env.filters["beijing"] = china
    # The date a printed page carries (base.html), whatever helpers a page's view passes.
    app.jinja_env.globals["china_today"] = china_today


@bp.before_request
def _guard():
    from .signin import signed_in_user

    if request.endpoint in ASSETS:
        return None  # stylesheets and scripts: no session, no scope, no queries
    # Flask-WTF caches the token on g; g outlives a request when an app context was already
    # pushed (tests, CLI), and a cached token of another session would fail every form.
    g.pop("csrf_token", None)
    g.pop("csrf_refused", None)  # likewise: an earlier refusal must not keep this session from being stored
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
        try:
            validate_csrf(token)
        except ValidationError:
            g.csrf_refused = True
            raise ConsoleError("csrf_failed", 400)
    g.staff = signed_in_user()
    if g.staff is not None:
        g.scope = load_scope(g.staff)
    if request.endpoint in PUBLIC:
        return None
    if g.staff is None:
        target = url_for("console.login_form", next=request.full_path.rstrip("?"))
        if request.headers.get("HX-Request") == "true":
            reply = current_app.response_class(status=401)
            reply.headers["HX-Redirect"] = target
            return reply
        return redirect(target)
    if g.staff.role in UNIT_ROLES and not (request.endpoint or "").startswith("console.unit_") \
            and request.endpoint not in UNIT_DESK_SHARED:
        raise ConsoleError("forbidden", 403)  # a handling unit sees the cases sent to it, nothing else
    return None


@bp.after_request
def _no_store(reply):
    # The policy and framing headers come from server/security_headers.py, for every route.
    if request.endpoint not in ASSETS:
        # Pages carry personal data: never kept by the browser or a proxy.
        reply.headers["Cache-Control"] = "no-store"
    return reply


@bp.after_request
def _keep_the_signed_in_session(reply):
    # A POST from another site arrives without the session cookie (SameSite=Lax); the refusal page
    # makes a fresh session for its own form token, and storing that would replace the staff
    # member's cookie: any other site could sign them out. A refused request keeps the cookie.
    if g.get("csrf_refused"):
        session.modified = False
    return reply


@bp.app_context_processor
def _globals():
    return {"csrf_token": generate_csrf, "view_functions": current_app.view_functions}


@bp.errorhandler(ProtocolError)
def _refused(exc: ProtocolError):
    db.session.rollback()
    return render_error(exc)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    db.session.rollback()
    code = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        exc.code or 400, "invalid_request")
    return render_error(ConsoleError(code, exc.code or 400))


@bp.get("/vendor/<path:name>")
def vendor(name: str):
    """Charting and htmx from the vendor folder the build fills (server/vendor.py)."""
    return send_vendored(name)
