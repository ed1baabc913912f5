"""The server's "today" is Beijing's, as the phone's is: between 00:00 and 08:00 Beijing time the UTC
date is still yesterday, and a baby born this morning must not be turned away as born in the future."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from server.core import time as server_time
from server.registry.validators import make_id_number

# 03:00 on 7 December in Beijing; in UTC (and on a UTC host) it is still 6 December.
NIGHT = datetime(2026, 12, 6, 19, 0, tzinfo=timezone.utc)
TODAY, TOMORROW = date(2026, 12, 7), date(2026, 12, 8)


@pytest.fixture
def night(monkeypatch):
    monkeypatch.setattr(server_time, "now", lambda: NIGHT)


def test_the_clock_reads_beijing_dates(night):
    assert server_time.china_today() == TODAY
    assert server_time.utcnow() == datetime(2026, 12, 6, 19, 0)
    assert server_time.china_midnight_utc(TODAY) == datetime(2026, 12, 6, 16, 0)
    assert server_time.china_date(datetime(2026, 12, 6, 16, 0)) == TODAY
    assert server_time.china_date(datetime(2026, 12, 6, 15, 59)) == date(2026, 12, 6)


def test_a_baby_born_this_beijing_morning_is_accepted_and_tomorrow_is_not(world, device_factory, night):
    phone = device_factory("worker")
    phone.pull()
    home = world.households[0].id

    def resident(name, **fields):
        return phone.create("resident", {"household_id": home, "name": name, "sex": "female", **fields})

    resident("今天出生", birth_date=TODAY.isoformat())
    resident("今天出生有证", id_number=make_id_number("110105", TODAY, 2), birth_date=TODAY.isoformat())
    resident("只有证件号", id_number=make_id_number("110105", TODAY, 4))
    resident("明天出生", birth_date=TOMORROW.isoformat())
    resident("明天的证件号", id_number=make_id_number("110105", TOMORROW, 6))
    results = phone.push()
    assert [r["status"] for r in results] == ["accepted"] * 3 + ["rejected"] * 2
    assert results[3]["fields"]["birth_date"]["code"] == "future_date"
    assert results[4]["fields"]["id_number"]["code"] == "id_number_birth_date"
