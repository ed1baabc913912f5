"""Records lists and pages: filters find exactly the right rows, numbers stay masked unless a
community staff member asks (and that is logged), and nothing outside the community answers."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest

from server.areas.operations import add_building
from server.audit.models import AuditEntry
from server.core.time import BEIJING, china_today
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7

ROW = re.compile(r'data-resident="([0-9a-f-]{36})"')
HOME_ROW = re.compile(r'data-household="([0-9a-f-]{36})"')


def writer(app) -> DirectWriter:
    return DirectWriter(db.session, app.extensions["wangge_clock"])


def days_ago(n: int, hour: int = 10) -> datetime:
    """A naive UTC moment n China days ago, at `hour` o'clock China time."""
    local = datetime.combine(china_today() - timedelta(days=n), time(hour), BEIJING)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def add_home(w, grid, building, unit, room, **fields):
    return w.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id, unit=unit,
                                         floor=int(room[:-2]), room=room, **fields))


def add_person(w, home, name, sex="male", **fields):
    return w.put("resident", Resident(id=uuid7(), household_id=home.id, grid_id=home.grid_id, name=name,
                                      sex=sex, **fields))


def add_tag(w, person, tag, started_days_ago=None, detail=None, **fields):
    started = china_today() - timedelta(days=started_days_ago) if started_days_ago is not None else None
    return w.put("resident_tag", ResidentTag(id=uuid7(), resident_id=person.id, grid_id=person.grid_id, tag=tag,
                                             detail=detail or {}, started_on=started, **fields))


def add_visit(w, home, visitor, when, outcome="normal", resident_ids=()):
    return w.put("visit", Visit(id=uuid7(), household_id=home.id, grid_id=home.grid_id, visitor_id=visitor.id,
                                visited_at=when, method="in_person", outcome=outcome,
                                resident_ids=list(resident_ids)))


@pytest.fixture
def people(app, world):
    """A second building in grid 1 with people in every state the filters tell apart."""
    w = writer(app)
    grid_a, grid_b = world.grids
    worker = world.users["worker"]
    b3 = add_building(w, grid_a, "3", units=2, floors=6)
    rented = add_home(w, grid_a, b3, 2, "501", housing_use="rented", landlord_name="钱房东",
                      landlord_phone="13912345678")
    quiet = add_home(w, grid_a, b3, 1, "302")
    wang = add_person(w, rented, "王建国", id_number=make_id_number("110105", date(1950, 3, 1), 11),
                      phone="13800138000", birth_date=date(1950, 3, 1))
    li = add_person(w, rented, "李梅", "female", phone="13700001111")
    zhao = add_person(w, quiet, "赵小明", moved_out_on=china_today() - timedelta(days=3))
    sun = add_person(w, quiet, "孙丽", "female")
    add_tag(w, wang, "elderly_alone", 60, {"risk_level": "medium", "kin_phone": "13698765432"})
    add_visit(w, rented, worker, days_ago(10), resident_ids=[wang.id])  # 7-day interval: overdue
    add_tag(w, li, "chronic_ill", 90)
    add_visit(w, rented, worker, days_ago(5), resident_ids=[li.id])
    add_visit(w, rented, worker, days_ago(1), outcome="not_home")  # nobody home: not a visit
    add_tag(w, zhao, "elderly_alone", 100)  # moved out: never due
    zhang_b = world.residents[1]
    add_tag(w, zhang_b, "infant", 10)  # never visited, tagged 10 days ago, 90-day interval: not due yet
    db.session.commit()
    return SimpleNamespace(b3=b3, rented=rented, quiet=quiet, wang=wang, li=li, zhao=zhao, sun=sun,
                           zhang_a=world.residents[0], zhang_b=zhang_b, far=world.residents[2])


def rows(reply) -> set[str]:
    assert reply.status_code == 200, reply.text[:2000]
    return set(ROW.findall(reply.text.split("<tbody>", 1)[-1]))


def ids(*people) -> set[str]:
    return {p.id for p in people}


def test_residents_list_shows_the_community_only(staff_client, people):
    c = staff_client("staff")
    assert rows(c.get("/console/residents")) == ids(people.wang, people.li, people.sun, people.zhang_a, people.zhang_b)


def search(client, url: str, query: str):
    """The list as the filter form shows it: posted (the search text must stay out of URLs), then
    the page the form lands on."""
    from urllib.parse import parse_qsl
    reply = client.post(url, dict(parse_qsl(query)))
    assert reply.status_code == 303 and "q=" not in reply.headers["Location"], reply.headers.get("Location")
    return client.get(reply.headers["Location"])


