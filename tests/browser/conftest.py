"""Browser fixtures: the real app on a live port (stoppable, to go offline for real), Debian's
Chromium through Playwright, phone-sized contexts, persistent profiles and screenshots.

    def test_x(live_server, phone, screenshot):
        page = phone().new_page()
        page.goto(live_server.url("/app/"))
        with live_server.stopped():
            page.reload()            # served by the service worker alone
        screenshot(page, "x")

Needs `make pwa` (pwa/dist) and scripts/ensure-browser.sh (/usr/bin/chromium, fonts-noto-cjk);
`make test` runs both first. The browser tests never skip: a missing piece fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import WSGIRequestHandler, make_server

from server.extensions import db
from tests.conftest import PASSWORD, build_world, make_app

ROOT = Path(__file__).resolve().parents[2]
PWA_DIST = ROOT / "pwa" / "dist"
VENDOR = ROOT / "pwa" / "vendor"  # htmx and ECharts for the console, filled by the same build
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "service_workers": "allow",
}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --- the live server ----------------------------------------------------------------------

class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no keep-alive connection outlives a stop, so "stopped" means unreachable."""

    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app served on 127.0.0.1:<port> from a thread; stop() and start() keep the port."""

    def __init__(self, app, port: int | None = None):
        self.app = app
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def url(self, path: str = "/") -> str:
        return self.base + path

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server:
            return
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True,
                                   request_handler=OneRequestPerConnection)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if not self._server:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self._server = self._thread = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @contextmanager
    def stopped(self):
        """The server down for the block (connection refused), then back on the same port."""
        self.stop()
        try:
            yield self
        finally:
            self.start()


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    if not (PWA_DIST / "index.html").is_file() or not (PWA_DIST / "sw.js").is_file():
        pytest.fail(f"the field app is not built ({PWA_DIST} is missing): run `make pwa`", pytrace=False)
    if not (VENDOR / "htmx.min.js").is_file() or not (VENDOR / "echarts.min.js").is_file():
        pytest.fail(f"the console's scripts are not built ({VENDOR} is missing): run `make pwa`", pytrace=False)
    return PWA_DIST


def readable_after_session(world):
    """The world's rows loaded and detached, so tests read world.households[0].id outside the app."""
    rows = []
    for value in vars(world).values():
        rows.extend(value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value])
    for row in rows:
        db.session.refresh(row)
    db.session.expunge_all()
    return world


@pytest.fixture
def live_server_factory(tmp_path, pwa_dist):
    """live_server_factory(**config) -> a started LiveServer on a fresh SQLite database with the
    dictionaries and the small world of tests/conftest.py (its .world; password PASSWORD).

    live_server_factory(share=server) -> the same app and database on a port of its own: a second
    phone served there can lose the server (stop()) while the first still reaches it."""
    servers = []

    def make(share: LiveServer | None = None, **config) -> LiveServer:
        if share is not None:
            server = LiveServer(share.app)
            server.world, server.password = share.world, share.password
            server.start()
            servers.append(server)
            return server
        home = tmp_path / f"server{len(servers)}"
        home.mkdir()
        config.setdefault("PWA_DIST", str(pwa_dist))
        app = make_app("sqlite", home, **config)
        with app.app_context():
            world = readable_after_session(build_world(app))
            db.session.remove()
        server = LiveServer(app)
        server.world = world
        server.password = PASSWORD
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
        with server.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(live_server_factory) -> LiveServer:
    return live_server_factory()


@pytest.fixture
def dist_copy(tmp_path, pwa_dist) -> Path:
    """A private copy of pwa/dist, for tests that deploy a changed version."""
    target = tmp_path / "dist"
    shutil.copytree(pwa_dist, target)
    return target


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser.sh (as root) or `make test`", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def csp_violations():
    """Every page the browser tests open runs under the server's CSP: a refusal the browser logs
    (a blocked inline script or style, a blocked request) fails the test."""
    seen: list[str] = []
    yield seen
    assert not seen, "Content Security Policy violations:\n" + "\n".join(seen)


def watch_csp(context, seen: list[str]) -> None:
    context.on("console", lambda message: seen.append(f"{message.location.get('url')}: {message.text}")
               if "Content Security Policy" in message.text else None)


