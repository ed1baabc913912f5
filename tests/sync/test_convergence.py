"""Convergence, the property that sums the protocol up, as a hypothesis property.

Three simulated devices on flaky networks (two grid workers of grid 0 and the staff of the
community, who sees grids 0 and 1) make random offline edits and sync in random interleavings,
with lost responses, duplicated requests and dead networks. Once every device has pushed
everything and then pulled:

- every device's replica equals the server's state of its scope (read from the tables, not from
  the pull index), devices of the same scope equal each other and a fresh device of the same user;
- every pull verified its checksum, and no replica ever needed a repair;
- no change is left pending, and the server holds every change exactly once: each change id the
  devices made is stored once, accepted (only a write to a tag already deleted may be refused),
  and the visits on the server are exactly the visits the devices created;
- every field ends with the value of its write with the greatest hybrid logical clock.

Runs on SQLite and on the real PostgreSQL; each example gets a fresh database.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from server.areas.models import Area
from server.extensions import db
from server.fieldwork.models import Visit
from server.syncapi.entities import ENTITIES
from server.syncapi.models import Change
from sync.client import SyncClient
from sync.transport import FlakyNetwork
from tests.conftest import PASSWORD, build_world, ensure_pg_database, make_app, pg_url, run_db, wsgi_send
from tests.pulls import pull_until

# A database of its own, so that this property never races another test run's drop_all.
PG_DB = run_db("convergence")
USERS = ("worker", "worker2", "staff")
GRID_ENTITIES = ("building", "household", "unit", "resident", "resident_tag", "visit", "finding", "case_step")
# Examples per database and steps per example; raise them for a deeper hunt.
EXAMPLES = int(os.environ.get("WANGGE_CONVERGENCE_EXAMPLES", 15))
MAX_STEPS = int(os.environ.get("WANGGE_CONVERGENCE_STEPS", 25))
# Shrinking a failure costs minutes (every example builds a database); set WANGGE_SHRINK=1 to get
# the smallest failing interleaving while debugging.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target] + \
    ([Phase.shrink] if os.environ.get("WANGGE_SHRINK") else [])

# -- the steps ------------------------------------------------------------------------------------

device = st.integers(0, len(USERS) - 1)
pick = st.integers(0, 1000)
phone = st.sampled_from([None, "13800138000", "13912345678", "010-62345678"])
note = st.sampled_from([None, "", "行动不便", "女儿每周来探望", "independent", "需要助餐服务 🍲"])
past_date = st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)).map(str)

# After every birth date above, so a move-out is never before the birth (rule before_birth).
moved_out_date = st.dates(min_value=date(2021, 1, 1), max_value=date(2025, 12, 31)).map(str)


def with_departure(fields: dict) -> dict:
    """A move-out date always travels with how the person left, in the same change (the pair rule)."""
    if "moved_out_on" in fields:
        return {**fields, "left_by": "move_out" if fields["moved_out_on"] else None}
    return fields


resident_fields = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["张秀英", "李建国", "王芳", "赵磊"]),
    "sex": st.sampled_from(["male", "female"]),
    "birth_date": st.one_of(st.none(), past_date),
    "phone": phone,
    "ethnicity": st.sampled_from([None, "汉族", "回族", "满族"]),
    "relation": st.sampled_from([None, "head", "spouse", "child", "tenant"]),
    "population_type": st.sampled_from(["registered", "migrant"]),
    "political_status": st.sampled_from([None, "party_member", "masses"]),
    "moved_out_on": st.one_of(st.none(), moved_out_date),
    "notes": note,
}).filter(bool).map(with_departure)

household_fields = st.fixed_dictionaries({}, optional={
    "housing_use": st.sampled_from(["owner_occupied", "rented", "vacant", "commercial"]),
    "registration_status": st.sampled_from(["consistent", "present_unregistered", "registered_absent"]),
    "landlord_name": st.sampled_from([None, "房东老刘"]),
    "landlord_phone": phone,
    "contact_phone": phone,
    "notes": note,
    "floor": st.integers(1, 30),
}).filter(bool)

new_resident = st.fixed_dictionaries(
    {"name": st.sampled_from(["刘建国", "陈小红", "孙悦"]), "sex": st.sampled_from(["male", "female"])},
    optional={"birth_date": past_date, "phone": phone, "relation": st.sampled_from(["head", "child"])},
)

visit_fields = st.fixed_dictionaries(
    {"method": st.sampled_from(["in_person", "phone", "video", "doorstep"]),
     "outcome": st.sampled_from(["normal", "not_home", "refused", "issue_found"]),
     "visited_at": st.sampled_from(["2026-05-01T09:30:00Z", "2026-05-02T15:00:00Z"])},
    optional={"notes": note, "lat": st.sampled_from([39.9042, 31.2304, 0.5]),
              "lng": st.sampled_from([116.4074, 121.4737, 1.0])},
)

tag = st.sampled_from([
    ("elderly_80plus", {}),
    ("elderly_alone", {"risk_level": "high", "kin_name": "张伟", "kin_phone": "13700137000"}),
    ("chronic_ill", {"condition": "高血压"}),
])

tag_fields = st.fixed_dictionaries({}, optional={
    "started_on": st.one_of(st.none(), past_date), "ended_on": st.one_of(st.none(), past_date),
}).filter(bool)

STEP = st.one_of(
    st.tuples(st.just("edit_resident"), device, pick, resident_fields),
    st.tuples(st.just("edit_household"), device, pick, household_fields),
    st.tuples(st.just("create_resident"), device, pick, new_resident),
    st.tuples(st.just("add_visit"), device, pick, visit_fields, st.booleans()),
    st.tuples(st.just("add_tag"), device, pick, tag),
    st.tuples(st.just("delete_tag"), device, pick),
    st.tuples(st.just("edit_tag"), device, pick, tag_fields),
    st.tuples(st.sampled_from(["push", "pull", "sync"]), device),
    st.tuples(st.sampled_from(["lose_response", "duplicate_request", "go_offline", "go_online"]), device),
)


# -- the simulation -------------------------------------------------------------------------------

class Simulation:
    def __init__(self, backend: str, tmp_path) -> None:
        self.tmp_path = tmp_path
        tmp_path.mkdir(parents=True, exist_ok=True)
        config = {}
        if backend == "postgres":
            ensure_pg_database(PG_DB)
            config["SQLALCHEMY_DATABASE_URI"] = pg_url(PG_DB)
        self.postgres = backend == "postgres"
        self.app = make_app(backend, tmp_path, **config)
        self.ctx = self.app.app_context()
        self.ctx.push()
        self.writes: list[dict] = []       # every change the devices made, in order
        self.visits: set[str] = set()
        self.log: list[str] = []
        try:
            self.world = build_world(self.app)
            self.devices = [self.device(name) for name in USERS]
            for d in self.devices:  # set up online once, as a phone is before it goes to work
                pull_until(d)
        except BaseException:
            self.close()
            raise

    def device(self, username: str) -> SyncClient:
        network = FlakyNetwork(wsgi_send(self.app))
        client = SyncClient(network)
        client.network = network
        client.login(username, PASSWORD)
        return client

    def close(self) -> None:
        try:
            db.session.remove()
            db.engine.dispose()
        finally:
            self.ctx.pop()
            shutil.rmtree(self.tmp_path, ignore_errors=True)

    # what a device can see and pick from: its replica with its pending edits laid over
    def view(self, d: SyncClient, entity: str) -> list[tuple[str, dict]]:
        ids = {i for (e, i) in d.server_copy(entity)}
        ids |= {c["record_id"] for c in d.outbox() if c["entity"] == entity}
        out = []
        for record_id in sorted(ids):
            values = d.get(entity, record_id)
            if values is not None:
                out.append((record_id, values))
        return out

    def write(self, d: SyncClient, entity: str, record_id: str, fields: dict, op: str = "upsert") -> None:
        change_id = d.delete(entity, record_id) if op == "delete" else d.update(entity, record_id, fields)
        stamp = d.db.execute("SELECT hlc FROM outbox WHERE change_id=?", (change_id,)).fetchone()[0]
        self.writes.append({"id": change_id, "entity": entity, "record_id": record_id, "op": op,
                            "fields": fields, "hlc": stamp, "device": self.devices.index(d)})

    def run(self, step: tuple) -> None:
        kind, d = step[0], self.devices[step[1]]
        self.log.append(repr(step))
        if kind == "edit_resident":
            choices = self.view(d, "resident")
            if choices:
                self.write(d, "resident", choices[step[2] % len(choices)][0], step[3])
        elif kind == "edit_household":
            choices = self.view(d, "household")
            if choices:
                self.write(d, "household", choices[step[2] % len(choices)][0], step[3])
        elif kind == "create_resident":
            households = self.view(d, "household")
            if not households:
                return
            fields = {**step[3], "household_id": households[step[2] % len(households)][0]}
            rid = d.create("resident", fields)
            self._track_create(d, "resident", rid, fields)
        elif kind == "add_visit":
            households = self.view(d, "household")
            if not households:
                return
            household_id = households[step[2] % len(households)][0]
            fields = {**step[3], "household_id": household_id}
            if step[4]:
                fields["resident_ids"] = [r for r, v in self.view(d, "resident")
                                          if v.get("household_id") == household_id][:3]
            vid = d.create("visit", fields)
            self.visits.add(vid)
            self._track_create(d, "visit", vid, fields)
        elif kind == "add_tag":
            residents = self.view(d, "resident")
            if not residents:
                return
            code, detail = step[3]
            fields = {"resident_id": residents[step[2] % len(residents)][0], "tag": code, "detail": detail}
            tid = d.create("resident_tag", fields)
            self._track_create(d, "resident_tag", tid, fields)
        elif kind == "edit_tag":
            tags = self.view(d, "resident_tag")
            if tags:
                self.write(d, "resident_tag", tags[step[2] % len(tags)][0], step[3])
        elif kind == "delete_tag":
            tags = self.view(d, "resident_tag")
            if tags:
                self.write(d, "resident_tag", tags[step[2] % len(tags)][0], {}, op="delete")
        elif kind in ("push", "pull", "sync"):
            self.sync(d, kind)
        elif kind == "lose_response":
            d.network.lose_responses = 1
        elif kind == "duplicate_request":
            d.network.duplicate_requests = 1
        elif kind == "go_offline":
            d.network.offline = True
        elif kind == "go_online":
            d.network.offline = False
        else:
            raise AssertionError(kind)
        assert d.repairs == 0, "a replica diverged from the server and had to be repaired"

    def _track_create(self, d: SyncClient, entity: str, record_id: str, fields: dict) -> None:
        row = d.db.execute("SELECT change_id, hlc FROM outbox WHERE record_id=? ORDER BY seq DESC LIMIT 1",
                           (record_id,)).fetchone()
        self.writes.append({"id": row[0], "entity": entity, "record_id": record_id, "op": "upsert",
                            "fields": fields, "hlc": row[1], "device": self.devices.index(d)})

    def sync(self, d: SyncClient, kind: str) -> None:
        try:
            if kind in ("push", "sync"):
                self.check_results(d.push())
            if kind in ("pull", "sync"):
                summary = d.pull()
                # None: another transaction on the PostgreSQL cluster was still open below the
                # horizon, so the pull could not vouch for a checksum yet (never a mismatch).
                assert summary["verified"] in (True, None if self.postgres else True), summary
        except ConnectionError:
            pass  # offline, or the answer was lost: the outbox and the cursor say what to redo

    def check_results(self, results: list[dict]) -> None:
        writes = {w["id"]: w for w in self.writes}
        for result in results:
            assert result["id"] in writes
            if result["status"] == "accepted":
                assert result["clamped"] is False
                continue
            # A tag another device deleted first: a later delete or edit finds a tombstone.
            write = writes[result["id"]]
            assert (write["entity"], result["code"]) == ("resident_tag", "record_deleted"), result

    # -- the end: everybody pushes everything, then everybody pulls --------------------------------
    def finish(self) -> None:
        for d in self.devices:
            d.network.offline = False
            d.network.lose_responses = d.network.duplicate_requests = 0
        for d in self.devices:
            self.check_results(d.push())
            assert d.outbox("pending") == []
        for d in self.devices:
            pull_until(d)
            assert d.repairs == 0

    def check(self) -> None:
        world = self.world
        g0, g1 = world.grids
        scopes = {"worker": self.expected([g0.id]), "worker2": self.expected([g0.id]),
                  "staff": self.expected([g0.id, g1.id], areas=[world.community.id])}
        for name, d in zip(USERS, self.devices):
            copy = d.server_copy()
            expected = scopes[name]
            assert set(copy) - set(expected) == set(), f"{name} holds records outside its scope"
            assert set(expected) - set(copy) == set(), f"{name} is missing records of its scope"
            for key in expected:
                assert copy[key] == expected[key], (name, key)
        assert self.devices[0].server_copy() == self.devices[1].server_copy()
        for name in USERS:
            fresh = self.device(name)
            pull_until(fresh)
            assert fresh.server_copy() == scopes[name], name

        # Exactly once.
        stored = db.session.execute(db.select(Change.id, Change.status, Change.entity, Change.result)
                                    .where(Change.device_id.is_not(None))).all()
        ids = Counter(row.id for row in stored)
        assert all(n == 1 for n in ids.values())
        made = {w["id"]: w for w in self.writes}
        assert set(ids) == set(made), "every change the devices made is on the server, and nothing else"
        rejected = {row.id for row in stored if row.status != "accepted"}
        for change_id in rejected:
            assert made[change_id]["entity"] == "resident_tag"
            assert db.session.get(ENTITIES["resident_tag"].model, made[change_id]["record_id"]).deleted
        visits_on_server = set(db.session.scalars(db.select(Visit.id)))
        assert visits_on_server == self.visits
        assert sum(1 for row in stored if row.entity == "visit" and row.status == "accepted") == len(self.visits)

        # Field-level last writer wins, by the hybrid logical clock.
        winners: dict[tuple, tuple[str, object]] = {}
        deleted = set()
        for w in self.writes:
            if w["id"] in rejected:
                continue
            if w["op"] == "delete":
                deleted.add((w["entity"], w["record_id"]))
                continue
            for name, value in w["fields"].items():
                key = (w["entity"], w["record_id"], name)
                if key not in winners or w["hlc"] > winners[key][0]:
                    winners[key] = (w["hlc"], value)
        for (entity, record_id, name), (_, value) in winners.items():
            row = db.session.get(ENTITIES[entity].model, record_id)
            assert row is not None
            if (entity, record_id) in deleted:
                assert row.deleted
                continue
            assert ENTITIES[entity].dump(row)[name] == value, (entity, record_id, name)
        db.session.rollback()

    def expected(self, grid_ids: list[str], areas: list[str] = ()) -> dict:
        """The server's state of a scope, from the tables: dictionaries, area rows, grid records."""
        out = {}
        for name in ("care_tag_type", "finding_category"):
            model = ENTITIES[name].model
            for row in db.session.scalars(db.select(model).where(model.deleted.is_(False))):
                out[(name, row.id)] = ENTITIES[name].dump(row)
        for area in db.session.scalars(db.select(Area).where(Area.id.in_([*grid_ids, *areas]))):
            out[("area", area.id)] = ENTITIES["area"].dump(area)
        for name in GRID_ENTITIES:
            model = ENTITIES[name].model
            query = db.select(model).where(model.grid_id.in_(grid_ids), model.deleted.is_(False))
            for row in db.session.scalars(query):
                out[(name, row.id)] = ENTITIES[name].dump(row)
        db.session.rollback()
        return out


