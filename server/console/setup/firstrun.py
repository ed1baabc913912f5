"""The first run (/console/first-run): on an empty database, the setup code `wangge init-db`
printed lets one person create the street and its first street admin, who is then signed in.

Public, but only while no user exists (afterwards 404, as if it were not there). Wrong codes go
through the sign-in throttle under a bucket of their own, so the code cannot be guessed.
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from ...areas.operations import add_area
from ...audit import write as audit
from ...auth import first_run, sessions, throttle
from ...auth.operations import create_user
from ...core.messages import message
from ...extensions import db
from ...syncapi.direct import DirectWriter
from ..blueprint import bp
from ..users.forms import USERNAME, FormResult, read_password
from .forms import read_area


def _open() -> None:
    if not first_run.is_open(current_app.instance_path):
        abort(404)


def _page(result: FormResult, status: int = 200):
    return render_template("console/setup/first_run.html", result=result, message=message), status


@bp.get("/first-run")
def first_run_form():
    _open()
    return _page(FormResult())


@bp.post("/first-run")
def first_run_create():
    _open()
    address = request.remote_addr
    attempt = throttle.begin(first_run.THROTTLE_NAME, address)  # 429 while wrong codes must wait
    street = read_area({"name": request.form.get("street_name"), "code": request.form.get("street_code")}, "street")
    result = FormResult(values={f"street_{k}": v for k, v in street.values.items()},
                        errors={f"street_{k}": v for k, v in street.errors.items()})
    username = (request.form.get("username") or "").strip()
    name = (request.form.get("admin_name") or "").strip()
    result.values.update(username=username, admin_name=name)
    if not USERNAME.match(username):
        result.errors["username"] = "username_invalid"
    if not name:
        result.errors["admin_name"] = "required"
    elif len(name) > 50:
        result.errors["admin_name"] = "too_long"
    read_password(request.form, result)
    if not first_run.matches(current_app.instance_path, request.form.get("code") or ""):
        # The attempt stays a failure (committed by the throttle); the typed values come back.
        result.errors["code"] = "first_run_code_wrong"
        return _page(result, 422)
    throttle.succeeded(attempt)
    if not result.ok:
        db.session.commit()
        return _page(result, 422)
    if not first_run.claim(current_app.instance_path):
        abort(404)
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"], via="console:first-run")
    street_area = add_area(writer, "street", street.values["name"], code=street.values["code"],
                           boundary=street.values["boundary"] or None)
    user = create_user(username, result.values["password"], name, "street_admin", [street_area.id])
    audit("first_run", user.id, "area", street_area.id, address, {"street": street_area.name})
    audit("login", user.id, ip=address, detail={"channel": "console", "username": user.username})
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(user.id)
    g.staff = user
    db.session.commit()
    flash(gettext("已创建 %(street)s 和管理员账号。下一步：添加社区和网格。", street=street_area.name))
    return redirect(url_for("console.setup_home"))
