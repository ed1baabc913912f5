"""The demo community (`wangge demo`): what people trying Wangge rely on.

The demo is loaded once for the module into a database made exactly like the `app` fixture's; each
test then reads it. How long the load takes is a figure of `make bench`, not something a test asserts.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from server.areas.models import Area, Building
from server.auth.models import User
from server.cases.models import CaseStep, Finding, FindingCategory
from server.cases.workflow import allowed
from server.demo import directory, second, texts
from server.demo.community import DEMO_PASSWORD, DEMO_USERS, CarePlanner, DemoCommunity, load_demo
from server.demo.dates import age_on
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.care_tags import detail_errors
from server.registry.models import CareTagType, Household, Resident, ResidentTag
from server.registry.rules import check_resident
from server.registry.validators import id_number_facts, validate_grid_code, validate_id_number, validate_phone
from server.syncapi.entities import ENTITIES
from server.core.time import china_today, utcnow
from sync.client import SyncClient
from sync.transport import FlakyNetwork
from tests.conftest import make_app, wsgi_send

TABLES = (Area, Building, Household, Resident, ResidentTag, Visit, Finding, CaseStep, User)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = make_app("sqlite", tmp_path_factory.mktemp("demo"))
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        from server.imports import run

        # Which of the setup import's steps the demo goes through, kind by kind.
        calls = []
        preview, apply = run.preview_rows, run.apply
        patch.setattr(run, "preview_rows", lambda kind, *a: calls.append(("preview", kind)) or preview(kind, *a))
        patch.setattr(run, "apply", lambda results, kind, **kw: calls.append(("apply", kind, kw["via"], len(results)))
                      or apply(results, kind, **kw))
        summary = load_demo()
        db.session.commit()
        patch.undo()
        yield SimpleNamespace(app=app, summary=summary, import_calls=calls)
        db.session.remove()


def rows(model):
    return db.session.scalars(select(model)).all()


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def grids():
    """幸福社区's grids (the street's second community, 安康社区, has its own tests)."""
    main = select(Area.id).where(Area.name == texts.COMMUNITY_NAME)
    return {g.name: g for g in db.session.scalars(select(Area).where(Area.level == "grid", Area.parent_id.in_(main)))}


def in_main(model):
    """The rows of a grid-level table that sit in 幸福社区."""
    return db.session.scalars(select(model).where(model.grid_id.in_([g.id for g in grids().values()]))).all()


def sign_in(app, username):
    client = SyncClient(FlakyNetwork(wsgi_send(app)))
    client.login(username, DEMO_PASSWORD)
    return client


def age(birth):
    return age_on(birth, china_today())


# --- shape and size ------------------------------------------------------------------------


def test_counts_are_those_of_a_real_community(demo):
    n = {**counts(), **{m.__name__: len(in_main(m)) for m in (Building, Household, Resident, Visit, Finding)}}
    assert 18 <= n["Building"] <= 22
    assert 550 <= n["Household"] <= 650
    assert 1300 <= n["Resident"] <= 1700
    assert 3000 <= n["Visit"] <= 5000
    assert 25 <= n["Finding"] <= 35
    assert n["User"] == len(DEMO_USERS) + len(second.USERS) + len(directory.CONTACTS) == 9
    tags = Counter(t.tag for t in in_main(ResidentTag))
    assert 35 <= tags["elderly_alone"] <= 45
    assert 10 <= tags["child_left_behind"] <= 20
    assert 15 <= tags["disabled"] <= 25
    assert 4 <= tags["pregnant"] <= 8
    assert tags["elderly_empty_nest"] and tags["elderly_80plus"] and tags["infant"] and tags["chronic_ill"]
    assert tags["tenant"] and tags["low_income"]


def test_area_tree_and_grid_codes(demo):
    streets = db.session.scalars(select(Area).where(Area.level == "street")).all()
    communities = db.session.scalars(select(Area).where(Area.level == "community")).all()
    assert [s.name for s in streets] == [texts.STREET_NAME]
    assert sorted((c.name, c.parent_id) for c in communities) == \
        sorted([(texts.COMMUNITY_NAME, streets[0].id), (second.COMMUNITY_NAME, streets[0].id)])
    communities = [c for c in communities if c.name == texts.COMMUNITY_NAME]
    by_name = grids()
    assert sorted(by_name) == sorted(texts.GRID_NAMES)
    for sequence, name in enumerate(texts.GRID_NAMES, start=1):
        grid = by_name[name]
        assert grid.parent_id == communities[0].id
        validate_grid_code(grid.code)
        assert grid.code[6:12] == "110105" and grid.code.endswith(f"{sequence:02d}")


def test_buildings_and_households_are_plausible(demo):
    buildings = {b.id: b for b in in_main(Building)}
    assert sorted(int(b.number) for b in buildings.values()) == list(range(1, len(buildings) + 1))
    assert {b.grid_id for b in buildings.values()} == {g.id for g in grids().values()}
    for b in buildings.values():
        assert b.name == f"{b.number}号楼"
        assert 2 <= b.units <= 3 and 6 <= b.floors <= 18 and 2 <= b.rooms_per_floor <= 4
        assert abs(b.lat - 39.93) < 0.01 and abs(b.lng - 116.45) < 0.01
        validate_phone(b.captain_phone)
        assert b.captain_name
    assert {b.floors for b in buildings.values()} & {6} and max(b.floors for b in buildings.values()) >= 16
    households = in_main(Household)
    addresses = set()
    for h in households:
        b = buildings[h.building_id]
        assert h.grid_id == b.grid_id
        assert 1 <= h.unit <= b.units and 1 <= h.floor <= b.floors
        assert h.room.startswith(str(h.floor)) and 1 <= int(h.room[len(str(h.floor)):]) <= b.rooms_per_floor
        addresses.add((b.number, h.unit, h.room))
        if h.housing_use == "rented":
            assert h.landlord_name
            validate_phone(h.landlord_phone)
        if h.housing_use == "commercial":
            assert h.floor == 1
    assert len(addresses) == len(households)
    uses = Counter(h.housing_use for h in households)
    assert uses["owner_occupied"] / len(households) > 0.7
    assert 0.10 <= uses["rented"] / len(households) <= 0.20
    assert uses["vacant"] and uses["commercial"]
    assert {h.registration_status for h in households} == \
        {"consistent", "present_unregistered", "registered_absent", "nominal"}


# --- people --------------------------------------------------------------------------------


def test_every_resident_id_number_is_valid_and_matches(demo):
    residents = rows(Resident)
    numbers = [r.id_number for r in residents if r.id_type == "resident_id"]
    assert len(numbers) == len(set(numbers)) >= len(residents) - 5
    for r in residents:
        if r.id_type != "resident_id":
            continue
        validate_id_number(r.id_number)
        assert id_number_facts(r.id_number) == (r.birth_date, r.sex), r.name


def test_residents_pass_the_servers_own_rules(demo):
    """Every demo record would survive a device round trip: wire schema and cross-field rules."""
    ctx = SimpleNamespace(today=china_today())
    for name in ("building", "household", "resident", "resident_tag", "visit", "finding", "case_step"):
        schema = ENTITIES[name].wire()
        for row in rows(ENTITIES[name].model):
            state = {k: v for k, v in schema.dump(row).items() if not schema.fields[k].dump_only}
            assert schema.validate(state) == {}, (name, state)
            if name == "resident":
                assert check_resident(ctx, state, row) == {}, state


def test_residents_look_like_a_community(demo):
    residents = rows(Resident)
    today = china_today()
    by_type = Counter(r.population_type for r in residents)
    assert 0.08 <= by_type["migrant"] / len(residents) <= 0.16
    assert 1 <= by_type["foreign"] <= 5
    for r in residents:
        if r.population_type == "foreign":
            assert r.id_type == "passport" and not r.id_number.isdigit()
        elif r.population_type == "migrant":
            assert r.permit_expiry and r.permit_expiry > today
            assert not r.id_number.startswith("11")
        else:
            assert r.permit_expiry is None
            assert 2 <= len(r.name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in r.name)
        if r.phone:
            validate_phone(r.phone)
    adults = [r for r in residents if age(r.birth_date) >= 18]
    assert sum(bool(r.phone) for r in adults) / len(adults) > 0.85
    assert not any(r.phone for r in residents if age(r.birth_date) < 12)
    assert {"party_member", "league_member", "masses"} <= {r.political_status for r in residents}
    assert {"head", "spouse", "child", "parent", "grandchild", "tenant"} <= {r.relation for r in residents}
    assert Counter(r.ethnicity for r in residents)["汉族"] / len(residents) > 0.8
    heads = Counter(r.household_id for r in residents if r.relation == "head")
    assert max(heads.values()) == 1


def test_care_tag_details_pass_their_dictionary_spec(demo):
    specs = {t.id: t.detail_fields for t in rows(CareTagType)}
    residents = {r.id: r for r in rows(Resident)}
    households = {h.id: h for h in rows(Household)}
    living = Counter(r.household_id for r in residents.values() if r.moved_out_on is None)
    today = china_today()
    for tag in rows(ResidentTag):
        assert detail_errors(specs[tag.tag], tag.detail) == {}, (tag.tag, tag.detail)
        person = residents[tag.resident_id]
        assert tag.grid_id == person.grid_id and tag.started_on <= today
        years = age(person.birth_date)
        if tag.tag == "elderly_alone":
            assert years >= 60 and living[person.household_id] == 1
            assert tag.detail["risk_level"] in ("high", "medium", "low") and tag.detail["kin_phone"]
        elif tag.tag == "elderly_80plus":
            assert years >= 80
        elif tag.tag == "infant":
            assert years < 3
        elif tag.tag == "child_left_behind":
            assert 5 <= years <= 15 and tag.detail["school"] and tag.detail["guardian_phone"]
        elif tag.tag == "pregnant":
            due = date.fromisoformat(tag.detail["due_date"])
            assert person.sex == "female" and today < due <= today + timedelta(days=245)
        elif tag.tag == "disabled":
            assert tag.detail["disability_grade"] in ("1", "2", "3", "4")
        elif tag.tag == "tenant":
            assert households[person.household_id].housing_use == "rented"
    aged = [r for r in residents.values() if age(r.birth_date) >= 80 and households[r.household_id].housing_use
            in ("owner_occupied", "rented") and not (r.notes or "").startswith(("户在人不在", "空挂户"))]
    tagged_80 = {t.resident_id for t in rows(ResidentTag) if t.tag == "elderly_80plus"}
    assert {r.id for r in aged} == tagged_80


# --- sync ----------------------------------------------------------------------------------


def test_grid_worker_pulls_only_their_grid_and_it_verifies(demo):
    grid1 = grids()[texts.GRID_NAMES[0]]
    client = sign_in(demo.app, "wgy1")
    result = client.pull()
    assert result["verified"] is True
    replica = client.server_copy()
    by_entity = Counter(entity for entity, _ in replica)
    for entity in ("household", "resident", "resident_tag", "visit", "finding", "case_step", "building"):
        model = ENTITIES[entity].model
        expected = db.session.scalar(select(func.count()).select_from(model).where(model.grid_id == grid1.id))
        assert by_entity[entity] == expected > 0, entity
    assert [i for e, i in replica if e == "area"] == [grid1.id]
    rows_ = client.db.execute("SELECT entity, scope FROM records").fetchall()
    for entity, scope in rows_:
        scope = json.loads(scope)
        assert scope["grid_id"] in (grid1.id, None), entity
        if scope["grid_id"] is None:
            assert entity in ("care_tag_type", "finding_category") and not any(scope.values())


def test_patrol_volunteer_sees_their_findings_and_no_residents(demo):
    volunteer = db.session.scalar(select(User).where(User.username == "xl1"))
    client = sign_in(demo.app, "xl1")
    assert client.pull()["verified"] is True
    entities = Counter(entity for entity, _ in client.server_copy())
    assert not entities["resident"] and not entities["household"] and not entities["visit"]
    mine = db.session.scalar(select(func.count()).select_from(Finding).where(Finding.reporter_id == volunteer.id))
    assert entities["finding"] == mine > 0


def test_loading_twice_does_not_duplicate(demo):
    before = counts()
    message = load_demo()
    db.session.commit()
    assert "已存在" in message and "already loaded" in message and DEMO_PASSWORD in message
    reply = demo.app.test_cli_runner().invoke(args=["demo"])
    assert reply.exit_code == 0, reply.output
    assert "already loaded" in reply.output
    assert counts() == before


def test_summary_lists_counts_and_logins(demo):
    assert "600" in demo.summary and "居民" in demo.summary and "visits" in demo.summary
    for username, role, role_zh, _ in DEMO_USERS:
        assert username in demo.summary and role in demo.summary and role_zh in demo.summary
    assert "wuye" in demo.summary and "处置单位联系人" in demo.summary
    assert DEMO_PASSWORD in demo.summary


def test_the_property_office_signs_in_to_its_dispatched_cases(demo):
    from server.cases.models import CaseUnit, HandlingUnit

    office = db.session.scalar(select(HandlingUnit).where(HandlingUnit.name == "物业服务中心"))
    assert {e.name for e in rows(HandlingUnit)} >= {"物业服务中心", "街道城管科", "区住建委", "供电所", "阳光社工服务站"}
    contact = db.session.scalar(select(User).where(User.username == "wuye"))
    assert (contact.role, contact.handling_unit_id) == ("unit_contact", office.id)
    held = rows(CaseUnit)
    assert any(r.handling_unit_id == office.id for r in held)
    for row in held:
        finding = db.session.get(Finding, row.finding_id)
        assert finding.handling_unit_id == row.handling_unit_id
        assert finding.unit == db.session.get(HandlingUnit, row.handling_unit_id).name


# --- visits --------------------------------------------------------------------------------


def test_visits_cover_a_year_by_the_right_workers(demo):
    now = utcnow()
    workers = {u.id: u for u in rows(User) if u.role == "grid_worker"}
    grid_worker = {u.assignments[0].area_id: u.id for u in workers.values()}
    residents = {r.id: r for r in rows(Resident)}
    visits = rows(Visit)
    for v in visits:
        assert v.visitor_id == grid_worker[v.grid_id]
        assert now - timedelta(days=366) <= v.visited_at <= now
        assert all(residents[r].household_id == v.household_id for r in v.resident_ids)
        assert v.notes
    methods = Counter(v.method for v in visits)
    outcomes = Counter(v.outcome for v in visits)
    assert methods["in_person"] / len(visits) > 0.5 and methods["phone"] and methods["doorstep"]
    assert outcomes["normal"] / len(visits) > 0.75 and outcomes["not_home"] and outcomes["issue_found"]
    months = {(v.visited_at.year, v.visited_at.month) for v in visits}
    assert len(months) >= 12


def test_tagged_residents_are_visited_and_some_elderly_alone_are_overdue(demo):
    now = utcnow()
    last: dict[str, object] = {}
    for v in rows(Visit):
        for resident_id in v.resident_ids:
            last[resident_id] = max(last.get(resident_id, v.visited_at), v.visited_at)
    alone = [t.resident_id for t in rows(ResidentTag) if t.tag == "elderly_alone"]
    assert all(r in last for r in alone)
    overdue = [r for r in alone if now - last[r] > timedelta(days=7)]
    assert 3 <= len(overdue) <= len(alone) // 4
    per_person = Counter(r for v in rows(Visit) for r in v.resident_ids)
    assert min(per_person[r] for r in alone) >= 40  # weekly for a year, give or take
    tagged = {t.resident_id for t in rows(ResidentTag)}
    assert sum(r in last for r in tagged) / len(tagged) > 0.95


# --- findings and cases --------------------------------------------------------------------


def test_cases_walk_the_workflow_to_their_status(demo):
    now = utcnow()
    users = {u.id: u for u in rows(User)}
    staff = next(u.id for u in users.values() if u.username == "sq1")
    categories = {c.id for c in rows(FindingCategory)}
    grid_ids = {g.id: g.name for g in grids().values()}
    steps = defaultdict(list)
    for step in rows(CaseStep):
        steps[step.finding_id].append(step)
    statuses, past_deadline = Counter(), 0
    for finding in in_main(Finding):
        assert finding.category in categories and finding.grid_id in grid_ids
        assert now - timedelta(days=60) <= finding.reported_at <= now
        reporter = users[finding.reporter_id]
        assert reporter.username in ("wgy1", "wgy2", "wgy3", "xl1")
        if reporter.role == "patrol_volunteer":
            assert finding.source == "patrol" and grid_ids[finding.grid_id] == texts.GRID_NAMES[0]
        chain = sorted(steps[finding.id], key=lambda s: s.at)
        status, when, dispatched = "reported", finding.reported_at, None
        for step in chain:
            assert step.from_status == status and allowed(step.from_status, step.to_status)
            assert when <= step.at <= now and step.reporter_id == finding.reporter_id
            assert step.actor_id == (finding.reporter_id if step.to_status == "verified" else staff)
            if step.to_status == "dispatched":
                assert step.level in ("grid", "community", "street") and step.unit and step.deadline_at > step.at
                dispatched = step
            status, when = step.to_status, step.at
        assert finding.status == status
        assert (finding.level, finding.unit, finding.deadline_at) == \
            ((dispatched.level, dispatched.unit, dispatched.deadline_at) if dispatched else (None, None, None))
        statuses[status] += 1
        if status == "dispatched" and finding.deadline_at < now:
            past_deadline += 1
    assert len(statuses) >= 8
    assert past_deadline >= 2


# --- determinism ---------------------------------------------------------------------------


def plan(seed: int):
    community = DemoCommunity(random.Random(seed), writer=None)
    community.plan_buildings()
    community.plan_homes()
    CarePlanner(community).plan()
    return [(h.address, [(p.name, p.id_number, sorted(p.tags.items())) for p in h.people]) for h in community.homes]


def test_same_seed_same_community():
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


# --- the street's second community -----------------------------------------------------------


def test_a_small_second_community_with_its_own_staff(demo):
    """安康社区: one grid of a few homes, so a street admin has two communities to compare and
    each community's staff can be seen to stay inside their own."""
    community = db.session.scalar(select(Area).where(Area.name == second.COMMUNITY_NAME))
    [grid] = db.session.scalars(select(Area).where(Area.parent_id == community.id)).all()
    assert (grid.name, grid.code) == (second.GRID_NAME, second.GRID_CODE)
    validate_grid_code(grid.code)
    street = db.session.get(Area, community.parent_id)
    assert street.name == texts.STREET_NAME
    n = {m.__name__: db.session.scalar(select(func.count()).select_from(m).where(m.grid_id == grid.id))
         for m in (Building, Household, Resident, ResidentTag, Visit, Finding)}
    assert n["Building"] == 2 and 10 <= n["Household"] <= 30 and 20 <= n["Resident"] <= 80
    assert n["ResidentTag"] >= 5 and n["Visit"] >= 20 and n["Finding"] == len(second.CASES)
    users = {u.username: u for u in rows(User)}
    assert users["sq2"].role == "community_staff" and users["sq2"].area_ids == [community.id]
    assert users["wgy4"].role == "grid_worker" and users["wgy4"].area_ids == [grid.id]
    assert "sq2" in demo.summary and second.COMMUNITY_NAME in demo.summary
    # Its worker's phone holds its grid only.
    client = sign_in(demo.app, "wgy4")
    assert client.pull()["verified"] is True
    assert {g for e, g in client.server_copy() if e == "area"} == {grid.id}
    residents = {i for e, i in client.server_copy() if e == "resident"}
    assert len(residents) == n["Resident"]


