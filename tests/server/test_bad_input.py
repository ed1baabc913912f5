"""Bad input never causes a 5xx and never affects the other changes of its batch; every error
answers with a stable code and messages in Chinese and English."""

from __future__ import annotations

import base64
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.extensions import db
from server.registry.models import Resident
from server.registry.validators import make_id_number
from server.syncapi.models import Change
from sync import hlc
from sync.ids import uuid7
from tests.conftest import PASSWORD

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}



def sign_in(app, username: str = "worker") -> dict:
    reply = app.test_client().post("/api/auth/login", headers=HEADERS,
                                   json={"username": username, "password": PASSWORD, "device_id": uuid7()})
    assert reply.status_code == 200
    return {**HEADERS, "Authorization": f"Bearer {reply.get_json()['token']}"}


def stamp() -> str:
    return str(hlc.Timestamp(hlc.now_millis(), 0, "fuzz-device"))


def change(entity: str, record_id: str, fields: dict, op: str = "upsert") -> dict:
    return {"id": uuid7(), "entity": entity, "record_id": record_id, "op": op, "hlc": stamp(), "fields": fields}


def new_visit(household_id: str) -> dict:
    return change("visit", uuid7(), {"household_id": household_id, "visited_at": "2026-11-23T08:00:00Z",
                                     "method": "in_person", "outcome": "normal"})


def push_raw(app, headers: dict, data: bytes):
    return app.test_client().post("/api/sync/push", data=data, headers={**headers, "Content-Type": "application/json"})


def push(app, headers: dict, changes: list) -> list[dict]:
    reply = app.test_client().post("/api/sync/push", json={"changes": changes}, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()["results"]


def assert_error(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.get_data(as_text=True)
    body = reply.get_json()
    assert body["code"] == code and body["message"] and body["message_en"], body
    return body


def field_codes(result: dict) -> dict[str, str]:
    assert result["status"] == "rejected", result
    assert result["message"] and result["message_en"]
    return {name: f["code"] for name, f in result.get("fields", {}).items()}


# --- the request envelope --------------------------------------------------------------


def test_a_body_that_is_not_json_is_refused_as_malformed(app, world):
    headers = sign_in(app)
    for data in (b"{nope", b'{"changes": [}', b"\xff\xfe{}", b'{"changes": []} trailing', b"   "):
        body = assert_error(push_raw(app, headers, data), 400, "malformed_json")
        assert body["message"] == "请求内容不是有效的 JSON", data
    # No body at all reads as an empty request: "changes" is missing.
    assert assert_error(push_raw(app, headers, b""), 422, "invalid_request")["fields"]["changes"]["code"] == "required"


STRICT_JSON_REFUSES = [
    b"NaN", b'{"changes": [{"fields": {"lat": NaN}}]}', b'{"changes": [Infinity]}', b'{"changes": [-Infinity]}',
    b'{"changes": [1e999]}', b'{"changes": [' + b"9" * 5000 + b"]}", b'{"changes": ["\\ud800"]}',
    b'{"changes": [{"fields": {"\\udc00": 1}}]}', b"[" * 100_000 + b"]" * 100_000,
    b'{"changes": [' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"]}",
]


def test_json_that_strict_parsers_refuse_is_malformed_not_a_crash(any_app, any_world):
    """NaN, infinities, integers past Python's digit limit, lone surrogates, absurd nesting:
    the databases cannot store them (or the parser cannot survive them)."""
    headers = sign_in(any_app)
    changes_before = db.session.scalar(select(func.count()).select_from(Change))
    for data in STRICT_JSON_REFUSES:
        assert_error(push_raw(any_app, headers, data), 400, "malformed_json")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Change)) == changes_before
    # Large but ordinary numbers are fine: they reach the per-change checks.
    [result] = push(any_app, headers, [change("resident", any_world.residents[0].id, {"notes": 10**300})])
    assert field_codes(result) == {"notes": "invalid_type"}


def test_a_body_that_is_not_an_object_is_refused(app, world):
    headers = sign_in(app)
    for body in ([], [1, 2], "changes", 3, None, True):
        assert_error(push_raw(app, headers, json.dumps(body).encode()), 422, "invalid_request")


