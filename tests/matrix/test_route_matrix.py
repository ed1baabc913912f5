"""Authorization matrix: every rule of the URL map × every role (and no sign-in) × an object in
and out of the caller's scope.

The cells come from tests/matrix/table.py, and the first test checks that table against
`app.url_map`: a route added without a line there fails it by name. Each cell calls the route as
that role (a device token on the API, a signed-in session with its CSRF token in the console) and
checks the answer: allowed calls succeed, anything else is refused (the door: 401 or the sign-in
page; a role or an object out of bounds: 403/404) without a byte of the object's data and without
a write, and nothing ever answers 5xx. Every body, allowed or not, is also searched for the
markers of every place the caller may not see (names, ID numbers, phones, case text, photo bytes).

`pytest -s tests/matrix` prints the counts.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from server.auth.models import Device, User
from server.blobs.models import Blob
from server.cases.models import CaseDeadline
from server.console.models import ConsoleJob
from server.extensions import db
from server.registry.models import ResidentTag
from server.fieldwork.models import Visit
from server.cases.models import Finding
from server.syncapi.models import Conflict, SyncRow
from tests.conftest import PASSWORD, make_app
from tests.matrix.city import ACTORS, VISIBLE, City
from tests.matrix.table import FIELD, ROUTES, STAFF, rule_keys

ROLES = ("grid_worker", "patrol_volunteer", "community_staff", "street_admin", "unit_contact")
# Roles that work from aggregates or from their own reports, and handling units: never a full ID
# number or phone.
NO_FULL_NUMBERS = {"street_admin", "patrol_volunteer", "unit_contact"}
# Who gets through the console's door; a unit contact then reaches only its own desk (403 elsewhere).
CONSOLE_ROLES = STAFF | {"unit_contact"}
LOGINS = {"console.login POST", "auth.login POST"}


def cells():
    for name, route in sorted(ROUTES.items()):
        if route.side == "public" and name not in LOGINS:
            yield name, "anonymous", "-"
            continue
        yield name, "anonymous", "-"
        for role in ROLES:
            inside = (route.side == "api" and role in FIELD | STAFF) or (route.side == "console" and (
                role in STAFF or role in route.allow))
            for scope in (("in", "out") if route.obj and inside else ("-",)):
                yield name, role, scope


CELLS = list(cells())


def _param(name, role, scope):
    return pytest.param(name, role, scope, id=f"{name.replace(' ', ':')}-{role}-{scope}")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    app = make_app("sqlite", tmp_path_factory.mktemp("matrix"), CONSOLE_JOBS_INLINE=True, PULL_PAGE_SIZE=2000)
    with app.app_context():
        yield City(app)
        db.session.remove()


def test_every_rule_of_the_url_map_is_classified(city):
    rules = rule_keys(city.app)
    missing = sorted(f"{k}  ({rules[k]})" for k in set(rules) - set(ROUTES))
    assert not missing, ("routes missing from tests/matrix/table.py ROUTES (add one line each: who may call "
                         "it and, for a route on one object, the object factory):\n  " + "\n  ".join(missing))
    stale = sorted(set(ROUTES) - set(rules))
    assert not stale, f"ROUTES entries for rules the URL map no longer has: {stale}"
    by_side = Counter(ROUTES[name].side for name, _, _ in CELLS)
    by_scope = Counter(scope for _, _, scope in CELLS)
    print(f"\nauthorization matrix: {len(rules)} rules (endpoint × method) × {len(ROLES)} roles + anonymous "
          f"× in/out of scope = {len(CELLS)} cells; by side {dict(by_side)}; by scope {dict(by_scope)}")


def fingerprint():
    """What a refused call must leave as it was: records, users, devices, conflicts, jobs, photos."""
    db.session.expire_all()
    s = db.session
    return (
        s.scalar(select(func.max(SyncRow.seq))),
        tuple(s.execute(select(User.id, User.active, User.password_hash).order_by(User.id)).all()),
        s.scalar(select(func.count()).select_from(Device).where(Device.revoked_at.is_not(None))),
        tuple(s.execute(select(Conflict.id, Conflict.status).order_by(Conflict.id)).all()),
        tuple(s.execute(select(ConsoleJob.id, ConsoleJob.status).order_by(ConsoleJob.id)).all()),
        s.scalar(select(func.count()).select_from(CaseDeadline)),
        s.scalar(select(func.count()).select_from(Blob)),
        tuple(s.execute(select(Finding.id, Finding.status).order_by(Finding.id)).all()),
        tuple(s.execute(select(Visit.id, Visit.review_status).order_by(Visit.id)).all()),
        tuple(s.execute(select(ResidentTag.id, ResidentTag.ended_on).order_by(ResidentTag.id)).all()),
    )


STATE = re.compile(r"""<input type="hidden" name="(clocks|loaded)" value=(["'])(.*?)\2>""", re.S)


def form_state(page: str) -> dict:
    return {name: html.unescape(value) for name, _, value in STATE.findall(page)}


def call(city, name, route, role, ids):
    method = name.rsplit(" ", 1)[1]
    url = route.url.format(**ids)
    data = route.data(ids) if route.data else None
    if route.side == "console":
        if role in CONSOLE_ROLES:
            client = city.staff_client(role) if not route.fresh_session else city.new_staff_client(role)
        elif role in FIELD:
            client = city.field_session(role)
        else:
            client = city.anonymous_session()
        if method == "GET":
            return client.get(url)
        if route.prefill and role in STAFF:
            data = {**form_state(client.get(url).get_data(as_text=True)), **(data or {})}
        return client.post(url, data or {})
    client = city.app.test_client()
    if route.side == "public":
        return client.open(url, method=method)
    headers = city.api_headers(role)
    if "body" in ids and isinstance(ids["body"], bytes):
        return client.open(url, method=method, headers={**headers, "Content-Type": "application/octet-stream"},
                           data=ids["body"])
    if "body" in ids:
        return client.open(url, method=method, headers=headers, json=ids["body"])
    return client.open(url, method=method, headers=headers)


@pytest.mark.parametrize("name,role,scope", [_param(*cell) for cell in CELLS])
def test_cell(city, name, role, scope):
    route = ROUTES[name]
    if name in LOGINS:
        return check_sign_in(city, name, role)
    ids = city.ids(route.obj, role, scope) if route.obj else {}
    at_door = route.side == "public" or (role in CONSOLE_ROLES if route.side == "console" else role in FIELD | STAFF)
    allowed = route.side == "public" or (at_door and role in route.allow and scope != "out")
    before = None if allowed else fingerprint()

    reply = call(city, name, route, role, ids)
    status, text = reply.status_code, reply.get_data().decode("utf-8", "replace")
    reply.close()

    assert status < 500 or (route.side == "public" and status in route.ok), (status, text[:500])
    viewer = role if at_door and route.side != "public" else "anonymous"
    leaked = [(key, m) for key in city.places if key not in VISIBLE[viewer]
              for m in city.markers_of(key) if m in text or m in reply.headers.get("Location", "")]
    assert not leaked, f"{role} received data of places outside its scope: {leaked}"
    if role in NO_FULL_NUMBERS:
        numbers = [m for place in city.places.values() if place.resident is not None
                   for m in (place.markers.id_number, place.markers.phone) if m in text]
        assert not numbers, f"{role} received full ID or phone numbers: {numbers}"
    if os.environ.get("MATRIX_TRACE"):
        print(f"\nCELL {name} {role} {scope} -> {status}")
    if name == "sync.push POST":
        return check_push(reply.get_json(), role if at_door else "anonymous", scope, allowed, before)
    if allowed:
        assert status in route.ok, (status, text[:800])
        if route.shows and ids.get("shown"):
            assert ids["shown"] in text, f"the page of an in-scope object does not show it: {ids['shown']}"
        return
    if not at_door:
        if route.side == "console":
            assert status == 302 and reply.headers["Location"].startswith("/console/login"), status
        else:
            assert status == 401, (status, text[:300])
    elif role == "unit_contact" and role not in route.allow:
        assert status == 403, (status, text[:800])  # the console's guard, before any page's own checks
    else:
        assert status in route.denied, (status, text[:800])
    assert fingerprint() == before, "a refused call changed the database"


def check_push(body, role, scope, allowed, before):
    if role == "anonymous":
        assert body["code"] in ("unauthenticated", "invalid_token", "token_missing") or "code" in body
        assert fingerprint() == before
        return
    [result] = body["results"]
    if allowed:
        assert result["status"] == "accepted", result
        return
    assert result["status"] == "rejected" and result["code"] in ("out_of_scope", "forbidden"), result
    assert fingerprint() == before, "a rejected change was written"


def check_sign_in(city, name, role):
    username = ACTORS.get(role, "nobody")
    password = PASSWORD if role != "anonymous" else "wrong-password"
    if name == "auth.login POST":
        reply = city.app.test_client().post("/api/auth/login", headers=city.api_headers("anonymous"), json={
            "username": username, "password": password, "device_id": "0190f1a6-0000-7000-8000-00000000000a"
            if role == "anonymous" else city.fresh_device_id()})
        expected = {"anonymous": 401, "unit_contact": 403}.get(role, 200)
        assert reply.status_code == expected, reply.get_data(as_text=True)
        return
    client = city.anonymous_session()
    reply = client.post("/console/login", {"username": username, "password": password})
    expected = {"anonymous": 401, "grid_worker": 403, "patrol_volunteer": 403}.get(role, 302)
    assert reply.status_code == expected, reply.get_data(as_text=True)[:500]
    if expected == 403:  # a field role gets no session the console would honour
        assert client.get("/console/").status_code == 302
