"""Setting up a street (/console/setup/): communities and grids with their official codes, the
grid's workers (their phones follow), moving buildings and retiring a grid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.areas.models import Area, Building
from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.registry.models import Household, Resident
from sync.client import SyncClient
from sync.transport import FlakyNetwork
from tests.conftest import PASSWORD, wsgi_send


def area_named(name: str) -> Area | None:
    db.session.expire_all()
    return db.session.scalar(select(Area).where(Area.name == name))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def phone(app, username: str) -> SyncClient:
    client = SyncClient(FlakyNetwork(wsgi_send(app)))
    client.login(username, PASSWORD)
    return client


# --- the home ------------------------------------------------------------------------------------

def test_home_shows_the_street_its_communities_grids_and_the_other_setup_pages(staff_client, world):
    page = staff_client("admin").get("/console/setup/")
    assert page.status_code == 200
    for text in ("和平街道", "幸福社区", "团结社区", "第1网格", "团结第1网格", "添加社区"):
        assert text in page.text
    for path in ("/console/setup/buildings", "/console/setup/dictionaries", "/console/units",
                 "/console/setup/import"):
        assert f'href="{path}"' in page.text
    assert 'href="/console/setup/"' in page.text  # the navigation's 设置


def test_community_staff_see_their_community_only_and_cannot_add_communities(staff_client, world):
    client = staff_client("staff")
    page = client.get("/console/setup/")
    assert page.status_code == 200 and "第2网格" in page.text
    assert "团结社区" not in page.text and "添加社区" not in page.text
    assert client.get("/console/setup/communities/new").status_code == 403
    reply = client.post("/console/setup/communities/new", data={"name": "新社区", "code": "110105001001"})
    assert reply.status_code == 403 and area_named("新社区") is None
    assert client.get(f"/console/setup/communities/{world.community.id}").status_code == 403


@pytest.mark.parametrize("username", ["worker", "volunteer"])
def test_field_roles_are_refused_the_console(app, world, username):
    from tests.console.conftest import StaffClient

    client = StaffClient(app.test_client())
    assert client.login(username).status_code == 403
    assert client.get("/console/setup/").status_code == 302  # to the sign-in page


# --- communities ---------------------------------------------------------------------------------

def test_street_admin_creates_a_community_with_its_12_digit_code_and_boundary(staff_client, world):
    client = staff_client("admin")
    assert client.get("/console/setup/communities/new").status_code == 200
    reply = client.post("/console/setup/communities/new",
                        data={"name": "春风社区", "code": "110105001003", "boundary": "东至建设路，西至铁路"})
    assert reply.status_code == 302
    community = area_named("春风社区")
    assert (community.level, community.code, community.boundary, community.parent_id) == \
        ("community", "110105001003", "东至建设路，西至铁路", world.street.id)
    assert audits("create_area")[0].record_id == community.id
    # It is the community the console now shows, so its grids can be added next.
    assert "春风社区" in client.get("/console/setup/grids/new").text


@pytest.mark.parametrize("code, error", [("11010500100", "community_code_invalid"),
                                         ("1101050010031", "community_code_invalid"),
                                         ("11010500100A", "community_code_invalid"),
                                         ("", "community_code_invalid")])
def test_a_community_code_is_exactly_12_digits(staff_client, world, code, error):
    reply = staff_client("admin").post("/console/setup/communities/new", data={"name": "春风社区", "code": code})
    assert reply.status_code == 422
    assert f'data-code="{error}"' in reply.text and "社区代码应为12位数字" in reply.text
    assert "A community code is 12 digits" in reply.text
    assert area_named("春风社区") is None


def test_codes_are_unique_among_all_areas(staff_client, world):
    client = staff_client("admin")
    assert client.post("/console/setup/communities/new",
                       data={"name": "春风社区", "code": "110105001003"}).status_code == 302
    reply = client.post("/console/setup/communities/new", data={"name": "夏雨社区", "code": "110105001003"})
    assert reply.status_code == 422 and 'data-code="area_code_taken"' in reply.text


def test_street_admin_edits_a_community_and_phones_pull_the_new_name(app, staff_client, world):
    device = phone(app, "staff")
    device.pull()
    client = staff_client("admin")
    page = client.get(f"/console/setup/communities/{world.community.id}")
    assert page.status_code == 200 and "幸福社区" in page.text
    reply = client.post(f"/console/setup/communities/{world.community.id}",
                        data={"name": "幸福里社区", "code": "110105001001", "boundary": "北至河堤"})
    assert reply.status_code == 302
    device.pull()
    assert device.server_copy()[("area", world.community.id)]["name"] == "幸福里社区"


def test_a_community_of_another_street_is_not_found(app, staff_client, world):
    from server.areas.operations import add_area
    from server.syncapi.direct import DirectWriter

    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    other = add_area(writer, "community", "别街社区", add_area(writer, "street", "别的街道"))
    db.session.commit()
    assert staff_client("admin").get(f"/console/setup/communities/{other.id}").status_code == 404


# --- grids ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["staff", "admin"])
def test_staff_and_street_admin_create_a_grid_in_the_community(staff_client, world, username):
    client = staff_client(username)
    if username == "admin":  # a street admin works in the community the console shows
        assert client.post("/console/community", data={"community_id": world.community.id}).status_code == 302
    assert client.get("/console/setup/grids/new").status_code == 200
    reply = client.post("/console/setup/grids/new", data={"name": "第3网格", "code": "11010500100103",
                                                          "boundary": "幸福路以东"})
    assert reply.status_code == 302
    grid = area_named("第3网格")
    assert (grid.level, grid.code, grid.parent_id, grid.boundary) == \
        ("grid", "11010500100103", world.community.id, "幸福路以东")
    assert client.get(f"/console/setup/grids/{grid.id}").status_code == 200


@pytest.mark.parametrize("code", ["", "12a", "1" * 21])
def test_a_grid_code_is_digits_up_to_20(staff_client, world, code):
    reply = staff_client("staff").post("/console/setup/grids/new", data={"name": "第3网格", "code": code})
    assert reply.status_code == 422 and 'data-code="grid_code_invalid"' in reply.text
    assert "A grid code is 1 to 20 digits" in reply.text


def test_grid_name_is_required_and_edits_are_saved(staff_client, world):
    client = staff_client("staff")
    grid = world.grids[0]
    reply = client.post(f"/console/setup/grids/{grid.id}", data={"name": "", "code": "1"})
    assert reply.status_code == 422 and 'data-code="required"' in reply.text
    reply = client.post(f"/console/setup/grids/{grid.id}", data={"name": "东区网格", "code": "1001",
                                                                  "boundary": "东至河"})
    assert reply.status_code == 302
    assert (area_named("东区网格").code, area_named("东区网格").boundary) == ("1001", "东至河")


def test_a_grid_of_another_community_is_not_found(staff_client, world):
    client = staff_client("staff")
    for path in ("", "/move", "/retire"):
        assert client.get(f"/console/setup/grids/{world.far_grid.id}{path}").status_code == 404
    assert client.post(f"/console/setup/grids/{world.far_grid.id}", data={"name": "x", "code": "1"}).status_code == 404


# --- workers -------------------------------------------------------------------------------------

def test_assigning_a_worker_brings_the_grid_to_their_phone_and_unassigning_takes_it_away(app, staff_client, world):
    device = phone(app, "worker")
    device.pull()
    building = ("building", world.buildings[1].id)
    assert building not in device.server_copy()
    client = staff_client("staff")
    worker = world.users["worker"]
    page = client.get(f"/console/setup/grids/{world.grids[1].id}")
    assert worker.name in page.text  # offered: a worker of this community
    reply = client.post(f"/console/setup/grids/{world.grids[1].id}/workers",
                        data={"action": "assign", "user_id": worker.id})
    assert reply.status_code == 302
    assert device.pull()["verified"] is True and building in device.server_copy()
    reply = client.post(f"/console/setup/grids/{world.grids[1].id}/workers",
                        data={"action": "unassign", "user_id": worker.id})
    assert reply.status_code == 302
    assert device.pull()["verified"] is True and building not in device.server_copy()
    assert len(audits("edit_user")) == 2


def test_only_grid_workers_of_the_community_can_be_assigned(staff_client, world):
    client = staff_client("staff")
    for username in ("far_staff", "volunteer", "staff"):
        reply = client.post(f"/console/setup/grids/{world.grids[1].id}/workers",
                            data={"action": "assign", "user_id": world.users[username].id})
        assert reply.status_code == 422 and 'data-code="worker_unknown"' in reply.text


# --- moving buildings and retiring a grid --------------------------------------------------------

def test_moving_selected_buildings_takes_their_households_and_residents_along(app, staff_client, world):
    client = staff_client("staff")
    g0, g1 = world.grids
    page = client.get(f"/console/setup/grids/{g0.id}/move")
    assert page.status_code == 200 and "1号楼" in page.text and g1.name in page.text
    reply = client.post(f"/console/setup/grids/{g0.id}/move", data={"target_id": g1.id})
    assert reply.status_code == 422 and 'data-code="buildings_required"' in reply.text
    reply = client.post(f"/console/setup/grids/{g0.id}/move",
                        data={"target_id": world.far_grid.id, "building_ids": world.buildings[0].id})
    assert reply.status_code == 422 and 'data-code="move_target_invalid"' in reply.text
    reply = client.post(f"/console/setup/grids/{g0.id}/move",
                        data={"target_id": g1.id, "building_ids": world.buildings[0].id})
    assert reply.status_code == 302
    db.session.expire_all()
    assert db.session.get(Building, world.buildings[0].id).grid_id == g1.id
    assert db.session.get(Household, world.households[0].id).grid_id == g1.id
    assert db.session.get(Resident, world.residents[0].id).grid_id == g1.id
    assert audits("move_buildings")[0].detail["to_grid"] == g1.id


def test_retiring_a_grid_moves_its_buildings_unassigns_workers_and_keeps_it_out_of_pickers(app, staff_client,
                                                                                         world):
    client = staff_client("staff")
    g0, g1 = world.grids
    page = client.get(f"/console/setup/grids/{g1.id}/retire")
    assert page.status_code == 200 and g0.name in page.text
    reply = client.post(f"/console/setup/grids/{g1.id}/retire", data={"target_id": g1.id})
    assert reply.status_code == 422 and 'data-code="move_target_invalid"' in reply.text
    reply = client.post(f"/console/setup/grids/{g1.id}/retire", data={"target_id": g0.id})
    assert reply.status_code == 302
    db.session.expire_all()
    grid = db.session.get(Area, g1.id)
    assert grid.retired_on is not None and not grid.deleted
    assert db.session.get(Building, world.buildings[1].id).grid_id == g0.id
    worker_b = db.session.get(User, world.users["worker_b"].id)
    assert g1.id not in worker_b.area_ids
    # Still shown (its history), no longer offered as a place to move buildings to, nor editable.
    assert "已撤销" in client.get("/console/setup/").text
    assert g1.name not in client.get(f"/console/setup/grids/{g0.id}/move").text
    assert client.get(f"/console/setup/grids/{g1.id}/retire").status_code == 409
    reply = client.post(f"/console/setup/grids/{g1.id}", data={"name": "复活", "code": "9"})
    assert reply.status_code == 409 and "grid_retired" in reply.text
    assert audits("retire_grid")[0].detail["to_grid"] == g0.id


def test_a_retired_grid_is_not_offered_to_new_accounts(staff_client, world):
    client = staff_client("staff")
    g0, g1 = world.grids
    assert client.post(f"/console/setup/grids/{g1.id}/retire", data={"target_id": g0.id}).status_code == 302
    page = client.get("/console/users/new")
    assert f'value="{g0.id}"' in page.text and f'value="{g1.id}"' not in page.text
    reply = client.post("/console/users/new", data={
        "role": "grid_worker", "username": "wgy_late", "name": "迟网格", "password": "start-2026",
        "password2": "start-2026", "grid_ids": [g1.id]})
    assert reply.status_code == 422 and 'data-code="unknown_grid"' in reply.text


def test_the_whole_setup_works_on_each_database(any_app, any_world):
    """Create a community and a grid, assign a worker, move a building, retire a grid: on SQLite
    and on the real PostgreSQL (stricter types and locking)."""
    from tests.console.conftest import StaffClient

    client = StaffClient(any_app.test_client())
    assert client.login("admin").status_code == 302
    assert client.get("/console/setup/").status_code == 200
    assert client.post("/console/setup/communities/new",
                       data={"name": "春风社区", "code": "110105001009"}).status_code == 302
    assert client.post("/console/setup/grids/new", data={"name": "春风第1网格", "code": "1"}).status_code == 302
    assert client.post("/console/setup/grids/new", data={"name": "春风第2网格", "code": "2"}).status_code == 302
    first, second = area_named("春风第1网格"), area_named("春风第2网格")
    worker = any_world.users["worker"]
    # A worker of another community is not offered here; one without any grid would be.
    reply = client.post(f"/console/setup/grids/{first.id}/workers", data={"action": "assign", "user_id": worker.id})
    assert reply.status_code == 422
    client.post("/console/community", data={"community_id": any_world.community.id})
    g0, g1 = any_world.grids
    assert client.get(f"/console/setup/grids/{g0.id}").status_code == 200
    assert client.post(f"/console/setup/grids/{g1.id}/workers",
                       data={"action": "assign", "user_id": worker.id}).status_code == 302
    assert client.post(f"/console/setup/grids/{g0.id}/move", data={
        "target_id": g1.id, "building_ids": any_world.buildings[0].id}).status_code == 302
    assert client.post(f"/console/setup/grids/{g1.id}/retire", data={"target_id": g0.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, any_world.households[0].id).grid_id == g0.id
    assert db.session.get(Area, g1.id).retired_on is not None
    assert (first.parent_id, second.parent_id) == (area_named("春风社区").id,) * 2
