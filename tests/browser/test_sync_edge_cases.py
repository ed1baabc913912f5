"""The field app where sync gets hard: two phones editing one resident offline, a change the
server sends back, a revoked phone, and a new app version arriving while the outbox is full.

Every test drives real headless Chromium (phone viewport) against the live server; what the
phone holds is read from its IndexedDB ("wangge"), what the server holds from its database."""

from __future__ import annotations

import re
from datetime import date

from server.auth.models import Device, User
from server.auth.operations import revoke_device
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Resident
from server.registry.validators import make_id_number
from server.syncapi.models import Change, Conflict
from sync.client import SyncClient
from sync.transport import wsgi_transport
from tests.browser.conftest import wait_until
from tests.browser.test_shell import deploy_changed_css

# --- helpers --------------------------------------------------------------------------------

# One store of the page's IndexedDB, read without ever creating the database (DB_VERSION is 1:
# a probe that created it empty would leave the app without its stores).
READ_STORE = """async (store) => {
  const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : ['wangge'];
  if (!names.includes('wangge')) return null;
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('wangge');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const idb = open.result;
      if (!idb.objectStoreNames.contains(store)) { idb.close(); resolve(null); return; }
      const all = idb.transaction(store).objectStore(store).getAll();
      all.onsuccess = () => { idb.close(); resolve(all.result); };
      all.onerror = () => { idb.close(); reject(all.error); };
    };
  });
}"""

# Every sync outcome the service worker broadcasts ({type: 'SYNC_STATE', state: 'done'|'error',
# outbox, rejected, ...}) collected on window.__outcomes; survives nothing but the page itself.
LISTEN = """() => {
  window.__outcomes = [];
  if (!window.__listening) {
    window.__listening = true;
    navigator.serviceWorker.addEventListener('message', (event) => {
      const m = event.data || {};
      if (m.type === 'SYNC_STATE' && m.state !== 'running') window.__outcomes.push(m);
    });
  }
}"""


def idb(page, store: str) -> list:
    return page.evaluate(READ_STORE, store) or []


def meta(page, key: str):
    for row in idb(page, "meta"):
        if row["key"] == key:
            return row["value"]
    return None


def outbox(page, status: str | None = None) -> list[dict]:
    return [c for c in idb(page, "outbox") if status is None or c["status"] == status]


def wait_for_screen(page, text: str, timeout: float = 15000) -> None:
    page.locator("#screen").get_by_text(text).first.wait_for(timeout=timeout)


def log_in(page, server, username: str, pwa) -> None:
    """The login screen (network needed once), then the first download into IndexedDB."""
    page.goto(server.url("/app/login"))
    pwa.wait_for_service_worker(page)
    page.locator("input[name=username]").wait_for()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.password)
    page.get_by_role("button", name="登录", exact=True).click()
    # The home screen ("登录成功…", gone as soon as it refreshes itself after the first
    # download, so not waited for) then the grid's building, once the download has landed.
    page.wait_for_url(re.compile(r"/app/$"))
    page.locator("#screen a[href^='/app/buildings/']").first.wait_for(timeout=20000)
    assert meta(page, "token") and meta(page, "cursor")
    wait_until(page, "() => !document.querySelector('#sync-state') || document.querySelector('#sync-state').hidden")


def sync_now(page, *, expect: str = "done") -> dict:
    """Tap 立即同步 on the sync screen and wait for the service worker's outcome of a sync that
    started after the tap (a sync already running goes round once more, so the last word counts)."""
    if not page.url.endswith("/app/sync"):
        page.locator("#shell-nav a[data-nav=sync]").click()
        page.wait_for_url(re.compile(r"/app/sync$"))
    page.locator("#screen h2", has_text="待同步").wait_for()
    page.evaluate(LISTEN)
    page.locator("#screen").get_by_role("button", name="立即同步").click()
    if expect == "done":
        wait_until(page, "window.__outcomes.some((m) => m.state === 'done' && m.outbox === 0)", timeout=20000)
        outcome = page.evaluate("window.__outcomes.filter((m) => m.state === 'done' && m.outbox === 0).pop()")
    else:
        wait_until(page, f"window.__outcomes.some((m) => m.error === {expect!r})", timeout=20000)
        outcome = page.evaluate(f"window.__outcomes.filter((m) => m.error === {expect!r}).pop()")
    return outcome


