"""The world the authorization matrix runs in: build_world's street plus a second street, and in
every place a resident, a tag, a finding with a photo, a visit and a conflict, each carrying
markers (a name, an ID number, a phone, a description, the photo's bytes) that no one outside
the place may ever receive.

Writes that change what they touch (a case step, a password reset, a revocation) get a fresh
object per matrix cell from the factories below, so the cells stay independent in any order.
"""

from __future__ import annotations

import hashlib
import itertools
import io
import re
from datetime import date, datetime
from types import SimpleNamespace

from openpyxl import Workbook

from server.areas.models import Building
from server.areas.operations import add_area, add_building
from server.auth.models import User
from server.auth.operations import create_user, login_device
from server.blobs import storage
from server.blobs.models import Blob, BlobOwner
from server.cases.models import CaseUnit, Finding, HandlingUnit
from server.core.roles import UNIT_ROLES
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from server.syncapi.models import Conflict
from server.units.models import Unit
from sync import PROTOCOL_VERSION, hlc
from sync.ids import uuid7
from tests.conftest import PASSWORD, build_world
from tests.console.conftest import TOKEN, StaffClient
from tests.server.test_blobs import png

AT = datetime(2026, 3, 1, 8, 0)
API_HEADERS = {"X-Wangge-Protocol": str(PROTOCOL_VERSION), "X-Wangge-App": "9.9.9"}
JOB = re.compile(r"/console/ledgers/jobs/([0-9a-f-]{36})")
SETUP_JOB = re.compile(r"/console/setup/import/jobs/([0-9a-f-]{36})")

# The acting users, one per role code, and where each one's in-scope and out-of-scope objects sit.
# A volunteer sees only findings it reported itself ("grid0v"), never residents.
# A unit contact's "in" objects are the cases dispatched to their unit (grid0's, and each new one
# made for an in-scope cell); grid1's case went to no unit.
ACTORS = {"grid_worker": "worker", "patrol_volunteer": "volunteer", "community_staff": "staff",
          "street_admin": "admin", "unit_contact": "unit_contact"}
IN_PLACE = {"grid_worker": "grid0", "patrol_volunteer": "grid0v", "community_staff": "grid0",
            "street_admin": "grid0", "unit_contact": "grid0"}
OUT_PLACE = {"grid_worker": "grid1", "patrol_volunteer": "grid0", "community_staff": "far_grid",
             "street_admin": "street2", "unit_contact": "grid1", "anonymous": "grid0"}
# Places whose markers a role may receive anywhere; every other place's markers must never appear.
# A grid worker holds every finding of their grid, a volunteer's report there included (grid0v).
VISIBLE = {"grid_worker": {"grid0", "grid0v"}, "patrol_volunteer": {"grid0v"},
           "community_staff": {"grid0", "grid1", "grid0v"},
           "street_admin": {"grid0", "grid1", "far_grid", "grid0v"}, "unit_contact": {"grid0"}, "anonymous": set()}
# Who reports the findings and visits of each place: never an acting user, except the volunteer's own.
REPORTERS = {"grid0": "worker2", "grid1": "worker_b", "far_grid": "far_worker", "street2": "worker_s2",
             "grid0v": "volunteer"}


_ROOMS = itertools.count(1)