def test_changes_that_are_not_a_list_are_refused_with_the_field(app, world):
    headers = sign_in(app)
    for body in ({}, {"changes": "x"}, {"changes": {"0": {}}}, {"changes": None}, {"changes": 7}):
        reply = app.test_client().post("/api/sync/push", json=body, headers=headers)
        assert set(assert_error(reply, 422, "invalid_request")["fields"]) == {"changes"}, body


def test_unknown_top_level_keys_are_refused_not_ignored(app, world):
    reply = app.test_client().post("/api/sync/push", json={"changes": [], "since": 5}, headers=sign_in(app))
    assert assert_error(reply, 422, "invalid_request")["fields"]["since"]["code"] == "unknown_field"


def test_a_body_over_the_size_limit_is_refused_before_parsing(app, world):
    headers = sign_in(app)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    household = world.households[0].id
    big = [new_visit(household) for _ in range(30)]
    assert len(json.dumps({"changes": big})) > 4096
    logged = db.session.scalar(select(func.count()).select_from(Change))  # the world's own creation
    assert_error(app.test_client().post("/api/sync/push", json={"changes": big}, headers=headers), 413, "body_too_large")
    assert db.session.scalar(select(func.count()).select_from(Change)) == logged
    assert [r["status"] for r in push(app, headers, big[:2])] == ["accepted", "accepted"]


def test_too_many_changes_in_one_push_are_refused_whole(app, world):
    headers = sign_in(app)
    app.config["PUSH_MAX_CHANGES"] = 3
    household = world.households[0].id
    logged = db.session.scalar(select(func.count()).select_from(Change))  # the world's own creation
    reply = app.test_client().post("/api/sync/push", json={"changes": [new_visit(household) for _ in range(4)]},
                                   headers=headers)
    assert assert_error(reply, 413, "too_many_changes")["max"] == 3
    assert db.session.scalar(select(func.count()).select_from(Change)) == logged
    assert len(push(app, headers, [new_visit(household) for _ in range(3)])) == 3


# --- one bad change among good ones ----------------------------------------------------


def test_changes_that_are_not_objects_are_rejected_alone(any_app, any_world):
    headers = sign_in(any_app)
    good = new_visit(any_world.households[0].id)
    results = push(any_app, headers, [5, "x", None, [], {}, good])
    assert [r["status"] for r in results] == ["rejected"] * 5 + ["accepted"]
    for result in results[:5]:
        assert result["code"] == "invalid_request" and result["id"] is None
        assert result["message"] == "请求格式不正确"
    assert results[5]["id"] == good["id"]


ENVELOPE_FAULTS = [
    ({"hlc": "yesterday"}, "hlc", "invalid_hlc"),
    ({"hlc": 1700000000000}, "hlc", "invalid_type"),
    ({"id": "not-a-uuid"}, "id", "invalid_uuid"),
    ({"id": "01900000-0000-7000-8000-00000000000A"}, "id", "invalid_uuid"),
    ({"record_id": 42}, "record_id", "invalid_type"),
    ({"op": "patch"}, "op", "invalid_choice"),
    ({"entity": ""}, "entity", "too_long"),
    ({"fields": ["name"]}, "fields", "invalid_type"),
    ({"base": {"name": 5}}, "base.name.value", "invalid_type"),
    ({"extra": True}, "extra", "unknown_field"),
    ({"fields": {"n" * 49: 1}}, f"fields.{'n' * 49}.key", "too_long"),
]


def test_malformed_change_envelopes_are_rejected_each_with_its_field(app, world):
    bad = [{**change("resident", world.residents[0].id, {"notes": "x"}), **patch} for patch, _, _ in ENVELOPE_FAULTS]
    good = new_visit(world.households[0].id)
    results = push(app, sign_in(app), [*bad, good])
    for (patch, field, code), result in zip(ENVELOPE_FAULTS, results):
        assert result["code"] == "invalid_request", result
        assert field_codes(result).get(field) == code, (patch, result)
    assert results[-1]["id"] == good["id"] and results[-1]["status"] == "accepted"


def test_a_change_missing_its_envelope_fields_names_each(app, world):
    [result] = push(app, sign_in(app), [{"id": uuid7()}])
    assert field_codes(result) == {"entity": "required", "record_id": "required", "op": "required", "hlc": "required"}
    assert result["id"] is not None


