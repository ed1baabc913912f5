"""Pulling as a phone does: again a moment later when the server has not caught up yet.

On PostgreSQL a pull serves only changes below the transaction horizon, the oldest transaction
still open anywhere on the cluster (docs/sync-protocol.md, 7.6). Another database's transaction can
hold it back, so a pull right after a push may not carry that push yet, and then carries no checksum
either. A phone sees the record on its next pull; a test waits for it the same way, within a bound.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

import pytest

from sync.client import SyncClient

# 200 pulls 50 ms apart: far beyond any transaction a test run or a busy cluster keeps open.
ATTEMPTS = 200
PAUSE_S = 0.05
T = TypeVar("T")


def caught_up(summary: dict) -> bool:
    """The server vouched for the whole replica with a checksum: every commit in scope arrived."""
    return summary["verified"] is True


def pull_until(client: SyncClient, until: Callable[[dict], bool] = caught_up,
               attempts: int = ATTEMPTS, pause: float = PAUSE_S) -> dict:
    """Pull until `until(summary)` holds and return that pull's summary.

    A waiting pull must never find a mismatch or repair the replica: a lagging horizon delays
    records, it never corrupts a copy. Either fails at once.
    """
    repairs = client.repairs

    def pull() -> dict:
        summary = client.pull()
        assert summary["verified"] is not False, f"checksum mismatch after a pull: {summary}"
        assert client.repairs == repairs, "a pull repaired the replica while waiting for the horizon"
        return summary

    return eventually(pull, until, attempts, pause)


def eventually(attempt: Callable[[], T], until: Callable[[T], bool],
               attempts: int = ATTEMPTS, pause: float = PAUSE_S) -> T:
    """Repeat `attempt` (a read of what pulls serve, which the horizon may delay) until `until` holds."""
    for _ in range(attempts):
        result = attempt()
        if until(result):
            return result
        time.sleep(pause)
    pytest.fail(f"still not there after {attempts} tries {pause:g} s apart: a transaction somewhere on "
                "the PostgreSQL cluster held the pull horizon back all that time")
