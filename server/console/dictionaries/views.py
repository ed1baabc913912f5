"""The dictionaries a community tunes (/console/setup/dictionaries): its care tags (visit interval,
detail fields, switched off, tags of its own) and finding categories (switched off, deadlines per
level, sub-categories of its own). Community staff tune their community; a street admin the
community chosen in the switcher.

What is saved is a community row of the synced dictionary, written through DirectWriter, so
every phone of the community pulls it (scope key `d:<community>`) and no other community's does;
what the community leaves empty stays the installation's (core/dictionary.py). Deadlines are
server configuration (case_deadlines) hung on the community's row of the category. Every save is
audited.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from sync.ids import uuid7

from ...cases import categories as category_dictionary
from ...cases.deadlines import Limit
from ...cases.models import CaseDeadline, FindingCategory
from ...cases.workflow import LEVELS
from ...core.choices import codes
from ...core.messages import message
from ...extensions import db
from ...registry import tag_types as tag_dictionary
from ...registry.models import CareTagType
from .. import audit
from ..blueprint import bp
from ..writes import staff_writer
from ..cases import labels as case_labels
from . import forms

OWN_SORT = 1000  # a community's own entries after the installation's


def _community():
    community = g.scope.community
    if community is None:
        abort(404)  # a street admin whose street has no community yet
    return community



def _limits(ids: list[str]) -> dict[tuple[str, str], Limit]:
    if not ids:
        return {}
    return {(r.category_id, r.level): Limit(r.amount, r.unit)
            for r in db.session.scalars(select(CaseDeadline).where(CaseDeadline.category_id.in_(ids)))}


def _render(template: str, status: int = 200, **context):
    return render_template(f"console/dictionaries/{template}", message=message, labels=case_labels,
                           levels=LEVELS, units=codes("limit_unit"), detail_lines=forms.detail_lines,
                           **context), status


@bp.get("/setup/dictionaries")
def dictionaries():
    community = _community()
    tags = tag_dictionary.tag_types(db.session, community.id)
    categories = category_dictionary.categories(db.session, community.id)
    ids = [e.installation.id for e in categories.values() if e.installation is not None]
    ids += [e.override.id for e in categories.values() if e.override is not None]
    return _render("index.html", community=community, tags=tags, categories=categories,
                   tree=_tree(categories), limits=_limits(ids))


def _tree(categories: dict) -> list:
    tops = [e for e in categories.values() if e.parent_id is None]
    return [(top, [e for e in categories.values() if e.parent_id == top.code]) for top in tops]


# --- care tags ----------------------------------------------------------------------------------

def _tag_entry(code: str):
    entry = tag_dictionary.tag_types(db.session, _community().id).get(code)
    if entry is None:
        abort(404)  # unknown, or another community's own tag
    return entry


@bp.get("/setup/dictionaries/tags/<code>")
def dictionary_tag(code: str):
    entry = _tag_entry(code)
    values = _tag_values(entry)
    return _render("tag.html", community=_community(), entry=entry, result=forms.Result(values=values))


def _tag_values(entry) -> dict:
    own = entry.own
    def shown(name):
        return own or name in entry.tuned
    return {
        "name_zh": entry.name_zh, "name_en": entry.name_en,
        "interval_days": str(entry.interval_days) if shown("interval_days") else "",
        "active": ("on" if entry.active else "off") if shown("active") and entry.values.get("active") is not None
        else ("on" if own else ""),
        "detail_fields": forms.detail_lines(entry.detail_fields) if shown("detail_fields") else "",
    }


@bp.post("/setup/dictionaries/tags/<code>")
def dictionary_tag_save(code: str):
    community = _community()
    entry = _tag_entry(code)
    installation = entry.installation
    result = forms.read_tag(request.form, (installation or entry.override).detail_fields, entry.own)
    if not result.ok:
        return _render("tag.html", 422, community=community, entry=entry, result=result)
    writer = staff_writer()
    if entry.own:
        row = entry.override
        for name in ("name_zh", "name_en", "interval_days", "detail_fields", "active"):
            setattr(row, name, result.clean[name])
        writer.put("care_tag_type", row)
        audit.record("tune_care_tag", "care_tag_type", row.id, community=community.id,
                     interval_days=row.interval_days, active=row.active)
    else:
        row = entry.override or CareTagType(id=uuid7(), community_id=community.id, base=code,
                                            name_zh=installation.name_zh, name_en=installation.name_en,
                                            sort=installation.sort)
        tuned = sorted(result.clean)
        row.tuned = tuned
        # Untuned fields are copies (the columns are not null); resolution reads only `tuned`.
        row.interval_days = result.clean.get("interval_days", installation.interval_days)
        row.detail_fields = result.clean.get("detail_fields", installation.detail_fields)
        row.active = result.clean.get("active")
        writer.put("care_tag_type", row)
        audit.record("tune_care_tag", "care_tag_type", row.id, community=community.id, tag=code,
                     tuned=",".join(tuned) or "-", **{k: v for k, v in result.clean.items() if k != "detail_fields"})
    db.session.commit()
    flash(gettext("已保存。本社区的手机下次同步后即按新设置。"))
    return redirect(url_for("console.dictionaries"), 303)


@bp.get("/setup/dictionaries/tags/new")
def dictionary_tag_new():
    return _render("tag.html", community=_community(), entry=None,
                   result=forms.Result(values={"active": "on"}))


@bp.post("/setup/dictionaries/tags/new")
def dictionary_tag_create():
    community = _community()
    result = forms.read_tag(request.form, [], own=True)
    if not result.ok:
        return _render("tag.html", 422, community=community, entry=None, result=result)
    row = CareTagType(id=forms.new_code(), community_id=community.id, base=None, sort=OWN_SORT, **result.clean)
    staff_writer().put("care_tag_type", row)
    audit.record("add_care_tag", "care_tag_type", row.id, community=community.id, name=row.name_zh,
                 interval_days=row.interval_days)
    db.session.commit()
    flash(gettext("已新增标签“%(name)s”。本社区的手机下次同步后即可使用。", name=row.name_zh))
    return redirect(url_for("console.dictionaries"), 303)


# --- finding categories -------------------------------------------------------------------------

def _category_entry(code: str):
    entry = category_dictionary.categories(db.session, _community().id).get(code)
    if entry is None:
        abort(404)
    return entry


def _category_context(entry) -> dict:
    """The cells the form shows: the community's own, and the installation's beneath each."""
    own_id = entry.override.id if entry.override is not None else None
    installation_ids = [entry.installation.id] if entry.installation is not None else []
    parent = entry.parent_id
    return {"entry": entry, "own_limits": _limits([own_id] if own_id else []),
            "own_id": own_id, "installation_limits": _limits(installation_ids + ([parent] if parent else [])),
            "installation_id": entry.installation.id if entry.installation is not None else None}


def _category_values(entry, own_limits, own_id) -> dict:
    values = {"active": ""}
    if entry.own or "active" in entry.tuned:
        values["active"] = "off" if entry.values.get("active") is False else "on"
    for level in LEVELS:
        limit = own_limits.get((own_id, level))
        values[f"amount-{level}"] = str(limit.amount) if limit else ""
        values[f"unit-{level}"] = limit.unit if limit else "hours"
    return values


@bp.get("/setup/dictionaries/categories/<code>")
def dictionary_category(code: str):
    entry = _category_entry(code)
    context = _category_context(entry)
    values = _category_values(entry, context["own_limits"], context["own_id"])
    return _render("category.html", community=_community(), result=forms.Result(values=values), **context)


@bp.post("/setup/dictionaries/categories/<code>")
def dictionary_category_save(code: str):
    community = _community()
    entry = _category_entry(code)
    result = forms.read_category(request.form, {})
    if entry.own and result.clean.get("active") is None and "active" not in result.errors:
        result.clean["active"] = True  # an own sub-category has no installation value to fall back on
    if not result.ok:
        return _render("category.html", 422, community=community, result=result, **_category_context(entry))
    writer = staff_writer()
    if entry.own:
        row = entry.override
        row.active = result.clean["active"]
    else:
        installation = entry.installation
        row = entry.override or FindingCategory(
            id=uuid7(), community_id=community.id, base=code, parent_id=installation.parent_id,
            name_zh=installation.name_zh, name_en=installation.name_en, sort=installation.sort)
        row.active = result.clean.get("active")
        row.tuned = ["active"] if "active" in result.clean else []
    writer.put("finding_category", row)
    changed = _save_limits(row.id, result.clean["limits"])
    audit.record("tune_category", "finding_category", row.id, community=community.id, category=code,
                 active=row.active, changed=changed)
    db.session.commit()
    flash(gettext("已保存。本社区的手机下次同步后即按新设置，新派遣的事件按新时限。"))
    return redirect(url_for("console.dictionaries"), 303)


def _save_limits(category_id: str, limits: dict) -> dict[str, str]:
    current = {r.level: r for r in db.session.scalars(select(CaseDeadline).where(CaseDeadline.category_id == category_id))}
    changed: dict[str, str] = {}
    for level, limit in limits.items():
        row = current.get(level)
        if limit is None:
            if row is not None:
                db.session.delete(row)
                changed[level] = "-"
            continue
        if row is None:
            row = CaseDeadline(category_id=category_id, level=level, amount=limit.amount, unit=limit.unit)
            db.session.add(row)
        elif (row.amount, row.unit) == (limit.amount, limit.unit):
            continue
        row.amount, row.unit = limit.amount, limit.unit
        changed[level] = f"{limit.amount} {limit.unit}"
    return changed


def _tops(community_id: str) -> dict:
    return {code: e for code, e in category_dictionary.categories(db.session, community_id).items()
            if e.parent_id is None and not e.own}


@bp.get("/setup/dictionaries/categories/new")
def dictionary_category_new():
    community = _community()
    return _render("category_new.html", community=community, tops=_tops(community.id),
                   result=forms.Result(values={"parent_id": request.args.get("parent", "")}))


@bp.post("/setup/dictionaries/categories/new")
def dictionary_category_create():
    community = _community()
    tops = _tops(community.id)
    result = forms.read_new_category(request.form, tops)
    if not result.ok:
        return _render("category_new.html", 422, community=community, tops=tops, result=result)
    parent = tops[result.clean["parent_id"]]
    row = FindingCategory(id=forms.new_code(), community_id=community.id, base=None,
                          sort=(parent.sort or 0) + 90, active=True, **result.clean)
    staff_writer().put("finding_category", row)
    audit.record("add_category", "finding_category", row.id, community=community.id,
                 parent=row.parent_id, name=row.name_zh)
    db.session.commit()
    flash(gettext("已新增小类“%(name)s”。本社区的手机下次同步后即可选用。", name=row.name_zh))
    return redirect(url_for("console.dictionaries"), 303)