def test_resident_filters_find_exactly_their_rows(staff_client, world, people):
    c = staff_client("staff")
    grid_a, grid_b = world.grids
    cases = {
        f"grid={grid_a.id}": ids(people.wang, people.li, people.sun, people.zhang_a),
        f"grid={grid_b.id}": ids(people.zhang_b),
        f"building={people.b3.id}": ids(people.wang, people.li, people.sun),
        "tag=elderly_alone": ids(people.wang),
        "tag=infant": ids(people.zhang_b),
        "overdue=1": ids(people.wang),
        "moved=out": ids(people.zhao),
        "moved=all&building=" + people.b3.id: ids(people.wang, people.li, people.sun, people.zhao),
        "moved=all&tag=elderly_alone": ids(people.wang, people.zhao),
        "moved=all&overdue=1": ids(people.wang),  # a moved-out resident is never due
        "q=建国": ids(people.wang),
        "q=wjg": ids(people.wang),
        "q=zxy": ids(people.zhang_a, people.zhang_b),
        "q=3号楼2单元501": ids(people.wang, people.li),
        "q=3-2-501": ids(people.wang, people.li),
        "q=3号楼": ids(people.wang, people.li, people.sun),
        # Parts of a number confirm nothing: the tail the lists print, a prefix, a phone's tail.
        "q=" + people.wang.id_number[-4:]: set(),
        "q=" + people.wang.id_number[:10]: set(),
        "q=" + people.wang.id_number[:17]: set(),
        "q=1111": set(),
        "q=13700001111": set(),
        "q=" + people.wang.id_number: ids(people.wang),  # the whole number, exactly (audited)
        "q=%25": set(),  # LIKE wildcards are searched for literally
        f"grid={grid_b.id}&q=wjg": set(),
        f"grid={world.far_grid.id}": ids(people.wang, people.li, people.sun, people.zhang_a, people.zhang_b),
    }
    for query, expected in cases.items():
        assert rows(search(c, "/console/residents", query)) == expected, query


def test_a_foreign_grid_filter_is_ignored_and_said_so(staff_client, world, people):
    page = staff_client("staff").get(f"/console/residents?grid={world.far_grid.id}")
    assert "已忽略" in page.text and people.far.id not in page.text


def test_household_filters(staff_client, world, people):
    c = staff_client("staff")
    homes = lambda q: set(HOME_ROW.findall(search(c, "/console/households", q).text))  # noqa: E731
    everyone = {people.rented.id, people.quiet.id, world.households[0].id, world.households[1].id}
    assert homes("") == everyone
    assert homes("overdue=1") == {people.rented.id}
    assert homes("tag=chronic_ill") == {people.rented.id}
    assert homes("housing_use=rented") == {people.rented.id}
    assert homes("moved=out") == {people.quiet.id}
    assert homes("q=3-1-302") == {people.quiet.id}
    assert homes("q=孙丽") == {people.quiet.id}
    assert homes("q=钱房东") == {people.rented.id}
    assert homes(f"grid={world.grids[1].id}") == {world.households[1].id}


def test_lists_mask_numbers(staff_client, people):
    for url in ("/console/residents", f"/console/households/{people.rented.id}"):
        page = staff_client("staff").get(url).text
        assert people.wang.id_number not in page and "13800138000" not in page and "13912345678" not in page
    listing = staff_client("staff").get("/console/residents").text
    assert "*" * 14 + people.wang.id_number[-4:] in listing
    assert "138****8000" in listing and "137****1111" in listing


def test_a_mask_cannot_be_undone_with_what_the_page_shows(staff_client, world, people):
    # The first 6 characters are the area code and the next 8 the birth date, which the pages show:
    # a mask keeping them would leave 3 unknown digits and a check character.
    prefix = people.wang.id_number[:6]
    assert "1950-03-01" in staff_client("staff").get(f"/console/residents/{people.wang.id}").text
    for who in ("staff", "admin"):
        c = as_admin_in(None, staff_client, world.community) if who == "admin" else staff_client(who)
        for url in ("/console/residents", f"/console/residents/{people.wang.id}",
                    f"/console/households/{people.rented.id}", f"/console/residents/{people.wang.id}/edit"):
            page = c.get(url)
            assert page.status_code == 200, url
            assert prefix not in page.text, (who, url)
            if "edit" not in url:
                assert "*" * 14 + people.wang.id_number[-4:] in page.text, (who, url)


def lookups(user_id):
    return db.session.execute(db.select(AuditEntry.action, AuditEntry.record_id, AuditEntry.detail)
                              .where(AuditEntry.user_id == user_id, AuditEntry.action == "lookup_id_number")).all()


