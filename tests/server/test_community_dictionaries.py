"""A community's tuning of the dictionaries reaches its own phones and no others, and the server
uses it: the due-visit list, the push rules and the case deadlines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.cases.models import FindingCategory
from server.console.records.due import due_status, overdue_clause
from server.extensions import db
from server.registry.models import CareTagType, Resident
from sync.ids import uuid7
from tests.console.test_records import add_home, add_person, add_tag, writer
from tests.pulls import pull_until


def tune_tag(w, community, code, **values):
    base = db.session.get(CareTagType, code)
    row = CareTagType(id=uuid7(), community_id=community.id, base=code, name_zh=base.name_zh,
                      name_en=base.name_en, sort=base.sort, interval_days=values.get("interval_days", base.interval_days),
                      detail_fields=values.get("detail_fields", base.detail_fields), active=values.get("active"),
                      tuned=sorted(values))
    return w.put("care_tag_type", row)


def own_tag(w, community, name="退役军人", interval=60):
    return w.put("care_tag_type", CareTagType(id="c" + uuid7().replace("-", ""), community_id=community.id, base=None,
                                              name_zh=name, name_en="Veteran", interval_days=interval,
                                              detail_fields=[], sort=1000, active=True))


def test_a_grid_worker_pulls_its_communitys_rows_and_not_anothers(app, world, device_factory):
    worker = device_factory("worker")
    pull_until(worker)
    before = worker.server_copy("care_tag_type")
    w = writer(app)
    mine = tune_tag(w, world.community, "elderly_alone", interval_days=3)
    theirs = tune_tag(w, world.other_community, "elderly_alone", interval_days=14)
    veteran = own_tag(w, world.community)
    far_tag = own_tag(w, world.other_community, "他社区标签")
    db.session.commit()

    summary = pull_until(worker)
    assert summary["verified"] is True  # the checksum covers the community's rows too
    copy = worker.server_copy("care_tag_type")
    assert ("care_tag_type", mine.id) in copy and ("care_tag_type", veteran.id) in copy
    assert ("care_tag_type", theirs.id) not in copy and ("care_tag_type", far_tag.id) not in copy
    assert copy[("care_tag_type", mine.id)]["interval_days"] == 3
    assert copy[("care_tag_type", mine.id)]["tuned"] == ["interval_days"]
    assert set(copy) - set(before) == {("care_tag_type", mine.id), ("care_tag_type", veteran.id)}

    # The other community's staff device gets that community's row, not this one's.
    far_staff_device = device_factory("far_staff")
    pull_until(far_staff_device)
    far_copy = far_staff_device.server_copy("care_tag_type")
    assert ("care_tag_type", theirs.id) in far_copy and ("care_tag_type", mine.id) not in far_copy


def test_a_cursor_from_before_the_key_back_fills_the_communitys_rows(app, world, device_factory):
    from sync.cursor import Cursor

    worker = device_factory("worker")
    w = writer(app)
    mine = tune_tag(w, world.community, "infant", interval_days=45)
    db.session.commit()
    pull_until(worker)
    # A cursor issued before `d:` keys existed: the same position, without the key.
    cursor = Cursor.decode(worker._meta("cursor"))
    cursor.keys = [k for k in cursor.keys if not k.startswith("d:")]
    worker._set_meta("cursor", cursor.encode())
    worker.db.execute("DELETE FROM records WHERE entity='care_tag_type' AND id=?", (mine.id,))
    summary = pull_until(worker)
    assert summary["verified"] is True
    assert worker.server_copy("care_tag_type")[("care_tag_type", mine.id)]["interval_days"] == 45


def test_the_due_list_uses_the_residents_communitys_interval(any_app, any_world):
    app, world = any_app, any_world
    w = writer(app)
    near = add_person(w, add_home(w, world.grids[0], world.buildings[0], 2, "601"), "甲")
    far = add_person(w, add_home(w, world.far_grid, world.buildings[2], 2, "601"), "乙")
    for person in (near, far):
        add_tag(w, person, "elderly_alone", 10)  # 7 days in the installation: overdue since 3 days
    tune_tag(w, world.community, "elderly_alone", interval_days=30)
    # A tuning row that does not tune the interval changes nothing for it.
    tune_tag(w, world.other_community, "elderly_alone", active=False)
    db.session.commit()

    overdue = set(db.session.scalars(select(Resident.id).where(overdue_clause(Resident))))
    assert near.id not in overdue and far.id in overdue
    dates = due_status([db.session.get(Resident, near.id), db.session.get(Resident, far.id)])
    assert dates[near.id].interval == 30 and dates[near.id].days == 20
    assert dates[far.id].interval == 7 and dates[far.id].days == -3


def test_pushes_follow_the_communitys_dictionary(app, world, device_factory):
    w = writer(app)
    veteran = own_tag(w, world.community)
    far_tag = own_tag(w, world.other_community, "他社区标签")
    tune_tag(w, world.community, "tenant", active=False)
    off = FindingCategory(id=uuid7(), community_id=world.community.id, base="dispute", parent_id=None,
                          name_zh="矛盾纠纷", name_en="Disputes", sort=400, active=False, tuned=["active"])
    w.put("finding_category", off)
    db.session.commit()
    worker = device_factory("worker")
    pull_until(worker)
    resident = world.residents[0]
    worker.create("resident_tag", {"resident_id": resident.id, "tag": veteran.id, "detail": {}})
    worker.create("resident_tag", {"resident_id": resident.id, "tag": far_tag.id, "detail": {}})
    worker.create("resident_tag", {"resident_id": resident.id, "tag": "tenant", "detail": {}})
    worker.create("finding", {"grid_id": world.grids[0].id, "category": "dispute", "description": "邻里噪音",
                              "reported_at": "2026-11-20T03:00:00Z"})
    results = worker.push()
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected"]
    assert results[1]["fields"]["tag"]["code"] == "unknown_tag"
    assert results[2]["fields"]["tag"]["code"] == "tag_inactive"
    assert results[3]["fields"]["category"]["code"] == "category_inactive"