def test_second_community_staff_see_their_own_community(demo):
    from tests.console.conftest import StaffClient

    staff = StaffClient(demo.app.test_client())
    assert staff.login("sq2", DEMO_PASSWORD).status_code == 302
    page = staff.get("/console/").text
    assert f"工作台 · {second.COMMUNITY_NAME}" in page and texts.COMMUNITY_NAME not in page
    users = staff.get("/console/users").text
    assert "wgy4" in users and "wgy1" not in users



# --- built as a real street is: the setup import, the door grid, actual units --------------------


def test_the_register_was_written_by_the_setup_import(demo):
    """Buildings, households and residents carry the ids the setup import derives from each row
    (UUID version 8, server/imports/cells.stable_id), and their history opens with the demo's write."""
    import uuid

    from server.syncapi.models import Change

    steps = [(c[0], c[1]) for c in demo.import_calls]
    per_community = [(step, kind) for kind in ("buildings", "households", "residents") for step in ("preview", "apply")]
    assert steps == per_community * 2  # 幸福社区, then 安康社区
    applied = {c[1]: 0 for c in demo.import_calls}
    for call in demo.import_calls:
        if call[0] == "apply":
            assert call[2] == "demo"
            applied[call[1]] += call[3]
    assert applied == {"buildings": len(rows(Building)), "households": len(rows(Household)),
                       "residents": len(rows(Resident))}

    for model, entity in ((Building, "building"), (Household, "household"), (Resident, "resident")):
        records = rows(model)
        assert records and all(uuid.UUID(r.id).version == 8 for r in records), entity
        vias = {c.record_id: c.result.get("via") for c in db.session.scalars(
            select(Change).where(Change.entity == entity).order_by(Change.hlc.desc()))}
        assert set(vias) == {r.id for r in records} and set(vias.values()) == {"demo"}, entity
    assert {b.estate for b in rows(Building)} == {texts.ESTATE, second.ESTATE}
    # What the files have no column for was completed afterwards: arrivals on every resident.
    assert all(r.arrived_by and r.moved_in_on for r in rows(Resident))