def go_offline(context, page, server) -> None:
    """The phone loses the network. Chromium's offline mode reaches the page (navigator.onLine,
    the header's 离线) but not the service worker's own fetches, which would go on syncing: the
    server this phone talks to is stopped as well, so nothing gets through."""
    server.stop()
    context.set_offline(True)
    wait_until(page, "document.querySelector('#net-status').dataset.state === 'offline'")


def go_online(context, page, server) -> None:
    server.start()
    context.set_offline(False)
    # "online", or "unreachable" once a sync has tried a server that is down.
    wait_until(page, "document.querySelector('#net-status').dataset.state !== 'offline'")


def edit_resident(page, server, resident_id: str, **values: str) -> None:
    """Open the resident's edit form (a link on the household screen), change fields, save."""
    page.goto(server.url(f"/app/residents/{resident_id}/edit"))
    form = page.locator("#screen form.form")
    form.wait_for()
    for name, value in values.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_role("button", name="保存").click()
    wait_for_screen(page, "已保存居民")


def form_values(page, server, resident_id: str, *names: str) -> dict[str, str]:
    page.goto(server.url(f"/app/residents/{resident_id}/edit"))
    form = page.locator("#screen form.form")
    form.wait_for()
    return {name: form.locator(f"[name={name}]").input_value() for name in names}


def clock_key(text: str) -> tuple[int, int, str]:
    millis, counter, node = text.split("-", 2)
    return int(millis), int(counter), node


def server_query(server, fn):
    with server.app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


# --- 1. two phones, one resident ----------------------------------------------------------------

def test_two_phones_editing_one_resident_offline_converge_and_the_conflict_reaches_the_server(
        live_server, live_server_factory, phone, pwa, screenshot):
    server = live_server
    b_server = live_server_factory(share=server)  # b's own way in, so each phone goes offline alone
    resident = server.world.residents[0]
    household = server.world.households[0]
    a_context, b_context = phone(), phone()
    a, b = a_context.new_page(), b_context.new_page()
    log_in(a, server, "worker", pwa)
    log_in(b, b_server, "worker2", pwa)
    assert meta(a, "device_id") != meta(b, "device_id")
    sync_now(a)
    sync_now(b)

    go_offline(a_context, a, server)
    go_offline(b_context, b, b_server)
    edit_resident(a, server, resident.id, phone="13800001111", notes="女儿每周六来看望")
    edit_resident(b, b_server, resident.id, phone="13900002222")
    # Each phone shows its own edit at once, from IndexedDB, while offline.
    assert "138****1111" in a.locator("#screen").inner_text()
    assert "139****2222" in b.locator("#screen").inner_text()
    screenshot(a, "edge-conflict-phone-a-offline")
    [a_change] = outbox(a, "pending")
    [b_change] = outbox(b, "pending")
    # Sealed on the phone: only the names of the fields a change writes are readable.
    assert sorted(a_change["written"]) == ["notes", "phone"] and "fields" not in a_change
    assert b_change["written"] == ["phone"] and "fields" not in b_change
    winner, loser = (("13800001111", "13900002222") if clock_key(a_change["hlc"]) > clock_key(b_change["hlc"])
                     else ("13900002222", "13800001111"))

    go_online(a_context, a, server)
    sync_now(a)
    go_online(b_context, b, b_server)
    sync_now(b)
    # Second round: each phone pulls what the other pushed.
    sync_now(a)
    sync_now(b)

    for page, door in ((a, server), (b, b_server)):
        assert form_values(page, door, resident.id, "phone", "notes") == {
            "phone": winner, "notes": "女儿每周六来看望"}
        assert outbox(page) == []
        [replica] = [r for r in idb(page, "records") if r["entity"] == "resident" and r["id"] == resident.id]
        assert "box" in replica and "fields" not in replica
    a.goto(server.url(f"/app/households/{household.id}"))
    wait_for_screen(a, "女儿每周六来看望")
    screenshot(a, "edge-conflict-converged")

    def on_server():
        row = db.session.get(Resident, resident.id)
        conflicts = db.session.scalars(db.select(Conflict).where(Conflict.record_id == resident.id)).all()
        return row.phone, row.notes, [(c.entity, c.field, c.winner_value, c.loser_value, c.status) for c in conflicts]

    phone_value, notes, conflicts = server_query(server, on_server)
    assert (phone_value, notes) == (winner, "女儿每周六来看望")
    assert conflicts == [("resident", "phone", winner, loser, "open")]


# --- 2. a change the server sends back ------------------------------------------------------------

