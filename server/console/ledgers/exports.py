"""The three ledger exports: residents with their care tags, visits in a date range, cases with
their steps. Each reads a community's rows in a handful of queries (no per-row lookups) and
returns sheets for xlsx_book; personal numbers are masked unless the exporter may see them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...areas.models import Area, Building
from ...auth.models import User
from ...cases.models import CaseStep, Finding, FindingCategory
from ...cases.deadlines import is_overdue
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...core.time import china_midnight_utc, china_today, utcnow
from . import labels as L
from ..masking import mask_id, mask_phone
from ..records.due import active_tag
from ..records.labels import ID_DETAIL_KEYS
from .xlsx_book import Column, Sheet

KINDS = ("residents", "visits", "cases")
NAMES = {"residents": "居民台账（含特殊人群）", "visits": "走访台账", "cases": "事件处置台账"}


@dataclass
class Export:
    sheets: list[Sheet]
    rows: int
    range_text: str


def natural(text: str | None) -> tuple:
    """Sort key that puts 2号楼 before 10号楼 and room 502 before 1101."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text or "") if part)


def grids_of(community_id: str) -> list[Area]:
    return list(db.session.scalars(select(Area).where(
        Area.parent_id == community_id, Area.level == "grid", Area.deleted.is_(False)).order_by(Area.code, Area.name)))


