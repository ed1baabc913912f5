"""A lost phone is not a data breach: the field app's IndexedDB, read raw from the page and from the
browser profile's files on disk, holds no resident name, ID number or phone in clear text; the app
locks, unlocks offline with the PIN, wipes after too many wrong PINs (after saying what would be
lost); and a sign-in the server no longer accepts sends the worker to sign in again with the outbox
kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.extensions import db
from tests.browser.conftest import HOME_READY, PIN, LiveServer, field_login, set_pin, unlock, wait_until
from tests.conftest import make_app

# Every object store and index of the page's database, serialized: byte arrays (ciphertexts, IVs)
# are read as Latin-1 and UTF-8 text so a clear string cannot hide inside one.
DUMP_DATABASE = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('wangge');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const idb = open.result;
        const asText = (v) => {
            if (v instanceof ArrayBuffer) v = new Uint8Array(v);
            if (!ArrayBuffer.isView(v)) return v;
            const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
            let latin = '';
            for (let i = 0; i < bytes.length; i += 4096) latin += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096));
            return latin + '|' + new TextDecoder().decode(bytes);
        };
        const text = (v) => JSON.stringify(v, (k, x) => asText(x));
        const names = [...idb.objectStoreNames];
        const tx = idb.transaction(names);
        const parts = [];
        const stores = {};
        for (const name of names) {
            const store = tx.objectStore(name);
            const all = store.getAll();
            all.onsuccess = () => { stores[name] = all.result.length; parts.push(text(all.result)); };
            const keys = store.getAllKeys();
            keys.onsuccess = () => parts.push(text(keys.result));
            for (const index of store.indexNames) {
                const req = store.index(index).getAllKeys();
                req.onsuccess = () => parts.push(text(req.result));
            }
        }
        tx.oncomplete = () => { idb.close(); resolve({stores, text: parts.join('\\n')}); };
        tx.onerror = () => reject(tx.error);
    };
})"""

@pytest.fixture
def demo_server(tmp_path, pwa_dist):
    """The demo community (wgy1's grid: ~2,700 records) on a live port."""
    from server.demo.community import DEMO_PASSWORD, load_demo

    app = make_app("sqlite", tmp_path / "demo", PWA_DIST=str(pwa_dist))
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    server = LiveServer(app)
    server.password = DEMO_PASSWORD
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


def grid_people(server, username: str) -> list[tuple[str, str | None, str | None]]:
    """(name, ID number, phone) of every resident in the worker's grid, from the server."""
    from server.auth.models import Assignment, User
    from server.registry.models import Resident

    with server.app.app_context():
        try:
            user = db.session.scalar(db.select(User).where(User.username == username))
            grid_ids = db.session.scalars(db.select(Assignment.area_id).where(Assignment.user_id == user.id)).all()
            query = db.select(Resident).where(Resident.grid_id.in_(grid_ids))
            return [(r.name, r.id_number, r.phone) for r in db.session.scalars(query)]
        finally:
            db.session.remove()


def personal_values(people) -> set[str]:
    return {value for person in people for value in person if value and len(value) >= 2}


def clear_values(text: str) -> set[str]:
    """Every ID-number-, phone- and name-shaped piece of `text` (names: each 2-4 character run
    inside a run of Chinese characters), so the whole dump is scanned once."""
    found = set(re.findall(r"\d{17}[\dXx]|\d{11}", text))
    for run in re.findall(r"[\u3400-\u9fff·]{2,}", text):
        for size in (2, 3, 4):
            found.update(run[i:i + size] for i in range(len(run) - size + 1))
    return found


def profile_files(profile: Path) -> list[Path]:
    return [p for p in profile.rglob("*") if p.is_file() and "IndexedDB" in p.parts and "http_127.0.0.1" in str(p)]


def test_a_synced_grid_leaves_no_name_id_number_or_phone_in_clear_text(demo_server, phone_profile, tmp_path, screenshot):
    server = demo_server
    context = phone_profile("lost")
    page = context.pages[0] if context.pages else context.new_page()
    field_login(page, server, "wgy1")
    wait_until(page, HOME_READY, timeout=300000)
    set_pin(page, server)

    people = grid_people(server, "wgy1")
    with_id = [p for p in people if p[1]]
    with_phone = [p for p in people if p[2]]
    assert len(people) > 500 and len(with_id) > 100 and len(with_phone) > 100, (len(people), len(with_id), len(with_phone))

    dump = page.evaluate(DUMP_DATABASE)
    assert dump["stores"]["records"] > 2000, dump["stores"]
    text = dump["text"]
    leaked = sorted(clear_values(text) & personal_values(people))
    assert leaked == [], f"{len(leaked)} personal values in clear text, e.g. {leaked[:5]}"

    # The app itself still shows them once unlocked: a search by name finds the resident.
    name = with_id[0][0]
    page.goto(server.url(f"/app/search?q={name}"))
    page.locator("#search-results .resident-name", has_text=name).first.wait_for()
    screenshot(page, "crypt-search-unlocked")

    # The profile's files, as someone holding the phone's storage would copy them out.
    context.close()
    files = profile_files(tmp_path / "profile-lost")
    assert files, "no IndexedDB files in the profile"
    blob = b"".join(p.read_bytes() for p in files)
    # A positive control: clear keys (the record ids the indexes need) are found on disk...
    some_ids = re.findall(rb"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}", blob)
    assert some_ids, "the files hold no record id: the check below would see nothing"
    # ...and no ID number, phone or name is, in any encoding V8 or LevelDB would write.
    on_disk = clear_values(blob.decode("latin-1")) | clear_values(blob.decode("utf-8", "replace"))
    for encoding in ("utf-16-le",):
        for shift in (0, 1):
            on_disk |= clear_values(blob[shift:].decode(encoding, "replace"))
    # A two-character name is 4 bytes in UTF-16: megabytes of ciphertext hold some of 2,700 such
    # runs by chance. Three characters and more (every ID number, phone, and most names) cannot
    # match by chance; the raw stores above were checked for every value, whatever its length.
    found = sorted(v for v in on_disk & personal_values(people) if len(v) >= 3)
    assert found == [], f"{len(found)} personal values on disk, e.g. {found[:5]}"


