"""The three setup files (楼栋, 住户, 居民): their columns, as the template writes them and the
reader recognises them (with the spellings real ledgers use).

`field` is the record's wire field, or a place column (grid, estate, building) used to find the
record's building; `kind` says how a cell becomes a value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | int | float | bool | choice | date | id_number | phone | tags
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: object = None
    choice: str = ""  # the choices.py kind of a choice column (default: the field's name)

    @property
    def choice_kind(self) -> str:
        return self.choice or self.field


GRID = Column("网格", "grid", aliases=("网格名称", "所属网格", "网格编码"), note="本社区的网格名称或编码",
              example="第1网格")
ESTATE = Column("小区", "estate", aliases=("小区名称",), note="没有小区名可不填", example="幸福家园")
BUILDING = Column("楼号", "building", required=True, aliases=("楼栋号", "楼栋", "楼栋编号"),
                  note="如 3 或 3号楼", example="3")
UNIT = Column("单元", "unit", "int", required=True, aliases=("单元号",), note="数字，如 2", example=2)
FLOOR = Column("楼层", "floor", "int", note="不填时按门牌推算（501 为 5 层）", example=5)
ROOM = Column("门牌", "room", required=True, aliases=("房号", "房间号", "室号", "门牌号"), note="如 501", example="501")


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # the sheet's and the file's name
    entity: str
    columns: tuple[Column, ...]
    note: str

    def by_header(self) -> dict[str, Column]:
        return {name: c for c in self.columns for name in (c.header, *c.aliases)}

    def header_of(self, field: str) -> str:
        return next((c.header for c in self.columns if c.field == field), field)


BUILDINGS = Kind("buildings", "楼栋", "building", (
    GRID, ESTATE, BUILDING,
    Column("名称", "name", note="楼栋的俗称，可不填"),
    Column("单元数", "units", "int", example=2),
    Column("层数", "floors", "int", example=6),
    Column("每层户数", "rooms_per_floor", "int", aliases=("每层门数",), example=2),
    Column("门牌规则", "door_pattern", note="不填为 {floor}{door:02}（101、102 … 1201）"),
    Column("电梯", "lift", "bool", note="是 / 否", example="否"),
    Column("建成年份", "built_year", "int", example=1998),
    Column("纬度", "lat", "float", example=39.9042),
    Column("经度", "lng", "float", example=116.4074),
    Column("楼栋长姓名", "captain_name", aliases=("楼栋长",), example="王建华"),
    Column("楼栋长电话", "captain_phone", "phone", example="13800000000"),
), "一行一栋楼。按“小区+楼号”与系统中本社区已有的楼栋对应：已有的更新所填的列，没有的新建。")

HOUSEHOLDS = Kind("households", "住户", "household", (
    GRID, ESTATE, BUILDING, UNIT, FLOOR, ROOM,
    Column("房屋用途", "housing_use", "choice", note="不填为自住", example="自住"),
    Column("人户状态", "registration_status", "choice", note="不填为人户一致", example="人户一致"),
    Column("联系电话", "contact_phone", "phone", example="13900000000"),
    Column("房东姓名", "landlord_name"),
    Column("房东电话", "landlord_phone", "phone"),
    Column("租约到期", "lease_end", "date", aliases=("租约到期日",), note="出租房填写，如 2027-06-30"),
), "一行一户。按标准地址（小区+楼号+单元+门牌）与已有的户对应：已有的更新所填的列，没有的新建。楼栋须已在系统中（可先导入楼栋表）。")

RESIDENTS = Kind("residents", "居民", "resident", (
    GRID, ESTATE, BUILDING, UNIT, FLOOR, ROOM,
    Column("姓名", "name", required=True, aliases=("居民姓名",), example="刘建国"),
    Column("性别", "sex", "choice", note="填写身份证号时可不填（按证件号码推算）", example="男"),
    Column("出生日期", "birth_date", "date", note="如 1948-03-02；填写身份证号时可不填", example="1948-03-02"),
    Column("证件类型", "id_type", "choice", note="不填为居民身份证", example="居民身份证"),
    Column("证件号码", "id_number", "id_number", aliases=("身份证号", "身份证号码", "公民身份号码"),
           note="请设为文本格式，避免末位丢失"),
    Column("手机", "phone", "phone", aliases=("联系电话", "电话", "手机号", "手机号码"), note="手机11位，座机带区号"),
    Column("民族", "ethnicity", note="如 汉族", example="汉族"),
    Column("与户主关系", "relation", "choice", aliases=("户主关系", "关系"), example="户主"),
    Column("人口类型", "population_type", "choice", note="不填为户籍", example="户籍"),
    Column("居住证到期", "permit_expiry", "date", aliases=("居住证到期日",), note="仅流动、境外人口"),
    Column("政治面貌", "political_status", "choice", example="群众"),
    Column("关爱标签", "tags", "tags", aliases=("特殊人群",), note="多个用顿号分隔，如 独居老人、低保"),
), "一行一位居民。按证件号码（没有时按同户同名）与已有居民对应：已有的更新所填的列，没有的新建；"
   "地址上还没有的户会一并新建。楼栋须已在系统中。")

KINDS = {k.name: k for k in (BUILDINGS, HOUSEHOLDS, RESIDENTS)}
