"""Push and pull through the real API with the Python client."""

from tests.pulls import pull_until
from tests.server.test_blobs import png


def test_worker_pulls_exactly_their_grid(world, device_factory):
    phone = device_factory("worker")
    summary = phone.pull()
    assert summary["verified"] is True
    copy = phone.server_copy()
    households = {i for (e, i) in copy if e == "household"}
    assert households == {world.households[0].id}
    assert ("care_tag_type", "elderly_alone") in copy
    assert ("area", world.grids[1].id) not in copy


def test_resident_created_offline_reaches_another_device(world, device_factory):
    a = device_factory("worker")
    b = device_factory("worker2")
    a.pull()
    b.pull()
    a.network.offline = True
    rid = a.create("resident", {"household_id": world.households[0].id, "name": "刘建国", "sex": "male",
                                "birth_date": "1948-03-02"})
    assert a.get("resident", rid)["name"] == "刘建国"
    a.network.offline = False
    results = a.push()
    assert [r["status"] for r in results] == ["accepted"]
    b.pull()
    assert b.get("resident", rid)["name"] == "刘建国"


def test_same_field_edited_on_two_devices_converges_with_a_conflict(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800138000"})
    b.update("resident", rid, {"phone": "13900139000", "notes": "行动不便"})
    a.sync()
    b.sync()
    pull_until(a)
    pull_until(b)
    assert a.get("resident", rid) == b.get("resident", rid)
    assert a.get("resident", rid)["phone"] == "13900139000"
    assert a.get("resident", rid)["notes"] == "行动不便"
    from server.syncapi.models import Conflict
    from server.extensions import db
    conflicts = db.session.scalars(db.select(Conflict)).all()
    assert [(c.field, c.loser_value, c.winner_value) for c in conflicts] == [("phone", "13800138000", "13900139000")]


def test_staff_restoring_a_losing_value_reaches_both_devices(app, world, device_factory):
    from server.extensions import db
    from server.syncapi.conflicts import settle_conflict
    from server.syncapi.models import Conflict
    from server.syncapi.push import ChangeContext

    a = device_factory("worker")
    b = device_factory("worker2")
    a.pull()
    b.pull()
    rid = world.residents[0].id
    a.update("resident", rid, {"notes": "女儿每周来"})
    b.update("resident", rid, {"notes": "无人照顾"})
    a.sync()
    b.sync()
    conflict = db.session.scalars(db.select(Conflict)).one()
    assert conflict.loser_value == "女儿每周来"
    ctx = ChangeContext(db.session, world.users["staff"], None, app.extensions["wangge_clock"], 300000)
    settle_conflict(ctx, conflict.id, restore=True)
    db.session.commit()
    a.pull()
    b.pull()
    assert a.get("resident", rid)["notes"] == b.get("resident", rid)["notes"] == "女儿每周来"
    assert db.session.get(Conflict, conflict.id).status == "restored"


PNG = png(1, 1)  # a whole image: the server decodes every photo


def test_finding_syncs_before_its_photo_and_the_photo_upload_is_retried(world, device_factory):
    from server.blobs.models import Blob
    from server.cases.models import Finding
    from server.extensions import db

    phone = device_factory("worker")
    phone.pull()
    sha = phone.attach(PNG)
    fid = phone.create("finding", {"grid_id": world.grids[0].id, "category": "safety_plaster",
                                   "description": "3号楼2单元楼道墙皮脱落", "photos": [sha],
                                   "reported_at": "2026-11-20T08:00:00Z"})
    phone.push()
    assert db.session.get(Finding, fid).photos == [sha]
    phone.network.lose_responses = 1
    try:
        phone.upload_blobs()
    except ConnectionError:
        pass
    assert phone.pending_blobs() == [sha]
    assert phone.sync()["uploaded"] == 1
    assert phone.pending_blobs() == []
    assert db.session.get(Blob, sha).content_type == "image/jpeg"  # kept re-encoded, under the phone's hash
