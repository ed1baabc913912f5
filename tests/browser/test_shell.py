"""The app shell: installable, precached by its service worker, opening with the server stopped,
and taking over cleanly when a new version is deployed."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
from pathlib import Path

from tests.browser.conftest import wait_until


def visible_nav_labels(page) -> list[str]:
    nav = page.locator("nav.tabbar:visible").first
    return [text.strip() for text in nav.locator("a").all_inner_texts()]


def server_is_down(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_the_app_installs_its_service_worker_and_opens_with_the_server_stopped(
        live_server, phone, pwa, screenshot):
    page = phone().new_page()
    reply = page.goto(live_server.url("/app/"))
    assert reply.ok
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".appbar-name").inner_text().strip() == "网格通"
    pwa.wait_for_service_worker(page)
    scope = page.evaluate("navigator.serviceWorker.getRegistration('/app/').then((r) => r && r.scope)")
    assert scope == live_server.url("/app/")
    assert page.locator("#net-status").inner_text() == "在线"
    screenshot(page, "shell-online")

    with live_server.stopped():
        assert server_is_down(live_server.port)
        from_worker = []
        page.on("response", lambda r: from_worker.append((r.url, r.from_service_worker)))
        reply = page.reload()
        assert reply.ok and reply.from_service_worker
        assert page.locator(".appbar-name").inner_text().strip() == "网格通"
        assert page.title().endswith("网格通")
        assets = {url.split("?")[0].rsplit("/", 1)[-1]: worker for url, worker in from_worker}
        assert assets.get("app.js") and assets.get("app.css") and assets.get("htmx.min.js"), assets
        wait_until(page, "document.querySelector('#screen').children.length > 0")
        # Nobody has signed in on this phone: the sign-in form alone, without tabs that lead back to it.
        page.locator("#screen input[name=password]").wait_for()
        assert visible_nav_labels(page) == []
        screenshot(page, "shell-offline")

        # A screen URL never visited, opened in a new tab: still the app, not the browser's error page.
        deep = page.context.new_page()
        reply = deep.goto(live_server.url("/app/due"))
        assert reply.ok and reply.from_service_worker
        assert deep.locator(".appbar-name").inner_text().strip() == "网格通"
        screenshot(deep, "shell-offline-deep-link")

    assert not server_is_down(live_server.port)


def test_the_header_shows_when_the_phone_is_offline(live_server, phone, pwa):
    context = phone()
    page = context.new_page()
    page.goto(live_server.url("/app/"))
    pwa.wait_for_service_worker(page)
    context.set_offline(True)
    wait_until(page, "document.querySelector('#net-status').dataset.state === 'offline'")
    assert page.locator("#net-status").inner_text() == "离线"
    context.set_offline(False)
    wait_until(page, "document.querySelector('#net-status').dataset.state === 'online'")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_makes_the_app_installable(live_server, phone):
    page = phone().new_page()
    page.goto(live_server.url("/app/"))
    href = page.locator("link[rel=manifest]").get_attribute("href")
    reply = page.request.get(live_server.url(href))
    assert reply.ok and reply.headers["content-type"].startswith("application/manifest+json")
    manifest = reply.json()
    assert "网格通" in manifest["name"] and manifest["short_name"] == "网格通"
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {}
    for icon in manifest["icons"]:
        image = page.request.get(live_server.url(icon["src"]))
        assert image.ok and image.headers["content-type"] == "image/png", icon
        width, height = png_size(image.body())
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), set()).add(width)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]

    worker = page.request.get(live_server.url("/app/sw.js"))
    assert worker.headers["service-worker-allowed"] == "/app/"
    assert worker.headers["cache-control"] == "no-cache"


# --- a new version ---------------------------------------------------------------------------

ENTRY = re.compile(r'\{"revision":"([0-9a-f]{32})","url":"([^"]+)"\}')


def deploy_changed_css(dist: Path, css: str) -> None:
    """What `make pwa` + a deploy produce when app.css changes: the file, index.html's ?v= for it,
    and sw.js's precache revisions (workbox-build's are the md5 of each file)."""
    (dist / "app.css").write_text((dist / "app.css").read_text(encoding="utf-8") + css, encoding="utf-8")
    version = hashlib.sha256((dist / "app.css").read_bytes()).hexdigest()[:12]
    index = dist / "index.html"
    index.write_text(re.sub(r"/app/app\.css\?v=[0-9a-f]+", f"/app/app.css?v={version}",
                            index.read_text(encoding="utf-8")), encoding="utf-8")
    sw = (dist / "sw.js").read_text(encoding="utf-8")

    def revise(match):
        url = match.group(2)
        return json.dumps({"revision": hashlib.md5((dist / url).read_bytes()).hexdigest(), "url": url},
                          separators=(",", ":"))

    revised = ENTRY.sub(revise, sw)
    assert revised != sw
    (dist / "sw.js").write_text(revised, encoding="utf-8")


def test_a_new_version_shows_the_update_banner_and_takes_over_on_tap(
        live_server_factory, dist_copy, phone, pwa, screenshot):
    server = live_server_factory(PWA_DIST=str(dist_copy))
    page = phone().new_page()
    page.goto(server.url("/app/"))
    pwa.wait_for_service_worker(page)
    mark = "getComputedStyle(document.body).getPropertyValue('--deployed').trim()"
    assert page.evaluate(mark) == ""
    assert page.locator("#update-banner").is_hidden()

    deploy_changed_css(dist_copy, "\nbody { --deployed: 'v2'; }\n")
    page.evaluate("navigator.serviceWorker.getRegistration('/app/').then((r) => r.update())")
    banner = page.locator("#update-banner")
    banner.wait_for(state="visible")
    assert "新版本" in banner.inner_text()
    screenshot(page, "shell-update-banner")
    # Until the tap, the running version keeps serving this page.
    assert page.evaluate(mark) == ""

    with page.expect_navigation():
        banner.get_by_role("button", name="立即更新").click()
    page.wait_for_load_state()
    pwa.wait_for_service_worker(page)
    assert page.evaluate(mark) == "'v2'"
    assert page.locator("#update-banner").is_hidden()
    waiting = page.evaluate("navigator.serviceWorker.getRegistration('/app/').then((r) => !!r.waiting)")
    assert waiting is False


def test_the_browser_reopened_on_the_same_profile_opens_the_app_with_the_server_stopped(
        live_server, phone_profile, pwa, screenshot):
    first = phone_profile("worker-phone")
    page = first.pages[0] if first.pages else first.new_page()
    page.goto(live_server.url("/app/"))
    pwa.wait_for_service_worker(page)
    first.close()

    with live_server.stopped():
        again = phone_profile("worker-phone")
        page = again.pages[0] if again.pages else again.new_page()
        reply = page.goto(live_server.url("/app/"))
        assert reply.ok and reply.from_service_worker
        assert page.locator(".appbar-name").inner_text().strip() == "网格通"
        wait_until(page, "document.querySelector('#screen').children.length > 0")
        screenshot(page, "shell-offline-reopened-profile")