def test_unknown_and_read_only_entities_are_rejected(any_app, any_world):
    expected = {"spaceship": "unknown_entity", "area": "read_only_entity", "care_tag_type": "read_only_entity",
                "finding_category": "read_only_entity"}
    bad = [change(entity, any_world.grids[0].id, {"name": "改名"}) for entity in expected]
    results = push(any_app, sign_in(any_app), [*bad, new_visit(any_world.households[0].id)])
    assert [r["code"] for r in results[:-1]] == list(expected.values())
    assert results[-1]["status"] == "accepted"
    db.session.rollback()
    assert [db.session.get(Change, c["id"]).status for c in bad] == ["rejected"] * 4


RESIDENT_FAULTS = [
    ({"favourite_colour": "red"}, {"favourite_colour": "unknown_field"}),
    ({"grid_id": "01900000-0000-7000-8000-000000000001"}, {"grid_id": "unknown_field"}),
    ({"population_type": 3}, {"population_type": "invalid_type"}),
    ({"name": 7}, {"name": "invalid_type"}),
    ({"name": None}, {"name": "null_not_allowed"}),
    ({"name": "名" * 51}, {"name": "too_long"}),
    ({"sex": "unknown"}, {"sex": "invalid_choice"}),
    ({"birth_date": "1950-02-30"}, {"birth_date": "invalid_date"}),
    ({"birth_date": 19500101}, {"birth_date": "invalid_date"}),
    ({"household_id": "nope"}, {"household_id": "invalid_uuid"}),
    ({"phone": "12345678901"}, {"phone": "phone_format"}),
    ({"phone": "138-0013-8000"}, {"phone": "phone_format"}),
    ({"permit_expiry": "2027-01-01"}, {"permit_expiry": "permit_for_migrant_only"}),
    ({"id_number": "11010519500302123"}, {"id_number": "id_number_format"}),
    ({"id_number": "110105195002301234"}, {"id_number": "id_number_birth_date"}),
]


def test_wrong_values_for_a_resident_are_rejected_per_field_and_spare_the_batch(app, world):
    rid = world.residents[0].id
    good = change("resident", rid, {"notes": "都没问题"})
    results = push(app, sign_in(app), [*(change("resident", rid, f) for f, _ in RESIDENT_FAULTS), good])
    for (fields, expected), result in zip(RESIDENT_FAULTS, results):
        assert result["code"] == "validation_failed", (fields, result)
        assert field_codes(result) == expected, fields
    assert results[-1]["status"] == "accepted"
    db.session.rollback()
    row = db.session.get(Resident, rid)
    assert (row.name, row.sex, row.phone, row.notes) == ("张秀英", "female", None, "都没问题")


def test_a_dump_only_field_cannot_be_written(app, world):
    headers = sign_in(app)
    visit = new_visit(world.households[0].id)
    visit["fields"]["visitor_id"] = world.users["staff"].id
    [result] = push(app, headers, [visit])
    assert result["code"] == "validation_failed" and field_codes(result) == {"visitor_id": "unknown_field"}


# --- resident ID numbers, phones and care tags -----------------------------------------

VALID_ID = make_id_number("110105", date(1950, 3, 2), 123)  # odd sequence: a man born 1950-03-02


def test_a_resident_id_number_with_a_wrong_check_character_is_rejected(app, world):
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    [result] = push(app, sign_in(app), [change("resident", world.residents[0].id,
                                                {"id_number": wrong, "sex": "male"})])
    assert field_codes(result) == {"id_number": "id_number_checksum"}
    assert result["fields"]["id_number"]["message"] == "身份证号校验位错误，请核对"


def test_a_birth_date_that_contradicts_the_id_number_is_rejected_on_birth_date(app, world):
    rid = world.residents[0].id
    [result] = push(app, sign_in(app), [change("resident", rid, {"id_number": VALID_ID, "sex": "male",
                                                                 "birth_date": "1950-03-03"})])
    assert field_codes(result) == {"birth_date": "id_number_birth_mismatch"}
    assert result["fields"]["birth_date"]["message"] == "出生日期与身份证号不一致"


def test_a_sex_that_contradicts_the_id_number_is_rejected_on_sex(app, world):
    # The seeded resident is female; a number with an odd sequence belongs to a man.
    [result] = push(app, sign_in(app), [change("resident", world.residents[0].id, {"id_number": VALID_ID})])
    assert field_codes(result) == {"sex": "id_number_sex_mismatch"}


