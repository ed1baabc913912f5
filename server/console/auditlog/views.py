"""The audit page at /console/audit: street admins and community staff, filtered by person,
action, Beijing dates and record id (none of them personal data, so they may sit in the URL)."""

from __future__ import annotations

from flask import abort, g, render_template, request
from sqlalchemy import func, select

from ...extensions import db
from ..blueprint import bp
from ..cases.labels import china as local_time
from ..paging import page_number
from ..records import labels as rl
from . import labels
from .queries import actions_seen, actors, entries_query, read_filters

PAGE_SIZE = 50
ROLES = frozenset({"street_admin", "community_staff"})


@bp.get("/audit")
def audit_log():
    if g.staff.role not in ROLES:
        abort(403)
    people = actors(g.staff, g.scope)
    ids = [person.id for person in people]
    f = read_filters(request.args, set(ids), page_number(request.args))
    query = entries_query(f, ids)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    f.page = min(f.page, pages)
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).all()
    codes = sorted({*labels.ACTIONS, *actions_seen(ids)})
    return render_template("console/auditlog/list.html", rows=rows, people=people, f=f, total=total, pages=pages,
                           actions=[(code, labels.action(code)) for code in codes], action_label=labels.action,
                           detail=labels.detail, local_time=local_time, role_label=lambda code: rl.choice("role", code))
