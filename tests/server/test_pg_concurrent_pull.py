"""Pull never skips, proven on a real PostgreSQL with concurrent writers.

Several writer processes push records through the server's own push code, each in short
transactions that sleep a random 0-50 ms between stamping the pull index and COMMIT, so commits land
out of transaction-id and sequence order. Meanwhile this process pulls a small page at a time through
`server.syncapi.pull.pull`, in REPEATABLE READ like `run_pull`, keeping its cursor between pulls. At
the end the reader must have seen every committed record, each in its final state.

The control reads the same workload with the naive cursor (`seq > last`, no transaction-id horizon)
and shows that it does skip records that commit late: the reason the horizon exists.

PostgreSQL only, and never skipped: if the server is unreachable, this fails.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import traceback

import pytest
from sqlalchemy import text

from server import create_app
from server.auth.models import User
from server.extensions import db
from server.syncapi.entities import ENTITIES
from server.syncapi.models import SyncRow
from server.core import sensitive
from server.syncapi.projection import tag_specs
from server.syncapi.pull import pull
from server.syncapi.push import ChangeContext, push
from sync import canonical, hlc
from sync.ids import uuid7
from tests.conftest import build_world, ensure_pg_database, make_app, pg_url, run_db

pytestmark = pytest.mark.postgres

PG_DB = run_db("pgpull")  # a database of its own: this test runs its own processes
WRITERS = ("worker", "worker2", "worker_b", "far_staff")
TRANSACTIONS = 40
PAGE = 3
NAIVE_PAGE = 1000  # reads right up to the tip: where a late commit is overtaken


# -- the writers (separate processes) -------------------------------------------------------------

def writer(url: str, username: str, household_id: str, seed: int, go, results) -> None:
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "TESTING": True})
        rng = random.Random(seed)
        clock = hlc.Clock(f"dev-{username}")
        created: list[str] = []
        commits: list[tuple[int, int, int]] = []  # (commit time ns, xid, lowest seq) per transaction
        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.username == username))
            db.session.rollback()
            go.wait(30)
            for i in range(TRANSACTIONS):
                time.sleep(rng.uniform(0, 0.01))  # do not march in lockstep with the others
                user = db.session.get(User, user_id)
                ctx = ChangeContext(db.session, user, None, app.extensions["wangge_clock"], 300_000)
                changes = []
                for _ in range(rng.randint(1, 3)):
                    record_id = uuid7()
                    changes.append({"id": uuid7(), "entity": "resident", "record_id": record_id, "op": "upsert",
                                    "hlc": str(clock.tick()), "base": {},
                                    "fields": {"household_id": household_id, "name": f"{username}-{i}",
                                               "sex": rng.choice(["male", "female"])}})
                outcome = push(ctx, changes)  # stamps the pull index: xid and sequence are taken here
                if any(r["status"] != "accepted" for r in outcome):
                    raise AssertionError(outcome)
                stamped = [db.session.get(SyncRow, ("resident", c["record_id"])) for c in changes]
                xid, seq = stamped[0].xid, min(r.seq for r in stamped)
                time.sleep(rng.uniform(0, 0.05))  # ... and the commit lands later, out of order
                db.session.commit()
                commits.append((time.time_ns(), xid, seq))
                created.extend(c["record_id"] for c in changes)
            db.session.remove()
            db.engine.dispose()
        results.put((username, created, commits, None))
    except BaseException:  # report, so the test fails with the writer's traceback
        results.put((username, [], [], traceback.format_exc()))
        raise


# -- the readers (this process) -------------------------------------------------------------------

def pull_page(user_id: str, token: str | None, limit: int) -> dict:
    """One page exactly as run_pull serves it: a fresh REPEATABLE READ transaction, read-only."""
    db.session.rollback()
    db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        user = db.session.get(User, user_id)
        return pull(db.session, user, token, limit)
    finally:
        db.session.rollback()


class Reader:
    """A device's view kept by the cursor protocol: the latest state of every record it was sent."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.token: str | None = None
        self.state: dict[tuple[str, str], dict] = {}
        self.pages = 0
        self.last_checksum = None

    def step(self) -> bool:
        page = pull_page(self.user_id, self.token, PAGE)
        self.pages += 1
        for record in page["records"]:
            key = (record["entity"], record["id"])
            if record["deleted"]:
                self.state.pop(key, None)
            else:
                self.state[key] = record["fields"]
        self.token = page["cursor"]
        self.last_checksum = page["checksum"]
        return page["has_more"]

    def catch_up(self) -> None:
        while self.step():
            pass

    def settle(self, timeout: float = 60) -> None:
        """Catch up until the server vouches for the replica with a checksum.

        Transaction ids are cluster-wide: a write transaction still open anywhere on the
        PostgreSQL server (another database, another test run) holds the horizon back, and the
        pull then stops short of it and offers no checksum. That is a delay, not a skip.
        """
        deadline = time.monotonic() + timeout
        self.catch_up()
        while self.last_checksum is None:
            assert time.monotonic() < deadline, "the horizon never passed the writers' transactions"
            time.sleep(0.05)
            self.catch_up()


