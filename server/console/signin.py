"""Staff sign-in: a session cookie, rate-limited attempts, and sign-out.

The session holds the user id and a fingerprint of the password hash, so resetting a password
ends every session signed in with the old one.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import refresh
from sqlalchemy import func, select

from ..auth.models import User
from ..auth.operations import verify_password
from ..core.roles import STAFF_ROLES
from ..extensions import db
from ..core.time import utcnow
from . import audit
from .blueprint import bp
from .errors import ConsoleError
from .models import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 30


def fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def signed_in_user() -> User | None:
    user_id = session.get("uid")
    if not user_id:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in STAFF_ROLES or session.get("pw") != fingerprint(user):
        session.clear()
        return None
    return user


def _too_many(username: str, ip: str) -> bool:
    since = utcnow() - WINDOW
    failures = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since,
                                                                    LoginAttempt.ok.is_(False))
    by_user = db.session.scalar(failures.where(LoginAttempt.username == username))
    by_ip = db.session.scalar(failures.where(LoginAttempt.ip == ip))
    return by_user >= MAX_FAILURES_PER_USER or by_ip >= MAX_FAILURES_PER_IP


def _safe_next(target: str | None) -> str:
    # Only paths inside the console: never an open redirect to another site.
    if target and target.startswith("/console/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("console.dashboard")


@bp.get("/login")
def login_form():
    if g.staff is not None:  # the guard has read the session
        return redirect(url_for("console.dashboard"))
    return render_template("console/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login():
    username = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    ip = request.remote_addr or "-"
    if _too_many(username, ip):
        raise ConsoleError("too_many_attempts", 429)
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    ok = verify_password(user, password)
    db.session.add(LoginAttempt(username=username, ip=ip, ok=ok))
    db.session.commit()
    if not ok:
        raise ConsoleError("invalid_credentials", 401)
    if not user.active:
        raise ConsoleError("user_disabled", 403)
    if user.role not in STAFF_ROLES:
        raise ConsoleError("staff_only", 403)
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["pw"] = fingerprint(user)
    g.staff = user
    audit.record("login")
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    if getattr(g, "staff", None) is not None:
        audit.record("logout")
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
