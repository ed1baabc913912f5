"""The phone stays online while the server goes away and comes back: it must keep trying on its
retry schedule (a few attempts a minute, not a storm) and send its outbox once the server answers,
with no reload and no tap, whether Background Sync is allowed or denied. And after a sync, the
worker whose edit lost to someone else's is told so, by whom, until they dismiss it.

The phone talks to the server through a small TCP proxy that can switch to dropping every
connection after reading its request line, so the test can count the attempts a dead server gets.
The retry schedule runs with every time unit scaled by SCALE (the service worker's test hook):
WINDOW seconds here are WINDOW / SCALE seconds of the production schedule."""

from __future__ import annotations

import re
import socket
import threading
import time
from types import SimpleNamespace

import pytest

from server.auth.models import User
from server.extensions import db
from server.registry.models import Resident
from tests.browser.conftest import free_port, wait_until
from tests.browser.test_sync_edge_cases import (
    edit_resident, go_offline, go_online, log_in, outbox, server_query, sync_now,
)

SCALE = 0.2
WINDOW = 24.0  # s: two minutes of the production schedule
PRODUCTION_MINUTES = WINDOW / SCALE / 60
# "At most a few attempts a minute": the schedule averages well under four in its first minutes.
MOST_PER_MINUTE = 6


class Proxy:
    """127.0.0.1:<port> → the live server; `refusing` drops each connection after its request
    line (the phone sees a network error, as with a server that is down) and counts it."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.refusing = False
        self.seen: list[tuple[float, str, bool]] = []  # (time, "POST /path", refused)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def attempts(self, path: str, since: float = 0.0) -> int:
        return sum(1 for at, line, refused in self.seen if refused and at >= since and path in line)

    def close(self) -> None:
        self._open = False
        self._listener.close()

    def _accept(self) -> None:
        while self._open:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        head = b""
        try:
            while b"\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    conn.close()
                    return
                head += chunk
        except OSError:
            conn.close()
            return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        refused = self.refusing
        self.seen.append((time.monotonic(), line, refused))
        if refused:
            conn.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        upstream.sendall(head)

        def pipe(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        back = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
        back.start()
        pipe(conn, upstream)
        back.join(timeout=60)
        conn.close()
        upstream.close()


@pytest.fixture
def proxy(live_server):
    door = Proxy(live_server.port)
    yield door
    door.close()


@pytest.mark.parametrize("background_sync", ["allowed", "denied"])
def test_the_outbox_goes_out_when_the_server_answers_again_without_a_storm(
        live_server, proxy, phone, pwa, screenshot, background_sync):
    server = live_server
    door = SimpleNamespace(url=proxy.url, password=server.password)
    context = phone()
    page = context.new_page()
    origin = proxy.url("").rstrip("/")
    devtools = context.new_cdp_session(page)
    if background_sync == "allowed":
        context.grant_permissions(["background-sync"], origin=origin)
    else:
        # As a worker who blocked it in the site settings: the worker's register() is refused.
        own = devtools.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        devtools.send("Browser.setPermission", {"permission": {"name": "background-sync"}, "setting": "denied",
                                                "origin": origin, "browserContextId": own})
    registrations = {}
    devtools.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.update(
        {r["scopeURL"]: r["registrationId"] for r in event["registrations"] if not r.get("isDeleted")}))
    devtools.send("ServiceWorker.enable")
    log_in(page, door, "worker", pwa)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'RETRY_SCALE', scale: %s})" % SCALE)
    resident = server.world.residents[0]

    proxy.refusing = True
    down_since = time.monotonic()
    edit_resident(page, door, resident.id, notes="服务器停机时保存")
    page.evaluate("window.__samePage = true")
    assert len(outbox(page, "pending")) == 1
    wait_until(page, "document.querySelector('#net-status').dataset.state === 'unreachable'")
    tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags()).catch(() => [])")
    if background_sync == "allowed":
        # Registered after the failed attempt, for when no page is open. Headless Chromium does not
        # fire it by itself: the test fires it four times a second, as a browser caught in a
        # re-registration loop would; the schedule must hold all the same.
        assert tags == ["wangge-sync"]
        sync_event = {"origin": origin, "registrationId": registrations[proxy.url("/app/")],
                      "tag": "wangge-sync", "lastChance": False}
        while time.monotonic() - down_since < WINDOW:
            devtools.send("ServiceWorker.dispatchSyncEvent", sync_event)
            page.wait_for_timeout(250)
    else:
        assert tags == []
        # A second tab with its own timer, load and visibility requests: the worker still decides.
        second = context.new_page()
        second.goto(door.url("/app/sync"))
        second.locator("#screen h2", has_text="待同步").wait_for()
        page.wait_for_timeout(WINDOW * 1000 - (time.monotonic() - down_since) * 1000)
    attempts = proxy.attempts("/api/sync/push", since=down_since)
    screenshot(page, f"retry-server-down-{background_sync}")
    # It kept trying (the first attempt on saving, then the schedule's), but never as a storm.
    assert 3 <= attempts <= MOST_PER_MINUTE * PRODUCTION_MINUTES, attempts
    assert len(outbox(page, "pending")) == 1

    proxy.refusing = False
    # The schedule's longest wait (its cap, scaled), and the sync itself: no reload, no tap.
    wait_until(page, "() => document.querySelector('#net-status').dataset.state === 'online'",
               timeout=60000 * SCALE + 15000)
    wait_until(page, "() => !document.querySelector('#outbox-badge') || document.querySelector('#outbox-badge').hidden",
               timeout=15000)
    assert outbox(page, "pending") == []
    assert page.evaluate("window.__samePage === true")
    notes = server_query(server, lambda: db.session.get(Resident, resident.id).notes)
    assert notes == "服务器停机时保存"
    screenshot(page, f"retry-server-back-{background_sync}")


# --- the worker whose edit lost is told -------------------------------------------------------

def test_the_worker_whose_edit_was_replaced_is_told_by_whom_until_they_dismiss_it(
        live_server, live_server_factory, phone, pwa, screenshot):
    server = live_server
    b_server = live_server_factory(share=server)  # the second phone's own way in, to lose alone
    resident = server.world.residents[0]
    a_context, b_context = phone(), phone()
    a, b = a_context.new_page(), b_context.new_page()
    log_in(a, server, "worker", pwa)
    log_in(b, b_server, "worker2", pwa)
    sync_now(a)
    sync_now(b)

    # b is out of reach while a saves and sends; then b, not having seen a's note, writes its own.
    go_offline(b_context, b, b_server)
    edit_resident(a, server, resident.id, notes="每周三送药")
    sync_now(a)
    edit_resident(b, b_server, resident.id, notes="已搬去女儿家")
    go_online(b_context, b, b_server)
    sync_now(b)
    sync_now(a)

    winner = server_query(server, lambda: db.session.scalar(db.select(User.name).where(User.username == "worker2")))
    name = server_query(server, lambda: db.session.get(Resident, resident.id).name)
    said = re.compile(rf"你对 居民 {re.escape(name)} 的「备注」修改被 {re.escape(winner)}（\d{{4}}-\d\d-\d\d \d\d:\d\d）的修改替换")
    a.goto(server.url("/app/"))
    banner = a.locator("#screen .overwritten-banner")
    banner.wait_for()
    assert said.search(banner.inner_text())
    screenshot(a, "overwritten-home-banner")
    a.locator("#shell-nav a[data-nav=sync]").click()
    notice = a.locator("#screen #overwritten li").first
    assert said.search(notice.inner_text())
    screenshot(a, "overwritten-sync-screen")
    # The link opens the record, which shows the value that won.
    notice.get_by_role("link").click()
    a.locator("#screen").get_by_text("已搬去女儿家").first.wait_for()
    # The winner lost nothing and is told nothing.
    b.goto(b_server.url("/app/"))
    b.locator("#screen h1.bar-title", has_text="首页").wait_for()
    assert b.locator("#screen .overwritten-banner").count() == 0

    a.goto(server.url("/app/"))
    a.locator("#screen .overwritten-banner").get_by_role("button", name="知道了").click()
    a.locator("#screen h1.bar-title", has_text="首页").wait_for()
    wait_until(a, "() => !document.querySelector('#screen .overwritten-banner')")
    a.goto(server.url("/app/sync"))
    a.locator("#screen h2", has_text="待同步").wait_for()
    assert a.locator("#screen #overwritten").count() == 0