def test_a_rejected_change_is_shown_and_can_be_fixed_and_resent(live_server, phone, pwa, screenshot):
    """The phone checks a birth date on its own; only the server sees the ID number a colleague
    entered meanwhile, and its merged-record rule (rules.check_resident) refuses the pair."""
    server = live_server
    resident = server.world.residents[0]
    context = phone()
    page = context.new_page()
    log_in(page, server, "worker", pwa)

    go_offline(context, page, server)
    edit_resident(page, server, resident.id, birth_date="1950-03-02")
    [change] = outbox(page, "pending")
    assert change["written"] == ["birth_date"]

    # Meanwhile a colleague's phone records her ID number (born 1950-03-01, a woman).
    id_number = make_id_number("110101", date(1950, 3, 1), 2)
    colleague = SyncClient(wsgi_transport(server.app))
    colleague.login("worker2", server.password)
    colleague.pull()
    colleague.update("resident", resident.id, {"id_number": id_number})
    [result] = colleague.push()
    assert result["status"] == "accepted", result

    go_online(context, page, server)
    outcome = sync_now(page)
    assert outcome["rejected"] == 1
    assert outbox(page, "pending") == []
    [rejected] = outbox(page, "rejected")
    assert rejected["id"] == change["id"]
    # The server's answer is sealed too; the sync screen below shows what it said.
    assert set(rejected["result"]) == {"iv", "data"}

    # The header and the home screen point at it; the sync screen says what and why, in Chinese.
    page.locator("#outbox-badge", has_text="未被接受 1").wait_for()
    page.goto(server.url("/app/sync"))
    item = page.locator(f"#rejected-{change['id']}")
    item.wait_for()
    page.locator("#outbox-badge", has_text="未被接受 1").wait_for()
    assert "未被接受的修改（1）" in page.locator("#screen").inner_text()
    text = item.inner_text()
    assert "未被接受" in text and "的居民 张秀英" in text and "退回" not in text
    assert "有内容不符合要求" in text
    assert "出生日期" in text and "出生日期与身份证号不一致" in text
    fix = item.locator("input[name='f.birth_date']")
    assert fix.input_value() == "1950-03-02"
    screenshot(page, "edge-rejected-listed", full_page=True)

    fix.fill("1950-03-01")
    item.get_by_role("button", name="修改后重新提交").click()
    # The fixed change replaces the rejected one in the outbox (the sync screen's "已重新提交"
    # lasts only until the sync that follows the write refreshes it).
    item.wait_for(state="detached")
    assert outbox(page, "rejected") == []
    sync_now(page)
    page.goto(server.url("/app/sync"))
    page.locator("#screen h2", has_text="待同步（0）").wait_for()
    assert page.locator("#screen").get_by_text("未被接受的修改").count() == 0
    assert outbox(page) == []
    assert page.locator("#outbox-badge").is_hidden()
    screenshot(page, "edge-rejected-fixed")
    assert form_values(page, server, resident.id, "birth_date") == {"birth_date": "1950-03-01"}

    def on_server():
        row = db.session.get(Resident, resident.id)
        changes = db.session.scalars(db.select(Change).where(Change.record_id == resident.id,
                                                             Change.entity == "resident")).all()
        return row.birth_date, row.id_number, {c.id: (c.status, c.fields) for c in changes}

    birth, number, changes = server_query(server, on_server)
    assert (birth, number) == (date(1950, 3, 1), id_number)
    assert changes[change["id"]] == ("rejected", {"birth_date": "1950-03-02"})
    resent = [c for c, (status, fields) in changes.items() if status == "accepted" and fields == {"birth_date": "1950-03-01"}]
    assert len(resent) == 1 and resent[0] != change["id"]


# --- 3. a revoked phone ---------------------------------------------------------------------------