def test_a_consistent_id_number_and_landline_are_accepted(app, world):
    rid = world.residents[0].id
    [result] = push(app, sign_in(app), [change("resident", rid, {
        "id_number": VALID_ID.lower(), "sex": "male", "birth_date": "1950-03-02", "phone": "010-62345678"})])
    assert result["status"] == "accepted", result


TAG_FAULTS = [
    ("elderly_alone", {"risk_level": "extreme"}, {"detail.risk_level": "invalid_choice"}),
    ("elderly_alone", {"shoe_size": 42}, {"detail.shoe_size": "unknown_field"}),
    ("elderly_alone", {"kin_phone": "123"}, {"detail.kin_phone": "phone_format"}),
    ("elderly_alone", {"kin_name": ["张", "伟"]}, {"detail.kin_name": "invalid_type"}),
    ("elderly_alone", {"kin_name": "名" * 33}, {"detail.kin_name": "too_long"}),
    ("vip", {}, {"tag": "unknown_tag"}),
    ("Elderly Alone", {}, {"tag": "invalid_value"}),
    ("disabled", {"disability_type": "visual", "disability_grade": "五级"}, {"detail.disability_grade": "invalid_choice"}),
    ("disabled", {"disability_type": "visual"}, {"detail.disability_grade": "required"}),
    ("pregnant", {"due_date": "下个月"}, {"detail.due_date": "invalid_date"}),
    ("pregnant", {"due_date": "2027-03-01", "postpartum": "是"}, {"detail.postpartum": "invalid_type"}),
]


def test_care_tags_with_bad_detail_are_rejected_per_detail_field(app, world):
    resident = world.residents[0].id
    bad = [change("resident_tag", uuid7(), {"resident_id": resident, "tag": tag, "detail": detail})
           for tag, detail, _ in TAG_FAULTS]
    good = change("resident_tag", uuid7(), {"resident_id": resident, "tag": "elderly_alone",
                                            "detail": {"risk_level": "high", "kin_phone": "13700137000"}})
    results = push(app, sign_in(app), [*bad, good])
    for (tag, detail, expected), result in zip(TAG_FAULTS, results):
        assert result["code"] == "validation_failed" and field_codes(result) == expected, (tag, detail, result)
    assert results[-1]["status"] == "accepted"


def test_text_with_a_nul_character_is_rejected_per_change_on_every_database(any_app, any_world):
    """PostgreSQL cannot store U+0000 in text: it must be a rejection, not a crash."""
    headers = sign_in(any_app)
    rid = any_world.residents[0].id
    bad = change("resident", rid, {"notes": "楼道\u0000灯坏了"})
    weird_entity = change("resident\u0000", rid, {"notes": "x"})
    good = new_visit(any_world.households[0].id)
    results = push(any_app, headers, [bad, weird_entity, good])
    assert [r["status"] for r in results] == ["rejected", "rejected", "accepted"]
    assert field_codes(results[0]) == {"notes": "invalid_value"}
    assert field_codes(results[1]) == {"entity": "invalid_value"}
    db.session.rollback()
    assert db.session.get(Resident, rid).notes is None
    reply = any_app.test_client().post("/api/auth/login", headers=HEADERS,
                                       json={"username": "worker\u0000", "password": PASSWORD, "device_id": uuid7()})
    assert_error(reply, 422, "invalid_request")


# --- pull, routes and methods ----------------------------------------------------------