class NaiveReader:
    """The tempting mistake: order by the sequence alone and remember the highest one seen."""

    def __init__(self) -> None:
        self.last = 0
        self.seen: set[tuple[str, str]] = set()

    def step(self) -> int:
        db.session.rollback()
        rows = db.session.execute(
            text("SELECT entity, record_id, seq FROM sync_rows WHERE seq > :last ORDER BY seq LIMIT :n"),
            {"last": self.last, "n": NAIVE_PAGE},
        ).all()
        db.session.rollback()
        for entity, record_id, seq in rows:
            self.seen.add((entity, record_id))
            self.last = max(self.last, seq)
        return len(rows)

    def catch_up(self) -> None:
        while self.step():
            pass


# -- the test ---------------------------------------------------------------------------------------


@pytest.fixture
def pg_app(tmp_path):
    ensure_pg_database(PG_DB)  # raises when PostgreSQL is unreachable: a failure, never a skip
    app = make_app("postgres", tmp_path, SQLALCHEMY_DATABASE_URI=pg_url(PG_DB))
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        yield app
        db.session.remove()
        db.engine.dispose()


def run_workload(app, world, readers, seed: int) -> set[tuple[str, str]]:
    """Start the writers, let the readers poll until the writers are done; return what was written."""
    households = {"worker": world.households[0].id, "worker2": world.households[0].id,
                  "worker_b": world.households[1].id, "far_staff": world.households[2].id}
    spawn = multiprocessing.get_context("spawn")
    go, results = spawn.Event(), spawn.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    procs = [spawn.Process(target=writer, args=(url, name, households[name], seed * 100 + n, go, results),
                           daemon=True)
             for n, name in enumerate(WRITERS)]
    for p in procs:
        p.start()
    try:
        time.sleep(0.2)
        go.set()
        reports = []
        deadline = time.monotonic() + 120
        while len(reports) < len(procs):
            for reader in readers:
                reader.step()
            while not results.empty():
                reports.append(results.get())
            if not any(p.is_alive() for p in procs):
                while len(reports) < len(procs):  # the last reports may still be in the pipe
                    reports.append(results.get(timeout=10))
            if time.monotonic() > deadline:
                pytest.fail("the writers did not finish in time")
        for p in procs:
            p.join(30)
            assert p.exitcode == 0, f"writer {p.name} exited with {p.exitcode}"
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(5)
    errors = [tb for *_, tb in reports if tb]
    assert not errors, "\n".join(errors)
    written = {("resident", rid) for _, created, _, _ in reports for rid in created}
    assert len(written) >= len(WRITERS) * TRANSACTIONS
    # The workload is only a proof if commits really landed out of order: count transactions that
    # committed after another one that had stamped a higher sequence number.
    commits = sorted(c for _, _, cs, _ in reports for c in cs)
    overtaken, highest = 0, 0
    for _, _, seq in commits:
        overtaken += seq < highest
        highest = max(highest, seq)
    assert overtaken >= 5, f"only {overtaken} out-of-order commits: the workload proves nothing"
    return written


def server_state() -> dict[tuple[str, str], dict]:
    """Every live record the admin may see (the whole street), from the tables themselves, as a
    street admin's device receives it (without personal numbers)."""
    db.session.rollback()
    out = {}
    for name, entity in ENTITIES.items():
        for row in db.session.scalars(db.select(entity.model).where(entity.model.deleted.is_(False))):
            state = entity.dump(row)
            out[(name, row.id)] = sensitive.project(name, state, "street_admin", tag_specs(db.session, name, state))
    db.session.rollback()
    return out


def test_concurrent_writers_never_make_a_pull_skip(pg_app):
    world = build_world(pg_app)
    admin_id = world.users["admin"].id
    reader = Reader(admin_id)
    reader.settle()
    before = set(reader.state)
    written = run_workload(pg_app, world, [reader], seed=1)
    assert reader.pages > 20, "the reader must have pulled while the writers were writing"
    # Writers are done: the last pulls must bring everything and vouch for it with a checksum.
    reader.settle()
    state = server_state()
    committed = {key for key in state if key[0] == "resident"}
    assert written <= committed
    seen = set(reader.state)
    missing = (set(state) - seen)
    assert not missing, f"the pull skipped {len(missing)} committed records, e.g. {sorted(missing)[:3]}"
    assert seen == set(state)
    assert reader.state == state, "every record arrives in its latest state"
    assert before < seen
    # The checksum the last pull offered is the one of exactly this state.
    assert (reader.last_checksum["value"], reader.last_checksum["count"]) == \
        canonical.combine(canonical.record_hash(e, i, f) for (e, i), f in reader.state.items())


def test_control_a_naive_sequence_cursor_does_skip(pg_app):
    """Same workload, read with `seq > last` and no horizon: late commits fall behind the cursor.

    A skip needs a commit to land after a higher sequence number was already read; with four
    writers sleeping up to 50 ms before COMMIT and a reader polling every few ms, that happens many
    times per run. The horizon-based reader, polling the same run, misses nothing.
    """
    world = build_world(pg_app)
    naive, reader = NaiveReader(), Reader(world.users["admin"].id)
    misses = []
    for attempt in range(3):
        naive.catch_up()
        reader.settle()
        written = run_workload(pg_app, world, [naive, reader], seed=10 + attempt)
        naive.catch_up()
        reader.settle()
        committed = {key for key in server_state() if key[0] == "resident"}
        assert written <= committed
        misses.append(len(written - naive.seen))
        assert not (committed - set(reader.state)), "the horizon-based reader must not skip"
        if misses[-1]:
            break
    assert misses[-1] > 0, f"the naive cursor never skipped in {len(misses)} runs: {misses}"