def test_only_a_whole_id_number_finds_its_holder_and_the_lookup_is_logged(staff_client, world, people):
    c = staff_client("staff")
    number = people.wang.id_number
    for part in (number[-4:], number[-6:], number[:6], number[:14], number[:17], number[1:], number[:-1] + "0"):
        assert rows(search(c, "/console/residents", f"q={part}")) == set(), part
    assert lookups(world.users["staff"].id) == []
    assert rows(search(c, "/console/residents", f"q={number.lower()}")) == ids(people.wang)
    assert lookups(world.users["staff"].id) == [("lookup_id_number", people.wang.id,
                                                 {"matches": 1, "ids": [people.wang.id]})]
    # A street admin works from aggregates: a number finds no one, and nothing was read.
    admin = as_admin_in(None, staff_client, world.community)
    assert rows(search(admin, "/console/residents", f"q={number}")) == set()
    assert lookups(world.users["admin"].id) == []


def test_lists_paginate_at_fifty(app, staff_client, world):
    w = writer(app)
    home = world.households[0]
    for i in range(118):
        add_person(w, home, f"测试{i:03d}")
    db.session.commit()
    c = staff_client("staff")
    first = c.get("/console/residents")
    assert len(rows(first)) == 50 and 'data-total="120"' in first.text and "第 1 / 3 页" in first.text
    last = c.get("/console/residents?page=3")
    assert len(rows(last)) == 20
    assert len(rows(c.get("/console/residents?page=99"))) == 20  # past the end: the last page
    assert len(rows(c.get("/console/residents?page=abc"))) == 50