def cursor_token(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_an_invalid_or_forged_cursor_is_refused(any_app, any_world):
    headers = sign_in(any_app)
    forged = [cursor_token({"v": 1, "p": [True, 0], "k": []}), cursor_token({"v": 1, "p": [2**70, 0], "k": []}),
              cursor_token({"v": 1, "p": [0, 2**64], "k": ["*"]}), cursor_token({"v": 1, "p": [0, "3"], "k": []}),
              cursor_token({"v": 1, "p": [1, 0], "k": ["*"], "b": {"k": ["g:x"], "u": [2**80, 0], "p": [0, 0]}})]
    for token in ("garbage!", "e30", cursor_token({"p": [-1, 0], "k": []}), "%00", *forged):
        reply = any_app.test_client().get(f"/api/sync/pull?cursor={token}", headers=headers)
        assert_error(reply, 400, "cursor_invalid")
    reply = any_app.test_client().get(f"/api/sync/pull?cursor={'A' * 5000}", headers=headers)
    assert_error(reply, 422, "invalid_request")
    assert any_app.test_client().get("/api/sync/pull?cursor=", headers=headers).status_code == 200


def test_bad_pull_parameters_are_refused(app, world):
    headers = sign_in(app)
    for query in ("limit=0", "limit=abc", "limit=99999999999999999999", "limit=2001"):
        assert_error(app.test_client().get(f"/api/sync/pull?{query}", headers=headers), 422, "invalid_request")


ROUTE_FAULTS = [
    ("GET", "/api/nothing-here", 404, "not_found"),
    ("GET", "/api/sync/everything", 404, "not_found"),
    ("POST", "/nowhere", 404, "not_found"),
    ("DELETE", "/api/sync/push", 405, "method_not_allowed"),
    ("GET", "/api/sync/push", 405, "method_not_allowed"),
    ("POST", "/api/blobs/" + "a" * 64, 405, "method_not_allowed"),
]


def test_unknown_routes_and_methods_answer_in_json(app, world):
    headers = sign_in(app)
    for method, path, status, code in ROUTE_FAULTS:
        reply = app.test_client().open(path, method=method, headers=headers)
        assert reply.mimetype == "application/json", path
        assert_error(reply, status, code)


def test_every_refusal_carries_a_code_and_both_messages(app, world):
    headers = sign_in(app)
    client = app.test_client()
    replies = [
        client.post("/api/auth/login", json={"username": "worker", "password": "wrong", "device_id": uuid7()},
                    headers=HEADERS),
        client.post("/api/auth/login", json={"username": "worker"}, headers=HEADERS),
        client.get("/api/sync/pull", headers=HEADERS),
        client.get("/api/sync/pull", headers={**HEADERS, "Authorization": "Bearer nope"}),
        client.get("/api/sync/pull", headers={**HEADERS, "Authorization": "Basic d29ya2Vy"}),
        client.get("/api/sync/pull?cursor=x", headers=headers),
        push_raw(app, headers, b"{"),
        client.get("/missing", headers=headers),
    ]
    assert [r.status_code for r in replies] == [401, 422, 401, 401, 401, 400, 400, 404]
    for reply in replies:
        body = reply.get_json()
        assert set(body) >= {"code", "message", "message_en"}, body
        assert body["message"] != body["message_en"]


# --- fuzz ------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from([
    "name", "sex", "birth_date", "id_number", "phone", "notes", "household_id", "building_id", "unit", "floor",
    "room", "resident_id", "tag", "detail", "visited_at", "method", "outcome", "photos", "lat", "grid_id",
    "category", "description", "reported_at", "finding_id", "from_status", "to_status", "visitor_id", "x",
])
ENTITY_NAMES = st.sampled_from(["resident", "household", "resident_tag", "visit", "finding", "case_step", "building",
                                "area", "care_tag_type", "nope"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_json_as_a_change_never_causes_a_5xx_or_harms_its_batch(any_app, any_world, data):
    headers = sign_in(any_app)
    targets = [any_world.residents[0].id, any_world.households[0].id, any_world.grids[0].id,
               any_world.buildings[0].id, any_world.residents[1].id, uuid7()]
    shaped = st.fixed_dictionaries({
        "entity": ENTITY_NAMES, "record_id": st.sampled_from(targets), "op": st.sampled_from(["upsert", "delete"]),
        "fields": st.dictionaries(FIELD_NAMES, JSON | st.sampled_from(targets), max_size=5),
    }).map(lambda c: {"id": uuid7(), "hlc": stamp(), **c})
    anything = data.draw(st.one_of(JSON, shaped,
                                   shaped.flatmap(lambda c: st.fixed_dictionaries({k: st.just(v) | JSON for k, v in c.items()}))))
    good = new_visit(any_world.households[0].id)
    reply = any_app.test_client().post("/api/sync/push", json={"changes": [anything, good]}, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    first, second = reply.get_json()["results"]
    assert first["status"] in ("accepted", "rejected")
    if first["status"] == "rejected":
        assert first["code"] and first["message"] and first["message_en"]
    assert second["id"] == good["id"] and second["status"] == "accepted", second
