"""Staff sign-in: a server-side session named by the signed cookie, throttled attempts (the same
throttle as the device API, server/auth/throttle.py), and sign-out.

The cookie carries only a random secret naming a row of `console_sessions`: signing out ends that
row, and a password reset ends all of the user's, so a copied cookie is refused afterwards.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import refresh
from sqlalchemy import select

from ..audit import write as audit
from ..auth import sessions, throttle
from ..auth.models import User
from ..auth.operations import verify_password
from ..core.roles import STAFF_ROLES, UNIT_ROLES
from ..extensions import db
from .blueprint import bp
from .errors import ConsoleError

# Staff, and handling units' contacts (who then reach only their unit desk, console/__init__.py).
CONSOLE_ROLES = (*STAFF_ROLES, *UNIT_ROLES)


def _lifetime() -> timedelta:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=lifetime)


def signed_in_user() -> User | None:
    if "sid" not in session:
        return None
    row = sessions.current(session["sid"], _lifetime())
    user = db.session.get(User, row.user_id) if row is not None else None
    if user is None or not user.active or user.role not in CONSOLE_ROLES:
        session.clear()
        return None
    return user


def home() -> str:
    """Where a signed-in user starts: a unit contact at their unit's cases, staff at the dashboard."""
    staff = getattr(g, "staff", None)
    return url_for("console.unit_home" if staff is not None and staff.role in UNIT_ROLES else "console.dashboard")


def _safe_next(target: str | None) -> str:
    # Only paths inside the console: never an open redirect to another site.
    if target and target.startswith("/console/") and not urlsplit(target).netloc and "//" not in target:
        if g.staff.role not in UNIT_ROLES or target.startswith("/console/unit/"):
            return target
    return home()


@bp.get("/login")
def login_form():
    if g.staff is not None:  # the guard has read the session
        return redirect(home())
    return render_template("console/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login():
    username = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    address = request.remote_addr
    attempt = throttle.begin(username, address)  # 429 with Retry-After while it must wait
    user = db.session.scalar(select(User).where(User.username == username)) if username else None

    def refuse(code: str, status: int):
        # Committed before the refusal rolls the request back; never the password.
        audit("login_failed", user.id if user else None, ip=address,
              detail={"channel": "console", "username": username, "reason": code})
        db.session.commit()
        raise ConsoleError(code, status)

    if not verify_password(user, password):
        refuse("invalid_credentials", 401)
    throttle.succeeded(attempt)
    if not user.active:
        refuse("user_disabled", 403)
    if user.role not in CONSOLE_ROLES:
        refuse("staff_only", 403)
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(user.id)
    g.staff = user  # before _safe_next, which sends a unit contact to their own pages
    audit("login", user.id, ip=address, detail={"channel": "console", "username": user.username})
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    if getattr(g, "staff", None) is not None:
        sessions.end(session.get("sid"), "logout")
        audit("logout", g.staff.id, ip=request.remote_addr, detail={"channel": "console"})
        db.session.commit()
    session.clear()
    return redirect(url_for("console.login_form"))


@bp.post("/community")
def switch_community():
    chosen = request.form.get("community_id")
    if chosen not in g.scope.community_ids:
        raise ConsoleError("out_of_scope", 404)
    session["community_id"] = chosen
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/lang")
def switch_language():
    session["lang"] = "en" if request.form.get("lang") == "en" else "zh"
    # Flask-Babel caches the locale on the app context, which outlives a request when one is
    # pushed around several (the CLI, tests): forget it so the next page is in the new language.
    refresh()
    return redirect(_safe_next(request.form.get("next")))
