"""`wangge import`: a street's first load from the setup spreadsheets, from the command line,
with a dry run that writes nothing, progress on stderr, and no half-written file."""

from __future__ import annotations

from sqlalchemy import func, select

from server.areas.models import Building
from server.extensions import db
from server.registry.models import Household
from server.syncapi.models import Change
from tests.setup_files import BUILDING_HEADERS, HOUSEHOLD_HEADERS, book_bytes, buildings, households

CODE = "110105001001"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import", *args])


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))


def test_a_street_loads_its_buildings_and_households_from_the_command_line(app, world, tmp_path):
    world.community.code = CODE
    db.session.commit()
    before = count(Building), count(Household)
    blocks = tmp_path / "楼栋.xlsx"
    blocks.write_bytes(book_bytes(BUILDING_HEADERS, buildings(["第1网格", "第2网格"], 5)))

    dry = run(app, "buildings", str(blocks), "--community", CODE, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "5 rows: 5 new, 0 changed, 0 unchanged, 0 with errors" in dry.stdout
    assert count(Building) == before[0]

    done = run(app, "buildings", str(blocks), "--community", CODE)
    assert done.exit_code == 0, done.output
    assert "5 / 5 rows written" in done.stderr
    assert count(Building) == before[0] + 5
    db.session.rollback()
    via = {c.result.get("via") for c in db.session.scalars(select(Change).where(Change.entity == "building"))}
    assert "cli:import" in via
    from server.audit.models import AuditEntry
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert (entry.record_id, entry.detail["written"], entry.detail["file"]) == (world.community.id, 5, "楼栋.xlsx")

    doors = households(48, buildings_count=2)
    bad = [row[:] for row in doors]
    bad[3][6] = "宿舍"          # 房屋用途 not in the list
    bad[7][2] = "99"            # no such building
    homes = tmp_path / "住户.xlsx"
    homes.write_bytes(book_bytes(HOUSEHOLD_HEADERS, bad))
    refused = run(app, "households", str(homes), "--community", CODE)
    assert refused.exit_code != 0
    assert "row 5 [房屋用途] invalid_choice" in refused.stdout
    assert "row 9 [楼号] import_building_missing" in refused.stdout
    assert "nothing written" in refused.stderr
    assert count(Household) == before[1]

    homes.write_bytes(book_bytes(HOUSEHOLD_HEADERS, doors))
    loaded = run(app, "households", str(homes), "--community", CODE)
    assert loaded.exit_code == 0, loaded.output
    assert count(Household) == before[1] + 48
    again = run(app, "households", str(homes), "--community", CODE, "--dry-run")
    assert "48 rows: 0 new, 0 changed, 48 unchanged, 0 with errors" in again.stdout


def test_an_unknown_community_or_a_file_that_is_no_workbook_is_refused(app, world, tmp_path):
    world.community.code = CODE
    db.session.commit()
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a workbook")
    assert run(app, "buildings", str(junk), "--community", "999999999999").exit_code != 0
    refused = run(app, "buildings", str(junk), "--community", CODE)
    assert refused.exit_code == 2
    assert "file_invalid" in refused.stderr


def test_the_demo_can_build_a_street_through_the_same_checks_without_a_file(app, world):
    from server.imports.run import apply, counts, preview_rows

    rows = buildings(["第1网格"], 2, estate="演示小区")
    results = preview_rows("buildings", BUILDING_HEADERS, rows, world.community.id)
    assert counts(results)["new"] == 2
    assert apply(results, "buildings", via="demo") == 2
    db.session.commit()
    again = preview_rows("buildings", BUILDING_HEADERS, rows, world.community.id)
    assert counts(again)["unchanged"] == 2


def test_a_building_row_with_only_its_address_takes_the_defaults(app, world):
    from server.imports.run import apply, counts, preview_rows

    results = preview_rows("buildings", ["网格", "小区", "楼号"], [["第2网格", "南苑", "9"]], world.community.id)
    assert counts(results)["new"] == 1, results[0].errors
    apply(results, "buildings", via="demo")
    db.session.commit()
    made = db.session.scalar(select(Building).where(Building.estate == "南苑"))
    assert (made.number, made.units, made.floors, made.grid_id) == ("9", 1, 1, world.grids[1].id)
