"""What a setup file is checked against: the community's register as it stands (grids, buildings,
households, residents, care tags), loaded once per file, and the result of one row."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from ..areas.models import Area, Building
from ..core.messages import field_error, register_messages
from ..extensions import db
from ..registry.models import CareTagType, Household, Resident
from ..registry.validators import normalise_id_number
from .cells import building_key, room_key
from .kinds import Kind

register_messages({
    "import_grid_unknown": ("本社区没有这个网格", "The current community has no grid of this name"),
    "import_building_missing": ("本社区没有这个楼栋（按小区+楼号），请先导入楼栋表或在“楼栋”页添加",
                                "The community has no such building (by estate and number); import the buildings file or add it first"),
    "import_building_ambiguous": ("本社区有多栋同号的楼，请填写网格或小区以区分",
                                  "Several buildings of the community have this number; fill in the grid or estate"),
    "import_duplicate_row": ("与文件中前面的行重复（同一证件号码或同户同名）", "Repeats an earlier row of the file (same ID number, or same name in the same household)"),
    "import_id_number_elsewhere": ("该证件号码已登记在其他社区的居民名下", "This ID number is registered to a resident of another community"),
    "import_id_as_number": ("证件号码被 Excel 存成了数字，末几位可能已丢失；请把该列设为文本后重新填写",
                            "Excel stored the ID number as a number and may have lost its last digits; format the column as text and re-enter it"),
    "import_floor_unknown": ("无法从房号推算楼层，请填写楼层", "The floor cannot be worked out from the room number; fill it in"),
    "import_building_grid_change": ("这栋楼已在另一个网格；调整楼栋所属网格请在“楼栋”页操作，以便住户和居民一并转移",
                                    "This building is in another grid; move it on the buildings page, so its households and residents move with it"),
    "import_tag_unknown": ("没有这个关爱标签", "There is no care tag of this name"),
})

NIL = str(uuid.UUID(int=0))


@dataclass
class RowCheck:
    """What checking one row found: its status, its cells as the file wrote them (for the error
    report) and its errors. Each import adds what it writes (RowResult here, the ledger's own)."""
    row: int
    status: str = "new"
    values: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def fail(self, column: str, code: str, **extra: Any) -> None:
        self.status = "error"
        self.errors.append({"column": column, **field_error(code), **extra})

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RowResult(RowCheck):
    status: str = "new"  # new | changed | unchanged | error
    record_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)   # wire values to write
    changes: list[dict[str, str]] = field(default_factory=list)  # {column, from, to}
    address: str = ""
    household_id: str = ""   # residents: their household, created first when new
    household: dict[str, Any] = field(default_factory=dict)
    grid_id: str = ""
    tags: list[str] = field(default_factory=list)  # residents: care tag ids to add


class Register:
    """What the community already holds, loaded once for the whole file."""

    def __init__(self, community_id: str) -> None:
        self.community_id = community_id
        grids = list(db.session.scalars(select(Area).where(
            Area.parent_id == community_id, Area.level == "grid", Area.deleted.is_(False))))
        self.grid_ids = [g.id for g in grids]
        self.grid_by_id = {g.id: g for g in grids}
        self.grids: dict[str, Area] = {}
        for grid in grids:
            self.grids[grid.name.strip()] = grid
            if grid.code:
                self.grids[grid.code] = grid
        self.buildings: dict[tuple[str, str], list[Building]] = {}
        for b in db.session.scalars(select(Building).where(Building.grid_id.in_(self.grid_ids),
                                                           Building.deleted.is_(False))):
            self.buildings.setdefault(((b.estate or "").strip(), building_key(b.number)), []).append(b)
        self._households: dict[tuple, Household] | None = None
        self._residents: tuple[dict, dict] | None = None
        self._tags: dict[str, str] | None = None

    def households(self) -> dict[tuple, Household]:
        if self._households is None:
            self._households = {(h.building_id, h.unit, room_key(h.room)): h for h in db.session.scalars(
                select(Household).where(Household.grid_id.in_(self.grid_ids), Household.deleted.is_(False)))}
        return self._households

    def residents(self) -> tuple[dict, dict]:
        """(by normalised ID number, by (household id, name)) of the community's residents."""
        if self._residents is None:
            by_number, by_name = {}, {}
            for r in db.session.scalars(select(Resident).where(Resident.grid_id.in_(self.grid_ids),
                                                               Resident.deleted.is_(False))):
                if r.id_number:
                    by_number.setdefault(normalise_id_number(r.id_number), r)
                by_name.setdefault((r.household_id, r.name), r)
            self._residents = (by_number, by_name)
        return self._residents

    def number_elsewhere(self, number: str) -> bool:
        variants = {number, number.replace("X", "x")}
        return db.session.scalar(select(Resident.id).where(
            Resident.id_number.in_(variants), Resident.deleted.is_(False),
            Resident.grid_id.not_in(self.grid_ids)).limit(1)) is not None

    def address_of(self, household_id: str) -> str:
        """A household's standard address (小区+楼号+单元+门牌), as the preview shows a move."""
        home = next((h for h in self.households().values() if h.id == household_id), None)
        if home is None:
            home = db.session.get(Household, household_id)
        building = db.session.get(Building, home.building_id) if home is not None else None
        if building is None:
            return "新登记的户"
        return f"{building.estate or ''}{building.number}号楼{home.unit}单元{home.room}"

    def tags(self) -> dict[str, str]:
        if self._tags is None:
            self._tags = {t.name_zh: t.id for t in db.session.scalars(
                select(CareTagType).where(CareTagType.deleted.is_(False)))}
        return self._tags

    def building(self, result: RowResult, cells: dict, kind: Kind, move: bool = False) -> Building | None:
        """The row's building; None with the cell's error when there is none or several."""
        grid = self.grid(result, cells, kind)
        if grid is ...:
            return None
        number = building_key(cells.get("building") or "")
        found = self.buildings.get(((cells.get("estate") or "").strip(), number), [])
        if len(found) > 1 and grid is not None:
            found = [b for b in found if b.grid_id == grid.id]
        elif found and grid is not None and not move:
            found = [b for b in found if b.grid_id == grid.id]
        if len(found) > 1:
            result.fail(kind.header_of("building"), "import_building_ambiguous")
            return None
        if not found:
            if not move:
                result.fail(kind.header_of("building"), "import_building_missing")
            return None
        return found[0]

    def grid(self, result: RowResult, cells: dict, kind: Kind):
        """The grid the row names: None when the cell is empty, ... (after an error) when unknown."""
        text = (cells.get("grid") or "").strip()
        if not text:
            return None
        grid = self.grids.get(text)
        if grid is None:
            result.fail(kind.header_of("grid"), "import_grid_unknown")
            return ...
        return grid
