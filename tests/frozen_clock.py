"""A server clock the test moves by hand (server.core.time.now is the one place "now" comes from)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from server.core import time as server_time


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(server_time, "now", frozen)
    return frozen
