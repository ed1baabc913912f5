"""Due visits: the SQL filter and the per-row dates agree, and follow the field app's rules;
the console's pinyin table is the field app's."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from server.console.records.due import due_status, overdue_clause
from server.core import pinyin
from server.core.time import china_today
from server.extensions import db
from server.registry.models import Resident
from sync.ids import uuid7
from tests.console.test_records import add_home, add_person, add_tag, add_visit, days_ago, writer
from tests.pulls import pull_until

ROOT = Path(__file__).resolve().parents[2]


def test_sql_and_python_agree_on_who_is_overdue(any_app, any_world):
    app, world = any_app, any_world
    w = writer(app)
    grid = world.grids[0]
    worker = world.users["worker"]
    home = add_home(w, grid, world.buildings[0], 2, "601")
    other = add_home(w, grid, world.buildings[0], 2, "602")
    expected = {}

    def person(name, overdue, days=None):
        p = add_person(w, home, name)
        expected[p.id] = (overdue, days)
        return p

    a = person("甲", True, -3)  # elderly_alone (7 days), visited 10 days ago
    add_tag(w, a, "elderly_alone", 200)
    add_visit(w, home, worker, days_ago(10), resident_ids=[a.id])
    b = person("乙", False, 23)  # chronic_ill (30 days), visited 7 days ago (named with someone else)
    add_tag(w, b, "chronic_ill", 200)
    add_visit(w, home, worker, days_ago(7), resident_ids=[uuid7(), b.id])
    c = person("丙", True, -5)  # high risk shortens 30 days to 7: visited 12 days ago
    add_tag(w, c, "elderly_empty_nest", 300, {"risk_level": "high"})
    add_visit(w, home, worker, days_ago(12), resident_ids=[c.id])
    d = person("丁", True, -10)  # never visited; tagged 40 days ago, 30-day interval
    add_tag(w, d, "chronic_ill", 40)
    e = person("戊", False, 0)  # never visited; no start date: due today, not overdue
    add_tag(w, e, "chronic_ill")
    f = person("己", False, 80)  # tagged 10 days ago with a 90-day interval
    add_tag(w, f, "infant", 10)
    g = person("庚", True, -30)  # the only recent "visit" found nobody home
    add_tag(w, g, "chronic_ill", 200)
    add_visit(w, home, worker, days_ago(2), outcome="not_home", resident_ids=[g.id])
    add_visit(w, home, worker, days_ago(60), resident_ids=[g.id])
    add_visit(w, home, worker, days_ago(53), resident_ids=[b.id])
    h = person("辛", False, None)  # the tag ended: not tracked
    add_tag(w, h, "elderly_alone", 100, ended_on=days_ago(1).date())
    third = add_home(w, grid, world.buildings[0], 2, "501")
    i = add_person(w, third, "壬")  # two tags: the shorter interval counts; a whole-household visit covers
    expected[i.id] = (False, 4)
    add_tag(w, i, "low_income", 100)
    add_tag(w, i, "elderly_alone", 100)
    j = add_person(w, other, "癸")  # visited at the other home only: not covered here
    add_tag(w, j, "elderly_alone", 30)
    expected[j.id] = (True, -23)
    add_visit(w, third, worker, days_ago(3))
    add_visit(w, other, worker, days_ago(1, hour=1), resident_ids=[i.id])  # another home's visit
    db.session.commit()

    sql = set(db.session.scalars(db.select(Resident.id).where(overdue_clause(Resident))))
    dates = due_status(list(db.session.scalars(db.select(Resident))))
    assert sql == {rid for rid, d in dates.items() if d.overdue}
    for rid, (overdue, days) in expected.items():
        assert (rid in sql) == overdue, rid
        if days is None:
            assert rid not in dates
        else:
            assert dates[rid].days == days, (rid, dates[rid])


def test_the_pinyin_table_is_the_field_apps():
    source = (ROOT / "pwa/src/core/pinyin_data.js").read_text(encoding="utf-8")
    initials = dict(re.findall(r"^  ([a-z]): '([^']*)',$", source, re.M))
    polyphonic = dict(re.findall(r"^  '(.)': '([a-z]+)',$", source, re.M))
    table = pinyin.table()
    assert {char: letter for letter, chars in initials.items() for char in chars} == table
    assert polyphonic == pinyin.POLYPHONIC


def test_pinyin_matching():
    assert pinyin.matches("张秀英", "zxy") and pinyin.matches("张秀英", "zx") and pinyin.matches("张秀英", "xy")
    assert not pinyin.matches("张秀英", "y") and not pinyin.matches("张秀英", "wxy")
    assert pinyin.matches("单田芳", "stf") and pinyin.matches("单田芳", "dtf")
    assert pinyin.matches("Anna Li", "al")


def test_the_pages_query_postgresql_too(any_app, any_world, device_factory):
    """The JSON and text tricks of the list, due and history queries, on each database."""
    from tests.console.conftest import StaffClient

    person = any_world.residents[0]
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    phone.create("resident_tag", {"resident_id": person.id, "tag": "disabled", "detail": {}})  # rejected
    started = (china_today() - timedelta(days=30)).isoformat()
    phone.create("resident_tag", {"resident_id": person.id, "tag": "elderly_alone",
                                  "detail": {"risk_level": "high"}, "started_on": started})
    assert [r["status"] for r in phone.push()] == ["rejected", "accepted"]
    client = StaffClient(any_app.test_client())
    assert client.login("staff").status_code == 302
    found = client.post("/console/residents", {"overdue": "1", "q": "zxy"})
    assert person.id in client.get(found.headers["Location"]).text
    assert person.household_id in client.get("/console/households?overdue=1").text
    page = client.get(f"/console/residents/{person.id}").text
    # Created: the tag by the phone, the resident by the world's loader.
    assert page.count('data-kind="rejected"') == 1 and page.count('data-kind="create"') == 2


def test_residents_who_moved_out_or_died_are_never_due(app, world):
    w = writer(app)
    home = add_home(w, world.grids[0], world.buildings[0], 2, "301")
    yesterday = china_today() - timedelta(days=1)
    gone = add_person(w, home, "迁走的", left_by="move_out", moved_out_on=yesterday, moved_out_to="上海市")
    dead = add_person(w, home, "去世的", left_by="death", moved_out_on=yesterday)
    staying = add_person(w, home, "还在的")
    for person in (gone, dead, staying):
        add_tag(w, person, "elderly_alone", 200)  # a tag never ended: the move still takes them off the list
    db.session.commit()
    overdue = set(db.session.scalars(db.select(Resident.id).where(overdue_clause(Resident))))
    dates = due_status(list(db.session.scalars(db.select(Resident).where(Resident.household_id == home.id))))
    assert staying.id in overdue and set(dates) == {staying.id}
    assert gone.id not in overdue and dead.id not in overdue
