"""Push and pull through the real API with the Python client."""

from sync.ids import uuid7


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
    a.pull()
    b.pull()
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800138000"})
    b.update("resident", rid, {"phone": "13900139000", "notes": "行动不便"})
    a.sync()
    b.sync()
    a.pull()
    assert a.get("resident", rid) == b.get("resident", rid)
    assert a.get("resident", rid)["phone"] == "13900139000"
    assert a.get("resident", rid)["notes"] == "行动不便"
    from server.syncapi.models import Conflict
    from server.extensions import db
    conflicts = db.session.scalars(db.select(Conflict)).all()
    assert [(c.field, c.loser_value, c.winner_value) for c in conflicts] == [("phone", "13800138000", "13900139000")]