def _context_maker(browser, defaults, seen: list[str]):
    """make(**options) -> a new browser context with `defaults`; all closed at teardown."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{**defaults, **options})
        context.set_default_timeout(15000)
        watch_csp(context, seen)
        contexts.append(context)
        return context

    return make, contexts


@pytest.fixture
def phone(browser, csp_violations):
    """phone(**options) -> a new phone-sized browser context (390×844, touch, zh-CN, service workers)."""
    make, contexts = _context_maker(browser, PHONE, csp_violations)
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_profile(playwright_instance, tmp_path, csp_violations):
    """phone_profile(name="default") -> a phone context on a persistent profile directory.

    Close it and call again with the same name for "a new browser context on the same profile":
    service worker, caches and IndexedDB survive, as on a phone whose browser was closed."""
    open_contexts = []

    def make(name: str = "default", **options):
        for context in [c for c in open_contexts if getattr(c, "profile_name", None) == name]:
            context.close()
            open_contexts.remove(context)
        context = playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{name}"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            **{**PHONE, **options})
        context.profile_name = name
        context.set_default_timeout(15000)
        watch_csp(context, csp_violations)
        open_contexts.append(context)
        return context

    yield make
    for context in open_contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, name) -> test-artifacts/screenshots/<name>.png (the phone's viewport)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


# --- helpers for the tests ----------------------------------------------------------------

def wait_until(page, expression: str, arg=None, timeout: float = 15000) -> None:
    """Until `expression` (or the function, called with `arg`) is truthy in the page.

    Playwright's page.wait_for_function compiles its predicate with eval inside the page, which
    the app's CSP (script-src 'self') refuses; page.evaluate goes through DevTools instead."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise  # a navigation in between is no answer yet; anything else is a real error
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} ms: {expression}")
        page.wait_for_timeout(50)


def wait_for_service_worker(page, timeout: float = 20000) -> None:
    """Until the page is controlled by the active worker (precache complete)."""
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
               timeout=timeout)


PIN = "246810"


# The home screen after a sync has finished: the grid is listed and nothing waits to be sent.
HOME_READY = """() => {
    const grid = document.querySelector('#screen h2.section-title');
    const status = document.querySelector('#screen .sync-status');
    return Boolean(grid && status && /待同步\\s*0\\s*条/.test(status.innerText)
        && !status.innerText.includes('尚未同步') && !status.innerText.includes('正在'));
}"""


def field_login(page, server, username: str) -> None:
    """Sign in to the field app through its form (the server's password), up to the home screen."""
    page.goto(server.url("/app/login"))
    wait_for_service_worker(page)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(server.password)
    page.get_by_role("button", name="登录").click()
    page.locator("#screen h1.bar-title", has_text="首页").wait_for()


def set_pin(page, server, pin: str = PIN, minutes: int | None = None) -> None:
    """Set the phone's unlock PIN (and the idle delay) on /app/pin, as the worker would."""
    page.goto(server.url("/app/pin"))
    page.locator("#screen input[name=pin]").fill(pin)
    page.locator("#screen input[name=confirm]").fill(pin)
    if minutes is not None:
        page.locator("#screen select[name=minutes]").select_option(str(minutes))
    page.locator("#screen").get_by_role("button", name="保存").click()
    page.locator("#screen .flash", has_text="PIN 已保存").wait_for()


def unlock(page, secret: str = PIN) -> None:
    """On the unlock screen (the service worker restarted or the app locked itself), type the
    PIN, or the password on a phone without a PIN, and unlock."""
    page.locator("#screen h1.bar-title", has_text="已锁定").wait_for()
    page.locator("#screen input[name=secret]").fill(secret)
    with page.expect_navigation():
        page.locator("#screen").get_by_role("button", name="解锁", exact=True).click()


@pytest.fixture
def pwa():
    return SimpleNamespace(wait_for_service_worker=wait_for_service_worker, password=PASSWORD, pin=PIN,
                           set_pin=set_pin, unlock=unlock)


# --- the staff console ----------------------------------------------------------------------

DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def desk(browser, csp_violations):
    """desk(**options) -> a new office-PC browser context (1366×768, zh-CN) for the console."""
    make, contexts = _context_maker(browser, DESK, csp_violations)
    yield make
    for context in contexts:
        context.close()


def console_login(page, server, username: str, password: str = PASSWORD) -> None:
    """Sign in to /console/ through the form, as a person would."""
    page.goto(server.url("/console/login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/console/**")
    if "/console/login" in page.url:
        raise AssertionError(f"sign-in as {username} failed: {page.inner_text('#flash')}")


@pytest.fixture
def console():
    return SimpleNamespace(login=console_login, password=PASSWORD)
