"""A building's doors: the regular grid its shape and door-number pattern generate, or the explicit
list staff edited door by door (shops on the ground floor, no 4th floor, 13A).

pwa/src/core/doors.js applies the same rules on the phone; tests/vectors/doors.json (written by
tests/vectors/generate_doors.py from this module) holds both to them.

Floors are numbered as the building labels them, never renumbered: a building without a 4th floor
keeps `floors` = its highest label and its 4th-floor doors are `use: none`. Households store the
labelled floor, so a skipped floor never moves anybody's address.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from ..core.messages import register_messages

DEFAULT_PATTERN = "{floor}{door:02}"
MAX_PATTERN = 32
MAX_ROOM = 16  # households.room
USES = ("home", "shop", "office", "none")
PLACEHOLDERS = ("floor", "door", "unit")
# {name} or {name:0N}; anything else between braces, or a lone brace, is refused.
_TOKEN = re.compile(r"\{(\w*)(?::(0[1-4]))?\}")

register_messages({
    "door_pattern_unknown": ("门牌号格式中有无法识别的占位符（可用 {floor}、{door}、{door:02}、{unit}）",
                             "The door-number pattern has an unknown placeholder "
                             "(use {floor}, {door}, {door:02}, {unit})"),
    "door_pattern_too_long": ("门牌号格式过长：格式不超过32个字符，生成的房号不超过16个字符",
                              "The door-number pattern is too long: at most 32 characters, and rooms of at most 16"),
    "door_pattern_incomplete": ("门牌号格式须包含 {floor} 和 {door}，否则房号会重复",
                                "A door-number pattern needs {floor} and {door}, or room numbers repeat"),
    "room_too_long": ("房号不能超过16个字符", "A room number has at most 16 characters"),
    "room_required": ("请填写房号", "Enter the room number"),
    "door_exists": ("该单元已有同号房间", "This unit already has a door with that number"),
    "door_not_found": ("楼内没有这个房间", "The building has no such door"),
    "door_out_of_building": ("单元或楼层超出本楼范围", "The unit or floor is outside this building"),
    "door_has_household": ("此房间已登记住户，不能删除；请先在居民户中处理",
                           "A household is registered at this door; it cannot be removed"),
    "floor_has_household": ("该楼层已登记住户，不能设为无此楼层",
                            "Households are registered on this floor; it cannot be skipped"),
    "door_use_invalid": ("房间用途无效", "Unknown door use"),
    "doors_invalid": ("房间列表格式不正确", "The door list is malformed"),
})


class DoorError(ValueError):
    """A refused door edit: `code` is one of the codes registered above."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def pattern_error(pattern: str | None) -> str | None:
    """The code that refuses `pattern`, or None when it can number doors (None means the default)."""
    if pattern is None or pattern == "":
        return None
    if len(pattern) > MAX_PATTERN:
        return "door_pattern_too_long"
    names = []
    rest = _TOKEN.sub(lambda m: names.append(m.group(1)) or "", pattern)
    if "{" in rest or "}" in rest or any(name not in PLACEHOLDERS for name in names):
        return "door_pattern_unknown"
    if "floor" not in names or "door" not in names:
        return "door_pattern_incomplete"
    # The widest room the wire's limits allow (50 units, 120 floors, 40 doors) must fit a household's room.
    if len(room_name(pattern, 50, 120, 40)) > MAX_ROOM:
        return "door_pattern_too_long"
    return None


def room_name(pattern: str | None, unit: int, floor: int, door: int) -> str:
    values = {"floor": floor, "door": door, "unit": unit}

    def one(match: re.Match) -> str:
        width = int(match.group(2) or 0)
        return str(values[match.group(1)]).zfill(width)

    return _TOKEN.sub(one, pattern or DEFAULT_PATTERN)


def _field(building: Any, name: str) -> Any:
    return building.get(name) if isinstance(building, dict) else getattr(building, name, None)


def _count(value: Any) -> int:
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def generated(building: Any) -> list[dict]:
    """The regular grid: unit 1…units, floor 1…floors, door 1…rooms_per_floor, all homes."""
    pattern = _field(building, "door_pattern")
    if pattern_error(pattern):
        pattern = None
    units, floors, rooms = (_count(_field(building, n)) for n in ("units", "floors", "rooms_per_floor"))
    return [{"unit": u, "floor": f, "room": room_name(pattern, u, f, d), "use": "home"}
            for u in range(1, units + 1) for f in range(1, floors + 1) for d in range(1, rooms + 1)]


def all_doors(building: Any) -> list[dict]:
    """Every door position, `none` ones included: the explicit list when set, else the generated grid."""
    doors = _field(building, "doors")
    if doors is None:
        return generated(building)
    return [{"unit": int(d["unit"]), "floor": int(d["floor"]), "room": str(d["room"]), "use": d.get("use") or "home"}
            for d in doors]


def expand(building: Any) -> list[dict]:
    """The building's doors as they exist: `none` positions are not doors."""
    return [d for d in all_doors(building) if d["use"] != "none"]


def homes(building: Any) -> list[dict]:
    return [d for d in expand(building) if d["use"] == "home"]


