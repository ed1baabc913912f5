"""The field app in English: a grid worker switches the language on the sync screen, sees the
home screen and the tab bar in English, keeps English through an offline reload (the choice
lives on the phone, the shell is translated by the service worker), and switches back to Chinese
while still offline. Nothing may overflow the 390 px phone width in English.

Screenshots: test-artifacts/screenshots/english-home.png and english-sync.png (phone viewport)."""

from __future__ import annotations

import re

from tests.browser.conftest import wait_until
from tests.browser.test_sync_edge_cases import go_offline, log_in, meta

TABS = {"home": "Home", "due": "Due visits", "patrol": "Patrol", "search": "Search", "sync": "Sync"}
TABS_ZH = {"home": "首页", "due": "待访", "patrol": "巡查", "search": "搜索", "sync": "同步"}

# Chinese characters and full-width punctuation in the chrome and UI texts (not the data, not the
# brand 网格通, not the switch back, which names Chinese in Chinese).
CHINESE_IN_CHROME = r"""() => {
  const cjk = /[\u3000-\u303f\u3400-\u9fff\uff01-\uff0a\uff0c-\uffef]/;
  const parts = [...document.querySelectorAll('#shell-nav, .appbar-status, #update-banner, #screen .bar, #screen .stats, #screen .sync-status, #screen form:not(.lang-switch), #screen h2:not(.section-title)')];
  return parts.map((e) => e.innerText).filter((text) => cjk.test(text));
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1);
  }).map((e) => `${e.tagName}.${e.className}: ${e.innerText?.slice(0, 40)}`);
  return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
}"""


def tab_labels(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#shell-nav a[data-nav]')]
        .map((a) => [a.dataset.nav, a.innerText.trim()]))""")


def wait_for_title(page, title: str) -> None:
    page.locator("#screen h1.bar-title", has_text=re.compile(f"^{re.escape(title)}$")).wait_for(timeout=15000)


def assert_fits(page, where: str) -> None:
    fit = page.evaluate(OVERFLOW)
    assert fit["scroll"] <= fit["width"], f"{where} scrolls sideways in English: {fit}"
    assert not fit["wide"], f"{where}: elements past the screen edge: {fit['wide']}"


def test_switch_to_english_and_back_offline(live_server, phone, pwa, screenshot):
    server = live_server
    context = phone()
    page = context.new_page()
    log_in(page, server, "worker", pwa)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert tab_labels(page) == TABS_ZH

    # The switch sits on the sync screen, with the account and log-out.
    page.locator("#shell-nav a[data-nav=sync]").click()
    page.wait_for_url(re.compile(r"/app/sync$"))
    wait_for_title(page, "同步")
    page.locator("#screen").get_by_role("button", name="English", exact=True).click()

    # A full reload of the same screen: the shell changes with it.
    wait_until(page, "document.documentElement.lang === 'en'")
    wait_for_title(page, "Sync")
    assert page.url.endswith("/app/sync")
    assert meta(page, "lang") == "en"
    assert tab_labels(page) == TABS
    page.locator("#net-status", has_text="Online").wait_for()
    page.locator("#screen").get_by_role("button", name="Log out", exact=True).wait_for()
    page.locator("#screen").get_by_role("button", name="Sync now", exact=True).wait_for()
    assert page.evaluate(CHINESE_IN_CHROME) == []
    assert_fits(page, "sync")
    screenshot(page, "english-sync", full_page=True)

    page.locator("#shell-nav a[data-nav=home]").click()
    wait_for_title(page, "Home")
    stats = page.locator("#screen .stats").inner_text()
    for word in ("Overdue", "Due in 7 days", "Waiting to sync"):
        assert word in stats, stats
    page.locator("#screen .sync-status", has_text=re.compile(r"Waiting to sync\s*0\s*changes")).wait_for()
    page.locator("#screen").get_by_role("link", name="Search residents, addresses").wait_for()
    page.locator("#screen a[href^='/app/buildings/']", has_text="Bldg").first.wait_for()
    assert page.evaluate(CHINESE_IN_CHROME) == []
    assert_fits(page, "home")
    screenshot(page, "english-home", full_page=True)

    # Offline, a reload is answered by the service worker alone: still English.
    go_offline(context, page, server)
    page.locator("#net-status", has_text="Offline").wait_for()
    page.reload()
    wait_for_title(page, "Home")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert tab_labels(page) == TABS
    page.locator("#net-status", has_text="Offline").wait_for()

    # Another screen in English, then back to Chinese, still offline.
    page.locator("#shell-nav a[data-nav=due]").click()
    wait_for_title(page, "Due visits")
    page.locator("#shell-nav a[data-nav=sync]").click()
    wait_for_title(page, "Sync")
    page.locator("#screen").get_by_role("button", name="中文", exact=True).click()
    wait_until(page, "document.documentElement.lang === 'zh-CN'")
    wait_for_title(page, "同步")
    assert tab_labels(page) == TABS_ZH
    page.locator("#net-status", has_text="离线").wait_for()
    page.locator("#screen").get_by_role("button", name="退出登录", exact=True).wait_for()
    assert meta(page, "lang") == "zh"
