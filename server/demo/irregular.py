"""Buildings that are not a regular grid of homes, and the actual units (实有单位) at their doors.

幸福社区's first 小高层 has shops on its ground floor, with the estate's property management office
among them; its first 高层 has no 4th floor (the labels above keep their numbers). The plan moves any
home drawn on those floors up to a free door of the same unit, without a draw from the random stream,
so the rest of the community stays what the seed made it. The door edits are the console's door-grid
operations (server/areas/doors.py), and the units are written as the units page writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync.ids import uuid7

from ..areas import doors as door_rules
from ..units.models import Unit
from . import texts

if TYPE_CHECKING:
    from .context import DemoContext
    from .households import Home
    from .places import BuildingPlan

SKIPPED_FLOOR = 4
OFFICE = "物业服务中心"
SHOP_KINDS = ("便利店", "药店", "理发店", "早餐店", "洗衣店", "快递驿站")


def reshape(ctx: DemoContext) -> None:
    """Mark the two irregular buildings and clear the floors they do not have homes on."""
    shops = next(b for b in ctx.buildings if b.kind == "midrise")
    no_fourth = next(b for b in ctx.buildings if b.kind == "highrise")
    shops.ground_shops = True
    no_fourth.skipped_floor = SKIPPED_FLOOR
    _clear(ctx, shops, 1, keep=lambda h: h.use == "commercial")
    _clear(ctx, no_fourth, SKIPPED_FLOOR, keep=lambda h: False)


def _home_floors(b: BuildingPlan) -> list[int]:
    return [f for f in range(1, b.floors + 1) if not (f == 1 and b.ground_shops) and f != b.skipped_floor]


def _clear(ctx: DemoContext, b: BuildingPlan, floor: int, keep) -> None:
    taken = {(h.unit, h.floor, h.door) for h in ctx.homes if h.building is b}
    for home in ctx.homes:
        if home.building is not b or home.floor != floor or keep(home):
            continue
        free = next((f, d) for f in _home_floors(b) for d in range(1, b.rooms + 1) if (home.unit, f, d) not in taken)
        taken.discard((home.unit, home.floor, home.door))
        home.floor, home.door = free
        taken.add((home.unit, *free))


def _shape(b: BuildingPlan, doors: list[dict] | None) -> dict:
    return {"units": b.units, "floors": b.floors, "rooms_per_floor": b.rooms,
            "door_pattern": b.row.door_pattern, "doors": doors}


def write_doors(ctx: DemoContext) -> None:
    """The door edits staff make on the building's door page, before the households are imported."""
    for b in ctx.buildings:
        doors = None
        if b.ground_shops:
            ground = [d for d in door_rules.all_doors(_shape(b, doors)) if d["floor"] == 1]
            # The office takes the first ground-floor door no registered 底商 trades from.
            traded = {(h.unit, h.room) for h in ctx.homes if h.building is b and h.floor == 1}
            office = next((d for d in ground if (d["unit"], d["room"]) not in traded), ground[0])
            for door in ground:
                use = "office" if door is office else "shop"
                doors = door_rules.set_use(_shape(b, doors), door["unit"], 1, door["room"], use)
        if b.skipped_floor:
            # Refused (floor_has_household) if the plan had left a home on the floor.
            occupied = {(h.unit, h.floor, h.room) for h in ctx.homes if h.building is b}
            doors = door_rules.skip_floor(_shape(b, doors), b.skipped_floor, occupied=occupied)
        if doors is not None:
            ctx.writer.update("building", b.row, {"doors": doors})


def write_units(ctx: DemoContext) -> list[Unit]:
    """A shop at each shop door (a registered 底商 keeps its trade) and the property office, which
    may be named as a handling unit of a case. Drawn after everything else, from the same stream."""
    b = next(b for b in ctx.buildings if b.ground_shops)
    trades = {(h.unit, h.room): h.notes.split("：")[-1] for h in ctx.homes
              if h.building is b and h.use == "commercial" and h.notes}
    spare = iter(t for t in SHOP_KINDS if t not in trades.values())
    made = []
    for door in door_rules.expand(b.row):
        if door["floor"] != 1:
            continue
        name, phone = ctx.people.outsider(28, 60)
        if door["use"] == "office":
            unit = Unit(id=uuid7(), building_id=b.row.id, grid_id=b.row.grid_id, room=door["room"],
                        name=f"{texts.ESTATE}{OFFICE}", kind="property_manager", contact_name=name,
                        contact_phone=phone, employees=ctx.rng.randint(8, 20), status="open", handles_cases=True,
                        notes="负责小区保洁、绿化、公共设施维修，24小时值班电话见单元门公告")
        else:
            trade = trades.get((door["unit"], door["room"])) or next(spare, "小卖部")
            unit = Unit(id=uuid7(), building_id=b.row.id, grid_id=b.row.grid_id, room=door["room"],
                        name=f"{name[0]}记{trade}", kind="shop", contact_name=name, contact_phone=phone,
                        employees=ctx.rng.randint(1, 5), status="open", handles_cases=False,
                        notes=f"{b.number}号楼底商")
        made.append(ctx.writer.put("unit", unit))
    return made
