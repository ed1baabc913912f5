"""The ledger file: the columns the console's ledger import knows (with the spellings real
ledgers use). Reading it is the setup import's reader (imports/book.py), so both imports refuse
the same files with the same codes; what differs is only which columns a ledger has.
"""

from __future__ import annotations

from ...core.messages import register_messages
from ...imports.book import Sheet, read_book
from ...imports.kinds import Column, Kind

register_messages({
    "import_building_unknown": ("该网格中没有这个楼栋号，请先在“批量导入”中导入楼栋表，或在系统中添加楼栋",
                                "This grid has no building with that number; import the buildings file under Bulk import, or add it first"),
    "import_id_number_exists": ("该证件号码已登记在其他居民名下", "This ID number is already registered to another resident"),
})

# A ledger names its grid (required) and finds the building by its number in that grid: unlike
# a setup file it has no 小区 column.
LEDGER = Kind("ledger", "居民户", "resident", (
    Column("网格", "grid", required=True, aliases=("网格名称", "所属网格"), note="本社区的网格名称"),
    Column("楼栋号", "building", required=True, aliases=("楼栋", "楼号", "楼栋编号"),
           note="网格中已有的楼栋号，如 3 或 3号楼"),
    Column("单元", "unit", "int", required=True, aliases=("单元号",), note="数字，如 2"),
    Column("楼层", "floor", "int", note="不填时按房号推算（501 为 5 层）"),
    Column("房号", "room", required=True, aliases=("房间号", "室号", "门牌号"), note="如 501"),
    Column("房屋用途", "housing_use", "choice", note="不填为自住"),
    Column("人户状态", "registration_status", "choice", note="不填为人户一致"),
    Column("房东姓名", "landlord_name"),
    Column("房东电话", "landlord_phone", "phone"),
    Column("姓名", "name", required=True, aliases=("居民姓名",)),
    Column("性别", "sex", "choice", note="填写身份证号时可不填（按证件号码推算）"),
    Column("出生日期", "birth_date", "date", note="如 1948-03-02；填写身份证号时可不填"),
    Column("证件类型", "id_type", "choice", note="不填为居民身份证"),
    Column("证件号码", "id_number", "id_number", aliases=("身份证号", "身份证号码", "公民身份号码"),
           note="请设为文本格式，避免末位丢失"),
    Column("联系电话", "phone", "phone", aliases=("电话", "手机", "手机号", "手机号码"), note="手机11位，座机带区号"),
    Column("民族", "ethnicity", note="如 汉族"),
    Column("与户主关系", "relation", "choice", aliases=("户主关系", "关系")),
    Column("人口类型", "population_type", "choice", note="不填为户籍"),
    Column("居住证到期日", "permit_expiry", "date", note="仅流动、境外人口"),
    Column("政治面貌", "political_status", "choice"),
    Column("备注", "notes"),
), "一行一位居民；同一地址（楼栋号+单元+房号）的居民归为一户：系统中已有的户直接使用，没有的新建。")
COLUMNS = LEDGER.columns
# Our residents ledger export has a 特殊人群 column this import does not read.
EXTRA = frozenset({"特殊人群"})


def read_sheet(path: str) -> Sheet:
    return read_book(path, LEDGER, EXTRA)