def test_a_revoked_phone_wipes_its_data(live_server, phone, pwa, screenshot):
    server = live_server
    household = server.world.households[0]
    context = phone()
    page = context.new_page()
    log_in(page, server, "worker", pwa)
    assert len(idb(page, "records")) > 0

    # Something recorded and synced, and something recorded offline that never left the phone.
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    wait_for_screen(page, "已记录走访")
    sync_now(page)
    go_offline(context, page, server)
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    wait_for_screen(page, "已记录走访")
    assert len(outbox(page, "pending")) == 1
    device_id = meta(page, "device_id")

    def revoke():
        device = db.session.get(Device, device_id)
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        assert device is not None and device.user_id == db.session.scalar(
            db.select(User.id).where(User.username == "worker"))
        revoke_device(device, admin.id)
        db.session.commit()

    server_query(server, revoke)

    # Back online, the phone syncs by itself ('online'), learns it was revoked, wipes, signs out.
    page.goto(server.url("/app/sync"))
    page.locator("#screen h2", has_text="待同步（1）").wait_for()
    server.start()
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/app/login"))
    page.locator("input[name=username]").wait_for()
    wait_for_screen(page, "此设备已被停用")
    screenshot(page, "edge-revoked-login")

    assert idb(page, "records") == []
    assert idb(page, "outbox") == []
    assert idb(page, "blobs") == []
    assert {row["key"] for row in idb(page, "meta")} <= {"device_id"}
    # The household is gone from the phone: its URL asks for a login now.
    page.goto(server.url(f"/app/households/{household.id}"))
    page.wait_for_url(re.compile(r"/app/login"))
    page.locator("input[name=username]").wait_for()
    assert "张秀英" not in page.content()
    # And this phone cannot sign in again.
    page.fill("input[name=username]", "worker")
    page.fill("input[name=password]", server.password)
    page.get_by_role("button", name="登录", exact=True).click()
    wait_for_screen(page, "此设备已被停用")
    # The visit synced before the revocation is on the server; the offline one was wiped unsent.
    visits = server_query(server, lambda: db.session.scalars(
        db.select(Visit.id).where(Visit.household_id == household.id)).all())
    assert len(visits) == 1


# --- 4. a new version while the outbox is full ----------------------------------------------------

class ApiGate:
    """WSGI middleware: while closed, /api/ answers 503 (the sync server down for maintenance)
    and the app's own files are still served, so a deploy reaches the phone but its sync cannot."""

    def __init__(self, app):
        self.app = app
        self.closed = False

    def __call__(self, environ, start_response):
        if self.closed and environ.get("PATH_INFO", "").startswith("/api/"):
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"code": "internal_error", "message": "maintenance"}']
        return self.app(environ, start_response)


def test_a_new_version_takes_over_without_losing_the_outbox(
        live_server_factory, dist_copy, phone, pwa, screenshot):
    server = live_server_factory(PWA_DIST=str(dist_copy))
    gate = ApiGate(server.app.wsgi_app)
    server.app.wsgi_app = gate
    household = server.world.households[0]
    context = phone()
    page = context.new_page()
    log_in(page, server, "worker", pwa)
    mark = "getComputedStyle(document.body).getPropertyValue('--deployed').trim()"
    assert page.evaluate(mark) == ""

    go_offline(context, page, server)
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    wait_for_screen(page, "已记录走访")
    [visit] = outbox(page, "pending")
    assert visit["entity"] == "visit"
    page.locator("#outbox-badge", has_text="待同步 1").wait_for()

    # A new version is deployed while the phone is away; it comes back to a server whose sync
    # API is still down: the app update arrives, the visit cannot leave yet.
    gate.closed = True
    deploy_changed_css(dist_copy, "\nbody { --deployed: 'v2'; }\n")
    go_online(context, page, server)
    page.evaluate("navigator.serviceWorker.getRegistration('/app/').then((r) => r.update())")
    banner = page.locator("#update-banner")
    banner.wait_for(state="visible")
    assert "未同步的记录会保留" in banner.inner_text()
    assert [c["id"] for c in outbox(page, "pending")] == [visit["id"]]
    screenshot(page, "edge-update-with-outbox")

    with page.expect_navigation():
        banner.get_by_role("button", name="立即更新").click()
    page.wait_for_load_state()
    pwa.wait_for_service_worker(page)
    assert page.evaluate(mark) == "'v2'"
    assert page.locator("#update-banner").is_hidden()

    # The new version holds the same outbox: the visit, unsent, on the household and sync screens
    # (its worker starts without the data key: unlocked first).
    assert [c["id"] for c in outbox(page, "pending")] == [visit["id"]]
    page.goto(server.url(f"/app/households/{household.id}"))
    pwa.unlock(page, server.password)
    page.locator("#screen .visit .badge", has_text="待同步").wait_for()
    page.goto(server.url("/app/sync"))
    page.locator("#screen h2", has_text="待同步（1）").wait_for()
    assert "走访" in page.locator("#screen").inner_text()
    screenshot(page, "edge-update-outbox-kept")

    gate.closed = False
    sync_now(page)
    page.locator("#screen h2", has_text="待同步（0）").wait_for()
    visits = server_query(server, lambda: db.session.scalars(
        db.select(Visit.id).where(Visit.household_id == household.id)).all())
    assert visits == [visit["record_id"]]
    assert outbox(page) == []
