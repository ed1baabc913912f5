"""Records (居民户 and 居民): the households and residents lists of the current community.

Pages live in detail.py (a household, a resident, showing a full number) and
edit.py (edit forms); the SQL behind the lists in queries.py, due visits in
due.py and the change-log history in history.py.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from ...core.messages import message, register_messages
from ...core.time import BEIJING, china_time, china_today
from ...extensions import db
from ...registry.models import CareTagType
from . import labels
from ..blueprint import bp
from .. import searches
from .queries import households_page, read_filters, residents_page, scope_buildings, tag_types

register_messages({
    "form_state_invalid": ("表单数据不完整或已损坏，请刷新页面后重新填写",
                           "The form's hidden data is missing or damaged; reload the page and fill it in again"),
    "tag_already_active": ("该居民已有此标签，请编辑现有标签", "The resident already has this tag; edit the existing one"),
    "tag_ended": ("此标签已结束", "This tag has already ended"),
    "number_not_recorded": ("没有登记此号码", "No such number is recorded"),
    "full_numbers_not_allowed": ("您的角色不能查看完整号码", "Your role may not see full numbers"),
})


def _field_label(name: str) -> str:
    if name.startswith("detail."):
        key = name.split(".", 1)[1]
        for tag_type in db.session.scalars(select(CareTagType)):
            spec = next((s for s in tag_type.detail_fields or [] if s.get("name") == key), None)
            if spec:
                return labels.detail_label(spec)
    return str(labels.field(name))


def _local(moment) -> str:
    """A stored (naive UTC) time, or an aware one, as China local time."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = china_time(moment)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _age(birth) -> int | None:
    if birth is None:
        return None
    today = china_today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# Helpers for the records templates, under one name so they cannot clash with other pages'.
HELPERS = SimpleNamespace(tag_name=labels.tag_name, choice=labels.choice, field_label=_field_label,
                          message_of=message, address=labels.address, detail_label=labels.detail_label,
                          local=_local, age=_age, today=china_today)


@bp.context_processor
def _records_helpers():
    return {"rl": HELPERS}


def _wants_table() -> bool:
    # htmx swapping the table only; a history restore needs the whole page.
    return (request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "records-table"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _list(kind: str):
    types = tag_types()
    buildings = scope_buildings()
    f = read_filters(searches.filters(kind), {t.id for t in types}, buildings)
    # The address bar gets the filters in their short form (no empty fields, no search text), to
    # bookmark or share.
    query = f.query_string()
    url = url_for(f"console.{kind}") + (f"?{query}" if query else "")
    if request.method == "POST" and not _wants_table():
        return redirect(url, 303)  # the search is in the session now: a reload repeats nothing
    page = residents_page(f) if kind == "residents" else households_page(f)
    context = dict(f=f, page=page, tag_types={t.id: t for t in types}, tag_list=types, buildings=buildings,
                   endpoint=f"console.{kind}")
    if not _wants_table():
        return render_template(f"console/records/{kind}.html", **context)
    reply = make_response(render_template(f"console/records/_{kind}_table.html", **context))
    reply.headers["HX-Push-Url"] = url
    return reply


# The search box posts (console/searches.py); paging and the other filters are plain GETs.
@bp.route("/households", methods=["GET", "POST"])
def households():
    return _list("households")


@bp.route("/residents", methods=["GET", "POST"])
def residents():
    return _list("residents")


# The detail and edit pages register their routes on import.
from . import detail, edit  # noqa: E402,F401