# -- the property ---------------------------------------------------------------------------------


def test_devices_converge_after_any_interleaving(backend, tmp_path):
    counter = itertools.count()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True, phases=PHASES,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(steps=st.lists(STEP, min_size=MAX_STEPS // 2, max_size=MAX_STEPS))
    def converge(steps):
        sim = Simulation(backend, tmp_path / f"example-{next(counter)}")
        try:
            for step in steps:
                sim.run(step)
            sim.finish()
            sim.check()
            if os.environ.get("WANGGE_CONVERGENCE_STATS"):
                print("steps", len(steps), "changes", len(sim.writes), "visits", len(sim.visits))
        except BaseException as exc:
            exc.add_note("steps run:\n  " + "\n  ".join(sim.log))
            raise
        finally:
            sim.close()

    converge()


@pytest.mark.parametrize("tamper", ["replica", "server_row", "lost_visit", "last_writer"])
def test_convergence_checks_can_fail(tmp_path, tamper):
    """The oracle is not vacuous: each kind of silent divergence is caught."""
    sim = Simulation("sqlite", tmp_path / "broken")
    try:
        d = sim.devices[0]
        rid = sim.world.residents[0].id
        sim.run(("edit_resident", 0, 0, {"notes": "第一次"}))
        sim.run(("add_visit", 0, 0, {"method": "phone", "outcome": "normal",
                                     "visited_at": "2026-05-01T09:30:00Z"}, True))
        sim.run(("push", 0))
        sim.run(("edit_resident", 1, 0, {"notes": "第二次"}))
        sim.finish()
        sim.check()  # untouched, it holds
        if tamper == "replica":
            d.db.execute("UPDATE records SET fields = json_set(fields, '$.notes', 'x') WHERE id=?", (rid,))
        elif tamper == "server_row":  # changed behind the protocol's back: no stamp, devices never hear
            db.session.get(ENTITIES["resident"].model, rid).phone = "13600136000"
            db.session.commit()
        elif tamper == "lost_visit":
            sim.visits.add("01900000-0000-7000-8000-00000000beef")
        else:  # pretend the earlier write had the later clock
            sim.writes[0]["hlc"] = "999999999999999-00000-x"
        with pytest.raises(AssertionError):
            sim.check()
    finally:
        sim.close()
