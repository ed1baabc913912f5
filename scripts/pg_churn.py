"""Keep the PostgreSQL cluster busy with short write transactions in a database of its own.

The pull horizon (`pg_snapshot_xmin`) is cluster-wide: a transaction open in ANY database holds it
back. This reproduces a shared server where other applications commit all the time, so the sync
tests can be run against a horizon that lags behind their own commits:

    python scripts/pg_churn.py --seconds 600 &
    python -m pytest -m postgres tests/server tests/sync

It creates `wangge_churn_<pid>`, stops by itself after --seconds (or on SIGINT/SIGTERM) and drops
the database on the way out. Only the loopback server of the tests is ever contacted.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import threading

import psycopg

ADMIN = os.environ.get("WANGGE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def churn(url: str, stop: threading.Event, hold_ms: tuple[int, int], seed: int) -> int:
    rng = random.Random(seed)
    done = 0
    with psycopg.connect(url) as conn:
        while not stop.is_set():
            with conn.transaction():
                # A write takes an xid, which is what holds the horizon back; the sleep keeps it open.
                conn.execute("INSERT INTO churn (at) VALUES (clock_timestamp())")
                conn.execute("SELECT pg_sleep(%s)", (rng.uniform(*hold_ms) / 1000,))
            done += 1
            if done % 200 == 0:
                conn.execute("DELETE FROM churn")
                conn.commit()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="stop after this long (default 300)")
    parser.add_argument("--workers", type=int, default=3, help="concurrent writers (default 3)")
    parser.add_argument("--hold-ms", type=int, nargs=2, default=(20, 300), metavar=("MIN", "MAX"),
                        help="how long each transaction stays open, drawn uniformly (default 20 300)")
    args = parser.parse_args()

    name = f"wangge_churn_{os.getpid()}"
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE churn (id bigserial PRIMARY KEY, at timestamptz NOT NULL)")
        counts: list[int] = []
        threads = [threading.Thread(target=lambda i=i: counts.append(churn(url, stop, tuple(args.hold_ms), i)))
                   for i in range(args.workers)]
        for t in threads:
            t.start()
        print(f"churning {name} with {args.workers} writers for up to {args.seconds:.0f} s", flush=True)
        try:
            stop.wait(args.seconds)
        except KeyboardInterrupt:
            pass
        stop.set()
        for t in threads:
            t.join()
        print(f"{sum(counts)} transactions committed", flush=True)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