def setup_file() -> io.BytesIO:
    """A one-row households setup file (a door of 第1网格's building 1, each time a new one)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["网格", "楼号", "单元", "门牌", "房屋用途"])
    sheet.append(["第1网格", "1", 2, f"4{next(_ROOMS) % 100:02d}", "出租"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def ledger_file() -> io.BytesIO:
    """A one-row ledger (a new resident in 第1网格), each time in a new room."""
    book = Workbook()
    sheet = book.active
    sheet.append(["网格", "楼栋号", "单元", "楼层", "房号", "房屋用途", "姓名", "性别", "出生日期", "证件类型",
                  "证件号码", "联系电话", "民族", "与户主关系", "人口类型"])
    sheet.append(["第1网格", "1", 2, 3, f"3{next(_ROOMS) % 100:02d}", "出租", "刘建国", "男", "1948-03-02", None,
                  None, None, "汉族", "户主", "户籍"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


class City:
    def __init__(self, app):
        self.app = app
        self.world = build_world(app)
        self.writer = DirectWriter(db.session, app.extensions["wangge_clock"])
        self._extend()
        self.places = {}
        for n, key in enumerate(("grid0", "grid1", "far_grid", "street2", "grid0v")):
            self.places[key] = self._populate(key, n)
        self.dispatch_to_unit(self.places["grid0"].finding)
        db.session.commit()
        # A unit contact gets no device: the sync API refuses them at sign-in.
        self.devices = {role: self._device(name) for role, name in ACTORS.items() if role not in UNIT_ROLES}
        self.console = {}
        self._sequence = 0

    # -- the world ----------------------------------------------------------------------------
    def _extend(self):
        w = self.world
        street2 = add_area(self.writer, "street", "光明街道")
        community2 = add_area(self.writer, "community", "光明社区", street2)
        grid2 = add_area(self.writer, "grid", "光明第1网格", community2)
        building2 = add_building(self.writer, grid2, "7", units=1, floors=6)
        household2 = self.writer.put("household", Household(id=uuid7(), building_id=building2.id,
                                                            grid_id=grid2.id, unit=1, floor=2, room="201"))
        w.users["far_worker"] = create_user("far_worker", PASSWORD, "团结网格员", "grid_worker", [w.far_grid.id])
        w.users["worker_s2"] = create_user("worker_s2", PASSWORD, "光明网格员", "grid_worker", [grid2.id])
        w.users["staff_s2"] = create_user("staff_s2", PASSWORD, "光明社区员", "community_staff", [community2.id])
        self.grid = {"grid0": w.grids[0], "grid1": w.grids[1], "far_grid": w.far_grid, "street2": grid2,
                     "grid0v": w.grids[0]}
        self.household = {"grid0": w.households[0], "grid1": w.households[1], "far_grid": w.households[2],
                          "street2": household2, "grid0v": w.households[0]}
        self.street2, self.community2 = street2, community2
        self.handling_unit = HandlingUnit(id=uuid7(), area_id=w.community.id, name="矩阵物业", kind="property_manager")
        db.session.add(self.handling_unit)
        w.users["unit_contact"] = create_user("unit_contact", PASSWORD, "矩阵物业联系人", "unit_contact", [])
        w.users["unit_contact"].handling_unit_id = self.handling_unit.id

    def dispatch_to_unit(self, finding: Finding) -> Finding:
        db.session.add(CaseUnit(finding_id=finding.id, handling_unit_id=self.handling_unit.id, role="lead",
                                status="dispatched", dispatched_at=AT))
        db.session.commit()
        return finding

    def _populate(self, key: str, n: int) -> SimpleNamespace:
        grid, household = self.grid[key], self.household[key]
        reporter = self.world.users[REPORTERS[key]]
        markers = SimpleNamespace(
            name=f"标记{'甲乙丙丁戊'[n]}人", id_number=make_id_number("110105", date(1950 + n, 1, 2), 11 + 2 * n),
            phone=f"1390000{n:04d}", finding=f"墙皮脱落标记〔{key}〕", photo=f"PHOTO-MARKER[{key}]".encode())
        resident = None
        if key != "grid0v":
            self.writer.update("household", household, {"landlord_phone": markers.phone[:-1] + "9"})
            resident = self.writer.put("resident", Resident(
                id=uuid7(), household_id=household.id, grid_id=grid.id, name=markers.name, sex="male",
                id_type="resident_id", id_number=markers.id_number, phone=markers.phone))
        tag = resident and self.writer.put("resident_tag", ResidentTag(
            id=uuid7(), resident_id=resident.id, grid_id=grid.id, tag="elderly_alone",
            detail={"risk_level": "high"}))
        sha = self._blob(markers.photo, reporter)
        finding = self.new_finding(key, photos=[sha], description=markers.finding)
        return SimpleNamespace(key=key, grid=grid, household=household, resident=resident, tag=tag,
                               finding=finding, sha=sha, reporter=reporter, markers=markers)

    def _blob(self, marker: bytes, user: User) -> str:
        data = b"\xff\xd8\xff\xe0" + marker + b"\xff\xd9"
        sha = hashlib.sha256(data).hexdigest()
        with self.app.app_context():
            storage.write(sha, data)
        db.session.add(Blob(sha256=sha, size=len(data), content_type="image/jpeg", uploaded_by=user.id))
        db.session.add(BlobOwner(sha256=sha, user_id=user.id))
        db.session.flush()
        return sha

    def _device(self, username: str) -> SimpleNamespace:
        user, device, token = login_device(username, PASSWORD, uuid7(), "matrix", "9.9.9")
        db.session.commit()
        return SimpleNamespace(id=device.id, token=token, clock=hlc.Clock(device.id))

    def api_headers(self, role: str) -> dict:
        if role not in self.devices:
            return dict(API_HEADERS)
        return {**API_HEADERS, "Authorization": f"Bearer {self.devices[role].token}"}

    def markers_of(self, key: str) -> list[str]:
        m = self.places[key].markers
        found = [m.finding, m.photo.decode()]
        return found if key == "grid0v" else [m.name, m.id_number, m.phone, *found]

    # -- fresh objects, one per cell ----------------------------------------------------------
    def _writer(self, user=None):
        return DirectWriter(db.session, self.app.extensions["wangge_clock"], user=user)

    def next(self) -> int:
        self._sequence += 1
        return self._sequence

    def new_finding(self, key: str, photos=(), description: str = "井盖缺失") -> Finding:
        reporter = self.world.users[REPORTERS[key]]
        finding = self._writer(reporter).put("finding", Finding(
            id=uuid7(), grid_id=self.grid[key].id, reporter_id=reporter.id, category="safety_plaster",
            description=description, reported_at=AT, status="reported", photos=list(photos),
            requester_name="来电居民", requester_phone="13800138000"))
        db.session.commit()
        return finding

    def new_visit(self, key: str) -> Visit:
        reporter = self.world.users[REPORTERS[key]]
        visit = self._writer(reporter).put("visit", Visit(
            id=uuid7(), household_id=self.household[key].id, grid_id=self.grid[key].id, visitor_id=reporter.id,
            visited_at=AT, method="in_person", outcome="normal", resident_ids=[]))
        db.session.commit()
        return visit

    def new_tag(self, key: str) -> ResidentTag:
        place = self.places[key]
        tag = self._writer().put("resident_tag", ResidentTag(
            id=uuid7(), resident_id=place.resident.id, grid_id=place.grid.id, tag="elderly_80plus", detail={}))
        db.session.commit()
        return tag

    def new_unit(self, key: str) -> Unit:
        unit = self._writer().put("unit", Unit(
            id=uuid7(), building_id=self.household[key].building_id, grid_id=self.grid[key].id,
            name=f"标记单位〔{key}〕{self.next()}", kind="shop"))
        db.session.commit()
        return unit

    def new_conflict(self, key: str, field: str = "notes", values: tuple[str, str] = ("现值", "旧值")) -> Conflict:
        place, clock = self.places[key], self.app.extensions["wangge_clock"]
        conflict = Conflict(entity="resident", record_id=place.resident.id, field=field, winner_value=values[0],
                            winner_hlc=str(clock.tick()), loser_value=values[1], loser_hlc=str(clock.tick()),
                            change_id=uuid7(), grid_id=place.grid.id)
        db.session.add(conflict)
        db.session.commit()
        return conflict

    def new_user(self, key: str) -> tuple[User, str]:
        n = self.next()
        user = create_user(f"victim{n}", PASSWORD, f"受测员{n}", "grid_worker", [self.grid[key].id])
        _, device, _ = login_device(user.username, PASSWORD, uuid7(), "victim phone", "9.9.9")
        db.session.commit()
        return user, device.id

    # -- console sessions ---------------------------------------------------------------------
    def staff_client(self, role: str) -> StaffClient:
        """A signed-in console session of the role's actor, kept for the module."""
        if role not in self.console:
            client = StaffClient(self.app.test_client())
            assert client.login(ACTORS[role]).status_code == 302
            if role == "street_admin":  # show the community of grid0 and grid1
                assert client.post("/console/community", {"community_id": self.world.community.id}).status_code == 302
            self.console[role] = client
        return self.console[role]

    def export_job(self, role: str) -> str:
        reply = self.staff_client(role).post("/console/ledgers/exports", {"kind": "residents"})
        assert reply.status_code == 303, reply.text
        return JOB.search(reply.headers["Location"]).group(1)

    def import_job(self, role: str) -> str:
        reply = self.staff_client(role).post("/console/ledgers/imports", {"file": (ledger_file(), "台账.xlsx")},
                                             content_type="multipart/form-data")
        assert reply.status_code == 303, reply.text
        return JOB.search(reply.headers["Location"]).group(1)


    def setup_import_job(self, role: str) -> str:
        reply = self.staff_client(role).post("/console/setup/import", {"kind": "households", "file": (
            setup_file(), "住户.xlsx")}, content_type="multipart/form-data")
        assert reply.status_code == 303, reply.text
        return SETUP_JOB.search(reply.headers["Location"]).group(1)

    def new_staff_client(self, role: str) -> StaffClient:
        client = StaffClient(self.app.test_client())
        assert client.login(ACTORS[role]).status_code == 302
        return client

    def fresh_device_id(self) -> str:
        return uuid7()

    def field_session(self, role: str):
        """A browser holding a console session of a field role (one it could only have forged or
        kept from before a demotion): the guard must treat it as signed out."""
        client = self.app.test_client()
        token = TOKEN.search(client.get("/console/login").text).group(1)
        from server.auth import sessions
        from server.extensions import db

        user = self.world.users[ACTORS[role]]
        secret = sessions.start(user.id)
        db.session.commit()
        with client.session_transaction() as session:
            session["sid"] = secret
        wrapped = StaffClient(client)
        wrapped.token = token
        return wrapped

    def anonymous_session(self):
        client = StaffClient(self.app.test_client())
        client.token = TOKEN.search(client.client.get("/console/login").text).group(1)
        return client

    # -- the ids a matrix cell acts on --------------------------------------------------------
    def place_for(self, role: str, scope: str) -> str:
        if scope == "in":
            return IN_PLACE[role]
        if scope == "out":
            return OUT_PLACE[role]
        return "grid0"  # a caller refused at the door: any real object will do

    def ids(self, obj: str, role: str, scope: str) -> dict:
        """The URL's ids, the form's extras, and `shown`: what an allowed page must show."""
        key = self.place_for(role, scope)
        place = self.places[key]
        resident_place = place if place.resident is not None else self.places["grid0"]
        out = {"place": key, "grid": place.grid.id, "shown": None}
        if obj == "finding":
            out.update(finding=place.finding.id, shown=place.markers.finding)
        elif obj == "new_finding":
            finding = self.new_finding(key)
            if role in UNIT_ROLES and scope == "in":
                self.dispatch_to_unit(finding)
            out.update(finding=finding.id)
        elif obj == "photo":
            out.update(sha=place.sha, shown=place.markers.photo.decode())
        elif obj == "new_photo":
            # In scope: new bytes of one's own. Out: other bytes sent to a stranger's photo's hash,
            # which must not answer "exists" (that would confirm the photo is there).
            data = png(width=self.next())
            out.update(sha=place.sha if scope == "out" else hashlib.sha256(data).hexdigest(), body=data)
        elif obj == "household":
            out.update(household=place.household.id, shown=resident_place.markers.name)
        elif obj == "resident":
            out.update(resident=resident_place.resident.id, shown=resident_place.markers.name)
        elif obj == "tag":
            out.update(resident=resident_place.resident.id, tag=resident_place.tag.id)
        elif obj == "new_tag":
            out.update(resident=resident_place.resident.id, tag=self.new_tag(resident_place.key).id)
        elif obj == "unit":
            unit = self.new_unit(key)
            out.update(unit=unit.id, building=unit.building_id, shown=unit.name)
        elif obj == "conflict":
            out.update(conflict=self.new_conflict(resident_place.key).id)
        elif obj == "number_conflict":
            out.update(conflict=self.new_conflict(resident_place.key, "phone", ("13900139000", "13700137000")).id)
        elif obj == "visit":
            visit = self.new_visit(key)
            out.update(visit=visit.id, version=max((visit.clocks or {}).values(), default=""))
        elif obj == "user":
            user, device_id = self.new_user(key)
            out.update(user=user.id, device=device_id, shown=user.name)
        elif obj == "new_username":
            out.update(username=f"newbie{self.next()}")
        elif obj == "building":
            building = db.session.get(Building, place.household.building_id)
            out.update(building=building.id, number=building.number)
        elif obj == "new_building":
            out.update(number=f"新{self.next()}")
        elif obj == "community":
            out.update(community=place.grid.parent_id)
        elif obj in ("export_job", "import_job", "setup_import_job"):
            # A job is its creator's: out of scope is a colleague's job in the same community.
            owner = role if scope == "in" else ("community_staff" if role == "street_admin" else "street_admin")
            out.update(job={"export_job": self.export_job, "import_job": self.import_job,
                            "setup_import_job": self.setup_import_job}[obj](owner))
        elif obj == "push":
            resident = resident_place.resident
            device = self.devices.get(role)
            stamp = str(device.clock.tick()) if device else "0"
            out.update(record=resident.id, body={"changes": [{
                "id": uuid7(), "entity": "resident", "record_id": resident.id, "op": "upsert", "hlc": stamp,
                "fields": {"notes": "矩阵写入"}, "base": {}}]})
        else:
            raise KeyError(f"no object factory {obj!r} in tests/matrix/city.py")
        return out
