"""The review queue with 5,000 items waiting: the first page's server time under each filter.

    make bench                                  # with the other benchmarks
    python -m benchmarks.review_bench --backend sqlite --runs 5

Loads the demo street, then adds waiting visits and findings to the demo community (幸福社区)
until 5,000 wait for review (written straight to the tables: what is timed is the queue, not
the sync), spread over 90 days, its grids and its workers, 1 in 50 findings pressing. Signs in
as its staff (sq1) and times the first page of the queue per filter with the Flask test client
(the server's time to answer). Issue 11's goal: under 200 ms with any filter.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import timedelta

from sqlalchemy import func, insert, select

from benchmarks.console_bench import sign_in, timed
from benchmarks.results import record
from benchmarks.sync_bench import demo_app
from server.auth.models import Assignment, User
from server.cases.models import Finding, FindingCategory
from server.core.time import china_today, utcnow
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household

WAITING = 5_000
FINDING_SHARE = 10  # one item in ten is a finding
GOAL = {"goal": 200, "better": "lower", "note": "issue 11: the review queue's first page, 5,000 waiting, any filter"}


def seed(app, username: str = "sq1") -> dict:
    """Fill the staff member's community up to WAITING waiting items; what the filters will pick."""
    from server.console.review.queries import QueueFilters, queue_page
    from server.console.scope import load_scope

    with app.test_request_context():  # the scope reads the session's chosen community
        scope = load_scope(db.session.scalar(select(User).where(User.username == username)))
        grids = scope.grid_ids
        households = db.session.execute(select(Household.id, Household.grid_id)
                                        .where(Household.grid_id.in_(grids))).all()
        workers = {grid: [u for u, in db.session.execute(select(Assignment.user_id).where(Assignment.area_id == grid))]
                   for grid in grids}
        category = db.session.scalar(select(FindingCategory.id).where(FindingCategory.parent_id.is_not(None)).limit(1))
        already = queue_page(QueueFilters(), scope).total
        now = utcnow().replace(microsecond=0)
        visits, findings = [], []
        for n in range(max(0, WAITING - already)):
            household, grid = households[n % len(households)]
            people = workers.get(grid) or [u for ws in workers.values() for u in ws]
            person = people[n % len(people)]
            at = now - timedelta(minutes=26 * n)  # about 90 days back
            common = {"id": str(uuid.uuid4()), "clocks": {}, "deleted": False, "created_at": now, "updated_at": now,
                      "grid_id": grid, "photos": []}
            if n % FINDING_SHARE:
                visits.append({**common, "household_id": household, "resident_ids": [], "visitor_id": person,
                               "visited_at": at, "method": "in_person", "outcome": "normal", "notes": "一切正常"})
            else:
                findings.append({**common, "reporter_id": person, "source": "grid", "category": category,
                                 "description": "楼道堆放杂物", "urgency": "emergency" if n % 500 == 0 else "normal",
                                 "reported_at": at, "status": "reported", "reopened": 0})
        if visits:
            db.session.execute(insert(Visit), visits)
        if findings:
            db.session.execute(insert(Finding), findings)
        db.session.commit()
        waiting = queue_page(QueueFilters(), scope).total
        busiest = db.session.execute(select(Visit.visitor_id, func.count()).where(Visit.grid_id.in_(grids))
                                     .group_by(Visit.visitor_id).order_by(func.count().desc()).limit(1)).first()
        picks = {"waiting": waiting, "grid": grids[0], "worker": busiest[0] if busiest else ""}
        db.session.remove()
    return picks


def run(backend: str, runs: int) -> list[dict]:
    with demo_app(backend, CONSOLE_JOBS_INLINE=True) as (app, load_s):
        print(f"[{backend}] demo community loaded in {load_s:.1f} s")
        picks = seed(app)
        today = china_today()
        month_ago = (today - timedelta(days=30)).isoformat()
        filters = [
            ("newest first", ""),
            ("oldest first", "?order=old"),
            ("visits", "?kind=visit"),
            ("findings", "?kind=finding"),
            ("one grid", f"?grid={picks['grid']}"),
            ("one worker", f"?worker={picks['worker']}"),
            ("emergency", "?urgency=emergency"),
            ("today", f"?from={today.isoformat()}&to={today.isoformat()}"),
            ("last 30 days, oldest first", f"?from={month_ago}&to={today.isoformat()}&order=old"),
            ("grid + worker + visits", f"?grid={picks['grid']}&worker={picks['worker']}&kind=visit"),
        ]
        client, _ = sign_in(app, "sq1")
        figures = []
        for name, query in filters:
            ms, status = timed(client, "/console/review" + query, runs)
            note = "" if status == 200 else f"  (status {status})"
            print(f"[{backend}] review queue, {picks['waiting']} waiting, {name:28} median {ms:6.1f} ms{note}")
            figure = {"name": f"review queue first page, {picks['waiting']} waiting: {name} (median of {runs})",
                      "value": round(ms, 1), "unit": "ms", "backend": backend, **GOAL}
            if status != 200:
                figure["note"] = f"status {status}"
            figures.append(figure)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    measured = []
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        measured += run(backend, args.runs)
    record("review_bench", measured)


if __name__ == "__main__":
    main()
