"""The demo's directory of handling units, a contact for the property office (`wuye`), and the
dispatched demo cases named after directory entries with their case_units rows.

Made after everything else and without the generator's random draws, so the rest of the demo
stays exactly as a seed makes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from sync.ids import uuid7

from ..auth.operations import create_user
from ..cases.models import CaseStep, CaseUnit, Finding, HandlingUnit

if TYPE_CHECKING:
    from .context import DemoContext

# (name, kind, contact name, contact phone, kept by "community" or "street")
ENTRIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("物业服务中心", "property_manager", "刘建国", "13800138001", "community"),
    ("供电所", "government", "陈立", "010-62345678", "community"),
    ("燃气公司抢修队", "resident_unit", "赵刚", "13800138002", "community"),
    ("社区人民调解委员会", "social_org", "孙秀兰", "13800138003", "community"),
    ("阳光社工服务站", "social_org", "周敏", "13800138004", "community"),
    ("街道城管科", "government", "吴强", "010-62345001", "street"),
    ("街道城建科", "government", "郑伟", "010-62345002", "street"),
    ("街道社区服务中心", "government", "王芳", "010-62345003", "street"),
    ("区住建委", "government", "冯涛", "010-62345004", "street"),
    ("街道平安办", "government", "褚亮", "010-62345005", "street"),
)
# (username, name, the entry they answer for)
CONTACTS = (("wuye", "刘建国", "物业服务中心"),)


def write_directory(ctx: DemoContext, password: str) -> dict[str, HandlingUnit]:
    session = ctx.writer.session
    entries = {}
    for name, kind, contact, phone, kept in ENTRIES:
        area = ctx.community.id if kept == "community" else ctx.street.id
        entries[name] = HandlingUnit(id=uuid7(), area_id=area, name=name, kind=kind, contact_name=contact,
                                     contact_phone=phone, active=True)
        session.add(entries[name])
    for username, name, entry in CONTACTS:
        user = create_user(username, password, name, "unit_contact", [], phone=None)
        user.handling_unit_id = entries[entry].id
        ctx.users[username] = user
    _name_dispatched_cases(ctx, entries)
    session.flush()
    return entries


def _name_dispatched_cases(ctx: DemoContext, entries: dict[str, HandlingUnit]) -> None:
    session = ctx.writer.session
    grids = [grid.id for grid in ctx.grids]
    findings = session.scalars(select(Finding).where(Finding.grid_id.in_(grids), Finding.unit.is_not(None)))
    for finding in findings:
        entry = entries.get(finding.unit)
        if entry is None:
            continue  # the community itself (社区居委会, 网格员及楼门长): not a unit of the directory
        ctx.writer.update("finding", finding, {"handling_unit_id": entry.id})
        dispatched = session.scalars(select(CaseStep).where(
            CaseStep.finding_id == finding.id, CaseStep.to_status == "dispatched").order_by(CaseStep.at)).all()
        step = dispatched[-1] if dispatched else None
        if step is None:
            continue
        received = finding.status != "dispatched"
        status = {"dispatched": "dispatched", "in_progress": "received", "returned": "returned",
                  "extension_requested": "extension_requested"}.get(finding.status, "finished")
        session.add(CaseUnit(finding_id=finding.id, handling_unit_id=entry.id, role="lead", status=status,
                             dispatched_at=step.at, dispatched_by=step.actor_id,
                             received_at=step.at if received else None,
                             deadline_at=finding.deadline_at if received else None,
                             finished_at=None))
