"""The demo writes its street through the setup import, so a row the import's checks refuse stops
it: the demo cannot make a register that a street's own files could not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.demo import ledgers
from server.extensions import db
from server.registry.models import Household


def test_a_planned_row_the_import_refuses_stops_the_demo_and_writes_nothing(app, world):
    before = db.session.scalar(select(func.count()).select_from(Household))
    good = ["第1网格", "", "1", 1, 3, "301", "自住", "人户一致", "13900000000", None, None, None]
    lease_on_own_home = ["第1网格", "", "1", 1, 4, "401", "自住", "人户一致", None, None, None, "2027-06-30"]
    with pytest.raises(ledgers.DemoImportRefused, match="lease_for_rented_only"):
        ledgers._load("households", ledgers.HOUSEHOLD_HEADERS, [good, lease_on_own_home], world.community)
    assert db.session.scalar(select(func.count()).select_from(Household)) == before

    ledgers._load("households", ledgers.HOUSEHOLD_HEADERS, [good], world.community)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Household)) == before + 1