def _names(user_ids) -> dict[str, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _masker(masked: bool):
    def id_number(value):
        return mask_id(value) if masked else (value or "")

    def phone(value):
        return mask_phone(value) if masked else (value or "")
    return id_number, phone


# --- residents -------------------------------------------------------------------------------

def residents(community_id: str, params: dict, masked: bool) -> Export:
    today = china_today()
    grids = {g.id: g for g in grids_of(community_id)}
    query = (select(Resident, Household, Building.number)
             .join(Household, Household.id == Resident.household_id)
             .join(Building, Building.id == Household.building_id)
             .where(Resident.grid_id.in_(list(grids)), Resident.deleted.is_(False)))
    if not params.get("include_moved"):
        query = query.where((Resident.moved_out_on.is_(None)) | (Resident.moved_out_on > today))
    found = db.session.execute(query).all()
    tags: dict[str, list[ResidentTag]] = {}
    for tag in db.session.scalars(select(ResidentTag).join(Resident, Resident.id == ResidentTag.resident_id)
                                  .where(Resident.grid_id.in_(list(grids)), active_tag(ResidentTag, today))):
        tags.setdefault(tag.resident_id, []).append(tag)
    if params.get("tagged_only"):
        found = [row for row in found if row[0].id in tags]
    types = {t.id: t for t in db.session.scalars(select(CareTagType).order_by(CareTagType.sort, CareTagType.id))}
    order = {tid: i for i, tid in enumerate(types)}
    used = sorted({t.tag for group in tags.values() for t in group}, key=lambda tid: order.get(tid, 999))
    detail_tags = [tid for tid in used if tid in types and types[tid].detail_fields]
    grid_order = {gid: i for i, gid in enumerate(grids)}
    found.sort(key=lambda r: (grid_order.get(r[0].grid_id, 0), natural(r[2]), r[1].unit, natural(r[1].room),
                              r[0].relation != "head", r[0].name))
    id_number, phone = _masker(masked)
    columns = [Column("序号", "int"), Column("网格"), Column("楼栋号"), Column("单元", "int"), Column("楼层", "int"),
               Column("房号"), Column("房屋用途"), Column("姓名"), Column("性别"), Column("出生日期", "date"),
               Column("年龄", "int"), Column("证件类型"), Column("证件号码"), Column("联系电话"), Column("民族"),
               Column("与户主关系"), Column("人口类型"), Column("居住证到期日", "date"), Column("政治面貌"),
               Column("迁出日期", "date"), Column("特殊人群", width=24)]
    columns += [Column(f"{types[tid].name_zh}情况", width=36) for tid in detail_tags]
    columns.append(Column("备注", width=30))
    rows = []
    for n, (person, home, building) in enumerate(found, start=1):
        mine = sorted(tags.get(person.id, []), key=lambda t: order.get(t.tag, 999))
        row = [n, grids[person.grid_id].name, building, home.unit, home.floor, home.room,
               L.label("housing_use", home.housing_use), person.name, L.label("sex", person.sex), person.birth_date,
               _age(person.birth_date, today), L.label("id_type", person.id_type), id_number(person.id_number),
               phone(person.phone), person.ethnicity, L.label("relation", person.relation),
               L.label("population_type", person.population_type), person.permit_expiry,
               L.label("political_status", person.political_status), person.moved_out_on,
               "、".join(types[t.tag].name_zh if t.tag in types else t.tag for t in mine)]
        by_tag = {t.tag: t for t in mine}
        for tid in detail_tags:
            tag = by_tag.get(tid)
            row.append(_detail_text(types[tid].detail_fields, tag.detail, masked) if tag else None)
        row.append(person.notes)
        rows.append(row)
    text = "在册居民" + ("（含已迁出）" if params.get("include_moved") else "") + \
        ("，仅特殊人群" if params.get("tagged_only") else "") + f"，截至 {today.isoformat()}"
    return Export([Sheet("居民", columns, rows)], len(rows), text)


def _detail_text(spec: list[dict], detail: dict | None, masked: bool) -> str:
    parts = []
    for field in spec:
        value = (detail or {}).get(field["name"])
        if value in (None, ""):
            continue
        if field.get("type") == "phone":
            value = mask_phone(value) if masked else value
        elif field["name"] in ID_DETAIL_KEYS:
            value = mask_id(value) if masked else value
        elif field.get("type") == "bool":
            value = "是" if value else "否"
        elif field.get("type") == "choice":
            value = L.label(field["name"], value)
        parts.append(f"{field.get('label_zh') or field['name']}：{value}")
    return "；".join(parts)


# --- visits ----------------------------------------------------------------------------------

def visits(community_id: str, params: dict, masked: bool) -> Export:
    first, last = date.fromisoformat(params["from"]), date.fromisoformat(params["to"])
    grids = {g.id: g for g in grids_of(community_id)}
    found = db.session.execute(
        select(Visit, Household.unit, Household.room, Building.number)
        .join(Household, Household.id == Visit.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Visit.grid_id.in_(list(grids)), Visit.deleted.is_(False),
               Visit.visited_at >= china_midnight_utc(first),
               Visit.visited_at < china_midnight_utc(date.fromordinal(last.toordinal() + 1)))
        .order_by(Visit.visited_at, Visit.id)).all()
    resident_ids = {rid for visit, *_ in found for rid in (visit.resident_ids or [])}
    people: dict[str, str] = {}
    ids = list(resident_ids)
    for i in range(0, len(ids), 500):
        people.update(db.session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(ids[i:i + 500]))).all())
    names = _names({v.visitor_id for v, *_ in found} | {v.reviewed_by for v, *_ in found})
    columns = [Column("序号", "int"), Column("走访时间", "datetime"), Column("网格"), Column("地址"),
               Column("走访对象", width=20), Column("走访人"), Column("方式"), Column("结果"),
               Column("情况记录", width=40), Column("诉求", width=30), Column("跟进日期", "date"),
               Column("审核状态"), Column("审核意见", width=24), Column("审核人"), Column("照片数", "int")]
    rows = []
    for n, (visit, unit, room, building) in enumerate(found, start=1):
        rows.append([n, L.china(visit.visited_at), grids[visit.grid_id].name, L.address(building, unit, room),
                     "、".join(people.get(rid, "") for rid in visit.resident_ids or []) or "全户",
                     names.get(visit.visitor_id, ""), L.label("method", visit.method), L.label("outcome", visit.outcome),
                     visit.notes, visit.needs, visit.follow_up_on,
                     L.label("review_status", visit.review_status),
                     visit.review_comment, names.get(visit.reviewed_by, ""), len(visit.photos or [])])
    return Export([Sheet("走访", columns, rows)], len(rows), f"{first.isoformat()} 至 {last.isoformat()}")


# --- cases -----------------------------------------------------------------------------------

