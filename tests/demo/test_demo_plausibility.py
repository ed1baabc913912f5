"""The demo reads like a real street's records: visits and patrol reports in daytime (fewer at
weekends), notes that fit the household they are written on, dates that follow one another, and a
registry with arrivals, departures, a death and leases about to end."""

from __future__ import annotations

import random
from collections import Counter
from datetime import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from server.cases.models import CaseStep, Finding
from server.core.time import china_date, china_today, china_wall
from server.demo import texts
from server.demo.care import CarePlanner
from server.demo.community import DemoCommunity, load_demo
from server.demo.dates import age_on
from server.demo.residency import plan_residency
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from tests.conftest import make_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = make_app("sqlite", tmp_path_factory.mktemp("plausible"))
    with app.app_context():
        load_demo()
        db.session.commit()
        yield SimpleNamespace(
            homes={h.id: h for h in db.session.scalars(select(Household))},
            people={r.id: r for r in db.session.scalars(select(Resident))},
            tags=list(db.session.scalars(select(ResidentTag))),
            visits=list(db.session.scalars(select(Visit))),
            findings=list(db.session.scalars(select(Finding))),
            steps=list(db.session.scalars(select(CaseStep))))
        db.session.remove()


def living(demo, household_id: str, day) -> list[Resident]:
    return [r for r in demo.people.values() if r.household_id == household_id and r.moved_in_on <= day
            and (r.moved_out_on is None or day < r.moved_out_on)]


def fits(demo, who, household_id: str, day) -> bool:
    if who == texts.TENANT:
        return demo.homes[household_id].housing_use == "rented"
    ages = [age_on(r.birth_date, day) for r in living(demo, household_id, day)]
    if who == texts.ELDERLY:
        return any(a >= 60 for a in ages)
    if who == texts.CHILD:
        return any(a < 14 for a in ages)
    return True


def test_visits_happen_in_the_daytime_and_fewer_at_weekends(demo):
    days = Counter()
    for v in demo.visits:
        local = china_wall(v.visited_at)
        assert time(8, 30) <= local.time() <= time(19, 30), (v.id, local)
        days["weekend" if local.weekday() >= 5 else "weekday"] += 1
    assert days["weekend"] / 2 < 0.6 * days["weekday"] / 5  # per day, a weekend day is well under a weekday


def test_patrol_findings_are_reported_between_seven_and_nine(demo):
    for finding in demo.findings:
        local = china_wall(finding.reported_at)
        assert 7 <= local.hour < 21, (finding.description, local)


def test_visit_notes_fit_the_household(demo):
    speaks_of = {text: who for text, who in (*texts.NEEDS, *texts.FOLLOW_UP_CALL_NOTES, *texts.REFUSED_NOTES)}
    speaks_of.update({text: who for text, _, who in texts.ISSUE_NOTES})
    topic_of = {text: topic for topic, notes in texts.VISIT_NOTES.items() for text in notes}
    topic_needs = {"tenant": texts.TENANT, "child_left_behind": texts.CHILD, "infant": texts.CHILD,
                   **{t: texts.ELDERLY for t in ("elderly_alone", "elderly_empty_nest", "elderly_80plus")}}
    checked = Counter()
    for v in demo.visits:
        day = china_date(v.visited_at)
        for text in (v.notes, v.needs):
            who = speaks_of.get(text) or topic_needs.get(topic_of.get(text))
            if who:
                assert fits(demo, who, v.household_id, day), (text, demo.homes[v.household_id].housing_use)
                checked[who] += 1
    assert checked[texts.TENANT] and checked[texts.ELDERLY] and checked[texts.CHILD]


def test_dates_follow_one_another(demo):
    first_arrival = Counter()
    for r in demo.people.values():
        first_arrival[r.household_id] = min(first_arrival.get(r.household_id, r.moved_in_on), r.moved_in_on)
    for v in demo.visits:
        day = china_date(v.visited_at)
        home = demo.homes[v.household_id]
        assert v.visited_at >= home.created_at and day >= first_arrival[v.household_id], v.id
        assert {r.id for r in living(demo, v.household_id, day)} >= set(v.resident_ids), v.id
    reported = {f.id: f.reported_at for f in demo.findings}
    assert all(step.at >= reported[step.finding_id] for step in demo.steps)
    for tag in demo.tags:
        assert tag.started_on >= demo.people[tag.resident_id].moved_in_on, tag.tag


def test_every_resident_has_come_and_a_few_have_gone(demo):
    today = china_today()
    for r in demo.people.values():
        assert r.arrived_by in ("native", "move_in", "birth") and r.birth_date <= r.moved_in_on <= today, r.name
        if r.arrived_by == "birth":
            assert r.moved_in_on == r.birth_date
        if r.arrived_by == "move_in":
            assert r.moved_in_from
        if r.moved_out_on is not None:
            assert r.left_by in ("move_out", "death") and r.moved_in_on < r.moved_out_on <= today
    for home in demo.homes.values():
        people = [r for r in demo.people.values() if r.household_id == home.id]
        if people:
            assert china_date(home.created_at) <= min(r.moved_in_on for r in people)
    left = Counter(r.left_by for r in demo.people.values() if r.moved_out_on)
    assert left["move_out"] >= 3 and left["death"] == 2  # one death in each of the street's two communities
    assert all(r.moved_out_to for r in demo.people.values() if r.left_by == "move_out")
    gone = {r.id: r for r in demo.people.values() if r.moved_out_on}
    ended = [t for t in demo.tags if t.resident_id in gone]
    assert ended and all(t.ended_on and t.ended_on <= gone[t.resident_id].moved_out_on for t in ended)
    dead = next(r for r in gone.values() if r.left_by == "death")
    assert any(t.resident_id == dead.id for t in ended)


def test_rented_homes_have_leases_and_a_few_end_soon(demo):
    today = china_today()
    rented = [h for h in demo.homes.values() if h.housing_use == "rented"]
    assert rented and all(h.lease_end for h in rented)
    assert sum(abs((h.lease_end - today).days) <= 30 for h in rented) >= 3
    assert all(h.lease_end is None for h in demo.homes.values() if h.housing_use != "rented")


def plan(seed: int):
    community = DemoCommunity(random.Random(seed), writer=None)
    community.plan_buildings()
    community.plan_homes()
    CarePlanner(community).plan()
    plan_residency(community)
    return [(h.address, h.lease_end, [(p.name, p.arrived_by, p.moved_in_on, p.left_by, p.moved_out_on)
                                      for p in h.people]) for h in community.homes]


def test_arrivals_and_departures_are_reproducible_by_seed():
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)