def layout(building: Any) -> list[dict]:
    """[{unit, floors: [{floor, doors}]}], top floor first, a floor without doors left out."""
    units: dict[int, dict[int, list[dict]]] = {}
    for door in expand(building):
        units.setdefault(door["unit"], {}).setdefault(door["floor"], []).append(door)
    return [{"unit": u, "floors": [{"floor": f, "doors": units[u][f]} for f in sorted(units[u], reverse=True)]}
            for u in sorted(units)]


def standard_address(building: Any, unit: int, room: str) -> str:
    """一标三实's standard address of a door: {estate}{number}号楼{unit}单元{room}."""
    return f"{_field(building, 'estate') or ''}{_field(building, 'number')}号楼{unit}单元{room}"


def check_doors(doors: Any, units: int | None = None) -> str | None:
    """The code that refuses an explicit door list, or None."""
    if doors is None:
        return None
    if not isinstance(doors, list):
        return "doors_invalid"
    seen = set()
    for door in doors:
        if not isinstance(door, dict) or set(door) - {"unit", "floor", "room", "use"}:
            return "doors_invalid"
        unit, floor, room = door.get("unit"), door.get("floor"), door.get("room")
        if type(unit) is not int or type(floor) is not int or not isinstance(room, str) or unit < 1:
            return "doors_invalid"
        if units is not None and unit > units:
            return "door_out_of_building"
        if not room.strip():
            return "room_required"
        if len(room) > MAX_ROOM:
            return "room_too_long"
        if door.get("use", "home") not in USES:
            return "door_use_invalid"
        if door.get("use") != "none":
            if (unit, room) in seen:
                return "door_exists"
            seen.add((unit, room))
    return None


# --- editing an irregular building, door by door ------------------------------------------------
# Each operation takes the building (its current doors) and returns the new explicit list; the
# caller writes it. `occupied` is the set of (unit, floor, room) where a household is registered.

def _find(doors: list[dict], unit: int, floor: int, room: str) -> dict:
    for door in doors:
        if (door["unit"], door["floor"], door["room"]) == (unit, floor, room) and door["use"] != "none":
            return door
    raise DoorError("door_not_found")


def _clean_room(room: str | None) -> str:
    room = (room or "").strip()
    if not room:
        raise DoorError("room_required", "room")
    if len(room) > MAX_ROOM:
        raise DoorError("room_too_long", "room")
    return room


def _taken(doors: Iterable[dict], unit: int, room: str) -> bool:
    return any(d["unit"] == unit and d["room"] == room and d["use"] != "none" for d in doors)


def rename_door(building: Any, unit: int, floor: int, room: str, new_room: str,
                occupied: set[tuple[int, int, str]] = frozenset()) -> list[dict]:
    doors = all_doors(building)
    door = _find(doors, unit, floor, room)
    new_room = _clean_room(new_room)
    if new_room == room:
        return doors
    if _taken(doors, unit, new_room):
        raise DoorError("door_exists", "room")
    if (unit, floor, room) in occupied:
        # The household keeps its room; renaming under it would detach it from its door.
        raise DoorError("door_has_household", "room")
    door["room"] = new_room
    return doors


def set_use(building: Any, unit: int, floor: int, room: str, use: str) -> list[dict]:
    if use not in ("home", "shop", "office"):
        raise DoorError("door_use_invalid", "use")
    doors = all_doors(building)
    _find(doors, unit, floor, room)["use"] = use
    return doors


def add_door(building: Any, unit: int, floor: int, room: str, use: str = "home") -> list[dict]:
    if use not in ("home", "shop", "office"):
        raise DoorError("door_use_invalid", "use")
    room = _clean_room(room)
    if not 1 <= unit <= _count(_field(building, "units")) or floor == 0 or not -5 <= floor <= _count(
            _field(building, "floors")):
        raise DoorError("door_out_of_building", "floor")
    doors = all_doors(building)
    if _taken(doors, unit, room):
        raise DoorError("door_exists", "room")
    for door in doors:  # a removed door comes back where it was
        if (door["unit"], door["floor"], door["room"]) == (unit, floor, room):
            door["use"] = use
            return doors
    doors.append({"unit": unit, "floor": floor, "room": room, "use": use})
    return doors


def remove_door(building: Any, unit: int, floor: int, room: str,
                occupied: set[tuple[int, int, str]] = frozenset()) -> list[dict]:
    """The door becomes `none` (kept, so it can be added back in place)."""
    if (unit, floor, room) in occupied:
        raise DoorError("door_has_household")
    doors = all_doors(building)
    _find(doors, unit, floor, room)["use"] = "none"
    return doors


def skip_floor(building: Any, floor: int, unit: int | None = None,
               occupied: set[tuple[int, int, str]] = frozenset()) -> list[dict]:
    """No such floor (no 4th floor): its doors become `none`; the floors above keep their numbers."""
    if any(f == floor and (unit is None or u == unit) for u, f, _ in occupied):
        raise DoorError("floor_has_household", "floor")
    doors = all_doors(building)
    hit = False
    for door in doors:
        if door["floor"] == floor and (unit is None or door["unit"] == unit) and door["use"] != "none":
            door["use"] = "none"
            hit = True
    if not hit:
        raise DoorError("door_not_found", "floor")
    return doors