def cases(community_id: str, params: dict, masked: bool) -> Export:
    grids = {g.id: g for g in grids_of(community_id)}
    where = [Finding.grid_id.in_(list(grids)), Finding.deleted.is_(False)]
    first = date.fromisoformat(params["from"]) if params.get("from") else None
    last = date.fromisoformat(params["to"]) if params.get("to") else None
    if first:
        where.append(Finding.reported_at >= china_midnight_utc(first))
    if last:
        where.append(Finding.reported_at < china_midnight_utc(date.fromordinal(last.toordinal() + 1)))
    findings = list(db.session.scalars(select(Finding).where(*where).order_by(Finding.reported_at, Finding.id)))
    steps = list(db.session.scalars(
        select(CaseStep).where(CaseStep.finding_id.in_(select(Finding.id).where(*where)), CaseStep.deleted.is_(False))
        .order_by(CaseStep.at, CaseStep.id)))
    categories = {c.id: c for c in db.session.scalars(select(FindingCategory))}
    names = _names({f.reporter_id for f in findings} | {s.actor_id for s in steps})
    now = utcnow()
    counted: dict[str, int] = {}
    for step in steps:
        counted[step.finding_id] = counted.get(step.finding_id, 0) + 1

    def category(cid):
        own = categories.get(cid)
        parent = categories.get(own.parent_id) if own and own.parent_id else None
        return (parent.name_zh if parent else (own.name_zh if own else cid)), (own.name_zh if own and parent else "")

    case_columns = [Column("事件编号", width=18), Column("上报时间", "datetime"), Column("网格"), Column("来源"),
                    Column("大类"), Column("小类"), Column("事件描述", width=40), Column("地点", width=24),
                    Column("紧急程度"), Column("上报人"), Column("当前状态"), Column("响应级别"), Column("处置单位"),
                    Column("处置时限", "datetime"), Column("是否超期"), Column("步骤数", "int"),
                    Column("回头看次数", "int")]
    case_rows = []
    described = {}
    # A case not yet numbered (none should be, after migration 0012) keeps its id: still one row per case.
    numbers = {f.id: f.number or f.id for f in findings}
    for f in findings:
        major, minor = category(f.category)
        overdue = is_overdue(f, now)
        described[f.id] = f.description[:30]
        case_rows.append([numbers[f.id], L.china(f.reported_at), grids[f.grid_id].name, L.label("source", f.source), major,
                          minor, f.description, f.address, L.label("urgency", f.urgency), names.get(f.reporter_id, ""),
                          L.label("case_status", f.status), L.label("case_level", f.level), f.unit, L.china(f.deadline_at),
                          "超期" if overdue else "", counted.get(f.id, 0), f.reopened or 0])
    step_columns = [Column("事件编号", width=18), Column("事件描述", width=30), Column("时间", "datetime"),
                    Column("操作人"), Column("原状态"), Column("新状态"), Column("类型"), Column("意见", width=40),
                    Column("响应级别"), Column("处置单位"), Column("处置时限", "datetime"), Column("评价", "int")]
    step_rows = [[numbers.get(s.finding_id, s.finding_id), described.get(s.finding_id, ""), L.china(s.at), names.get(s.actor_id, ""),
                  L.label("case_status", s.from_status), L.label("case_status", s.to_status), L.label("step_kind", s.kind),
                  s.opinion, L.label("case_level", s.level), s.unit, L.china(s.deadline_at), s.rating] for s in steps]
    if first or last:
        text = f"{first.isoformat() if first else '最早'} 至 {last.isoformat() if last else '今天'}上报的事件"
    else:
        text = "全部事件"
    return Export([Sheet("事件", case_columns, case_rows), Sheet("处置步骤", step_columns, step_rows)],
                  len(case_rows) + len(step_rows), text)


BUILDERS = {"residents": residents, "visits": visits, "cases": cases}


def file_name(kind: str, community_name: str, now: datetime) -> str:
    return f"{community_name}_{NAMES[kind].split('（')[0]}_{L.china(now):%Y%m%d_%H%M}.xlsx"


def title(kind: str, community_name: str, range_text: str, exporter: str, now: datetime) -> str:
    return (f"{community_name} {NAMES[kind]}　范围：{range_text}　"
            f"导出时间：{L.china(now):%Y-%m-%d %H:%M}　导出人：{exporter}")