def test_irregular_buildings_and_their_units_show_on_phone_and_console(demo):
    from server.areas import doors as door_rules
    from server.units.models import Unit
    from tests.console.conftest import StaffClient

    buildings = in_main(Building)
    homes = in_main(Household)
    [shops] = [b for b in buildings if any(d["use"] == "shop" for d in door_rules.all_doors(b))]
    ground = [d for d in door_rules.all_doors(shops) if d["floor"] == 1]
    assert {d["use"] for d in ground} == {"shop", "office"}
    assert all(h.housing_use == "commercial" for h in homes if h.building_id == shops.id and h.floor == 1)
    [no_fourth] = [b for b in buildings if b.doors and all(d["use"] == "none" for d in b.doors if d["floor"] == 4)
                   and any(d["floor"] == 4 for d in b.doors)]
    assert no_fourth.floors >= 16 and not [h for h in homes if h.building_id == no_fourth.id and h.floor == 4]
    assert 4 not in {d["floor"] for d in door_rules.expand(no_fourth)} and 5 in {d["floor"] for d in door_rules.expand(no_fourth)}

    units = rows(Unit)
    [office] = [u for u in units if u.kind == "property_manager"]
    assert office.handles_cases and office.building_id == shops.id and office.name.startswith(texts.ESTATE)
    shop_units = [u for u in units if u.kind == "shop"]
    assert len(shop_units) == len(ground) - 1 and not any(u.handles_cases for u in shop_units)
    assert {u.room for u in units} == {d["room"] for d in ground}

    worker = next(u for u in rows(User) if u.role == "grid_worker" and u.area_ids == [shops.grid_id])
    client = sign_in(demo.app, worker.username)
    assert client.pull()["verified"] is True
    assert {i for e, i in client.server_copy() if e == "unit"} == {u.id for u in units}
    staff = StaffClient(demo.app.test_client())
    assert staff.login("sq1", DEMO_PASSWORD).status_code == 302
    assert office.name in staff.get("/console/units").text