def test_htmx_gets_only_the_table(staff_client, people):
    reply = staff_client("staff").get("/console/residents?tag=elderly_alone",
                                      headers={"HX-Request": "true", "HX-Target": "records-table"})
    assert reply.status_code == 200 and "<html" not in reply.text and people.wang.id in reply.text
    restore = staff_client("staff").get("/console/residents", headers={
        "HX-Request": "true", "HX-Target": "records-table", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def audits(user_id):
    return db.session.execute(db.select(AuditEntry.action, AuditEntry.entity, AuditEntry.record_id, AuditEntry.detail)
                              .where(AuditEntry.user_id == user_id, AuditEntry.action.like("view_%"))).all()


def test_staff_sees_a_full_number_only_by_asking_and_it_is_logged(staff_client, world, people):
    c = staff_client("staff")
    url = f"/console/residents/{people.wang.id}"
    page = c.get(url)
    assert page.status_code == 200 and people.wang.id_number not in page.text and "显示完整号码" in page.text
    assert audits(world.users["staff"].id) == []
    shown = c.post(f"{url}/reveal", {"field": "id_number"}, htmx=True)
    assert shown.status_code == 200 and people.wang.id_number in shown.text and "<html" not in shown.text
    phone = c.post(f"{url}/reveal", {"field": "phone"}, htmx=True)
    assert "13800138000" in phone.text
    tag = db.session.scalar(db.select(ResidentTag).where(ResidentTag.resident_id == people.wang.id))
    kin = c.post(f"{url}/reveal", {"field": f"detail:{tag.id}:kin_phone"}, htmx=True)
    assert "13698765432" in kin.text
    # Without htmx the button posts the page: the whole page, with that one number.
    plain = c.post(f"{url}/reveal", {"field": "phone"})
    assert plain.status_code == 200 and "<html" in plain.text and "13800138000" in plain.text
    assert people.wang.id_number not in plain.text
    assert sorted(audits(world.users["staff"].id), key=str) == sorted([
        ("view_id_number", "resident", people.wang.id, {"field": "id_number"}),
        ("view_phone", "resident", people.wang.id, {"field": "phone"}),
        ("view_phone", "resident_tag", tag.id, {"field": "kin_phone"}),
        ("view_phone", "resident", people.wang.id, {"field": "phone"}),
    ], key=str)
    landlord = c.post(f"/console/households/{people.rented.id}/reveal", {"field": "landlord_phone"}, htmx=True)
    assert "13912345678" in landlord.text


def test_reveal_refuses_bad_fields(staff_client, people):
    c = staff_client("staff")
    url = f"/console/residents/{people.wang.id}/reveal"
    assert c.post(url, {"field": "name"}, htmx=True).status_code == 400
    assert c.post(url, {"field": f"detail:{uuid7()}:kin_phone"}, htmx=True).status_code == 400
    assert c.post(f"/console/residents/{people.sun.id}/reveal", {"field": "phone"}, htmx=True).status_code == 404
    assert c.post(f"/console/households/{people.rented.id}/reveal", {"field": "notes"}).status_code == 400


def as_admin_in(app, staff_client, community):
    c = staff_client("admin")
    with c.client.session_transaction() as session:
        session["community_id"] = community.id
    return c


def test_street_admin_sees_masked_numbers_and_cannot_reveal(app, staff_client, world, people):
    c = as_admin_in(app, staff_client, world.community)
    page = c.get(f"/console/residents/{people.wang.id}")
    assert page.status_code == 200 and "显示完整号码" not in page.text
    assert people.wang.id_number not in page.text and "138****8000" in page.text
    refused = c.post(f"/console/residents/{people.wang.id}/reveal", {"field": "id_number"}, htmx=True)
    assert refused.status_code == 403 and people.wang.id_number not in refused.text
    assert "full_numbers_not_allowed" in refused.text
    assert audits(world.users["admin"].id) == []


def test_records_of_another_community_answer_404(app, staff_client, world, people):
    far_home = world.households[2]
    urls = [f"/console/residents/{people.far.id}", f"/console/residents/{people.far.id}/edit",
            f"/console/households/{far_home.id}", f"/console/households/{far_home.id}/edit",
            f"/console/residents/{people.far.id}/tags/new", f"/console/residents/{uuid7()}"]
    c = staff_client("staff")
    for url in urls:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/console/residents/{people.far.id}/reveal", {"field": "phone"}).status_code == 404
    assert c.post(f"/console/residents/{people.far.id}/edit", {"name": "x"}).status_code == 404
    assert c.post(f"/console/households/{far_home.id}/reveal", {"field": "landlord_phone"}).status_code == 404
    # And the other way round: 团结社区's staff cannot open 幸福社区's people.
    far = staff_client("far_staff")
    assert far.get(f"/console/residents/{people.wang.id}").status_code == 404
    assert far.get(f"/console/households/{people.rented.id}").status_code == 404
    assert people.wang.id not in far.get("/console/residents").text
    assert far.get(f"/console/residents/{people.far.id}").status_code == 200
    # A street admin sees one community at a time: the other one's records answer 404 until switched.
    admin = as_admin_in(app, staff_client, world.other_community)
    assert admin.get(f"/console/residents/{people.wang.id}").status_code == 404
    assert admin.get(f"/console/residents/{people.far.id}").status_code == 200


def test_script_in_a_name_is_text(app, staff_client, world):
    w = writer(app)
    evil = add_person(w, world.households[0], "<img src=x onerror=alert(1)>")
    db.session.commit()
    c = staff_client("staff")
    for url in ("/console/residents", f"/console/residents/{evil.id}", f"/console/households/{world.households[0].id}"):
        text = c.get(url).text
        assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text, url


def test_detail_pages_show_recent_visits_with_their_review(app, staff_client, world):
    w = writer(app)
    home = world.households[0]
    visits = [add_visit(w, home, world.users["worker"], days_ago(n)) for n in range(1, 13)]
    visits[0].review_status, visits[0].review_comment = "returned", "请补充照片"
    db.session.commit()
    c = staff_client("staff")
    for url in (f"/console/households/{home.id}", f"/console/residents/{world.residents[0].id}"):
        page = c.get(url).text
        shown = re.findall(r'data-visit="([0-9a-f-]{36})"', page)
        assert shown == [v.id for v in visits[:10]], url  # latest first
        assert "已退回" in page and "请补充照片" in page and "共 12 次" in page
        assert len(re.findall(r'data-visit="', c.get(f"{url}?visits=all").text)) == 12


def test_opening_a_person_with_a_sensitive_care_tag_is_logged(staff_client, world, people):
    # Health (李梅: chronic illness) is sensitive personal information; living alone (王建国) is not.
    def views(user_id):
        return db.session.execute(db.select(AuditEntry.record_id, AuditEntry.detail)
                                  .where(AuditEntry.user_id == user_id, AuditEntry.action == "view_care")).all()

    c = staff_client("staff")
    assert c.get(f"/console/residents/{people.wang.id}").status_code == 200
    assert views(world.users["staff"].id) == []
    page = c.get(f"/console/residents/{people.li.id}")
    assert page.status_code == 200
    assert views(world.users["staff"].id) == [(people.li.id, {"tags": ["chronic_ill"]})]
    admin = as_admin_in(None, staff_client, world.community)
    assert admin.get(f"/console/residents/{people.li.id}").status_code == 200
    assert views(world.users["admin"].id) == [(people.li.id, {"tags": ["chronic_ill"]})]
    audit_page = c.get("/console/audit", query_string={"action": "view_care"})
    assert "查看敏感关爱信息" in audit_page.text and "李梅" not in audit_page.text.split("<tbody>", 1)[-1]