def test_lock_unlock_offline_with_the_pin_and_wipe_after_wrong_pins(live_server, phone, screenshot):
    server = live_server
    context = phone()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    field_login(page, server, "worker")
    resident = server.world.residents[0]
    household = server.world.households[0]
    page.locator("#screen [data-pin-reminder]").wait_for()
    set_pin(page, server, minutes=1)
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen", has_text="张秀英").wait_for()

    # Offline, an unsynced visit, then the app locks (the worker taps 立即锁定).
    context.set_offline(True)
    server.stop()
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    page.locator("#screen").get_by_text("已记录走访").first.wait_for()
    page.goto(server.url("/app/lock?next=/app/households/" + household.id))
    page.locator("#screen h1.bar-title", has_text="已锁定").wait_for()
    assert "张秀英" not in page.locator("#screen").inner_text()
    # Every screen is the unlock screen now.
    page.goto(server.url("/app/search?q=张"))
    page.locator("#screen h1.bar-title", has_text="已锁定").wait_for()
    # The PIN pad: big keys, big text, fits 360 px.
    keys = page.locator("#screen [data-wangge-pin-key]")
    assert keys.count() == 12
    for i in range(keys.count()):
        box = keys.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= 360, box
    assert float(page.evaluate("getComputedStyle(document.querySelector('.pin-key')).fontSize").rstrip("px")) >= 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "crypt-unlock-pad")

    # Unlock offline with the pad: typing the sixth digit sends it.
    with page.expect_navigation():
        for digit in PIN:
            page.locator(f"#screen [data-wangge-pin-key='{digit}']").click()
    page.locator("#screen", has_text="张秀英").wait_for()
    assert "search" in page.url

    # Wrong PINs: a warning with the tries left and the unsynced changes a wipe would lose.
    page.goto(server.url("/app/lock?next=/app/"))
    for left in (4, 3, 2, 1):
        page.locator("#screen input[name=secret]").fill("000000")
        page.locator("#screen").get_by_role("button", name="解锁", exact=True).click()
        page.locator("#screen [role=alert]", has_text=f"还可再试 {left} 次").wait_for()
        assert "其中 1 条未同步的修改会丢失" in page.locator("#screen [role=alert]").inner_text()
    screenshot(page, "crypt-unlock-warning")
    page.locator("#screen input[name=secret]").fill("000000")
    page.locator("#screen").get_by_role("button", name="解锁", exact=True).click()
    page.locator("#screen", has_text="解锁失败次数过多，本机数据已清除").wait_for()
    dump = page.evaluate(DUMP_DATABASE)
    assert dump["stores"]["records"] == 0 and dump["stores"]["outbox"] == 0 and dump["stores"]["blobs"] == 0
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("input[name=password]").wait_for()
    assert resident.name not in page.locator("#screen").inner_text()


def test_a_restarted_worker_is_locked_and_the_pin_opens_it_offline(live_server, phone_profile):
    server = live_server
    context = phone_profile("restart")
    page = context.pages[0] if context.pages else context.new_page()
    field_login(page, server, "worker")
    set_pin(page, server)
    household = server.world.households[0]
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen", has_text="张秀英").wait_for()
    context.close()
    server.stop()
    context = phone_profile("restart")
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(server.url(f"/app/households/{household.id}"))
    unlock(page)
    page.locator("#screen", has_text="张秀英").wait_for()
    assert f"/app/households/{household.id}" in page.url


def test_a_refused_sign_in_keeps_the_outbox_and_sends_it_after_signing_in_again(live_server, phone, screenshot):
    from server.auth.models import Device
    from server.fieldwork.models import Visit

    server = live_server
    context = phone()
    page = context.new_page()
    field_login(page, server, "worker")
    wait_until(page, HOME_READY, timeout=30000)
    household = server.world.households[0]

    # A visit recorded offline, while the password is reset on the server (every device token of
    # the worker dies with it).
    context.set_offline(True)
    page.goto(server.url(f"/app/households/{household.id}"))
    page.locator("#screen", has_text="张秀英").wait_for()
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    page.locator("#screen").get_by_text("已记录走访").first.wait_for()
    with server.app.app_context():
        for device in db.session.scalars(db.select(Device)):
            device.token_hash = "reset-" + device.id
        db.session.commit()
        db.session.remove()
    context.set_offline(False)
    # Back online, the sync is refused: the worker is told, the visit stays on the phone.
    page.locator("#shell-notice", has_text="登录已过期").wait_for()
    page.goto(server.url("/app/sync"))
    page.locator("#screen .flash", has_text="本机 1 条未同步的修改已保留").wait_for()
    screenshot(page, "crypt-signin-expired")
    assert page.locator("input[name=username]").input_value() == "worker"
    page.locator("input[name=password]").fill(server.password)
    page.get_by_role("button", name="登录").click()
    page.locator("#screen h1.bar-title", has_text="首页").wait_for()

    def visits() -> int:
        with server.app.app_context():
            try:
                return db.session.scalar(db.select(db.func.count()).select_from(Visit).where(Visit.household_id == household.id))
            finally:
                db.session.remove()

    wait_until(page, "() => !document.querySelector('#outbox-badge') || document.querySelector('#outbox-badge').hidden",
               timeout=30000)
    assert visits() == 1
