"""Field app benchmarks in real headless Chromium on the demo community: prints figures, asserts nothing.

    .venv/bin/python -m benchmarks.pwa_bench            # needs pwa/dist (`make pwa`) and /usr/bin/chromium
    .venv/bin/python -m benchmarks.pwa_bench --runs 5

Measures, at phone size (390×844, the browser tests' PHONE profile):
- the app shell's transfer size (gzip of every precached file, and of sw.js);
- the first sync of the demo grid worker wgy1: tap 登录 → home screen listing the grid with the
  download finished (IndexedDB record count included);
- opening /app/ with the server stopped (connection refused), service worker installed and logged
  in, until the home screen lists the grid: in the same browser (warm) and in a browser started
  again on the same profile (cold; browser start-up reported separately);
- a few offline screens reached by taps (户况图 of the largest building, a household, a search).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "pwa" / "dist"
MANIFEST_ENTRY = re.compile(r'\{"revision":"[0-9a-f]{32}","url":"([^"]+)"\}')

HOME_READY = """() => {
    const grid = document.querySelector('#screen h2.section-title');
    const status = document.querySelector('#screen .sync-status');
    if (!grid || !status) return false;
    const text = status.innerText;
    return /待同步\\s*0\\s*条/.test(text) && !text.includes('尚未同步') && !text.includes('正在') && performance.now();
}"""

COUNT_RECORDS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('wangge');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const req = open.result.transaction('records').objectStore('records').count();
        req.onsuccess = () => { resolve(req.result); open.result.close(); };
        req.onerror = () => reject(req.error);
    };
})"""


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def shell_size() -> None:
    sw = (DIST / "sw.js").read_bytes()
    urls = MANIFEST_ENTRY.findall(sw.decode("utf-8"))
    raw = zipped = 0
    for url in urls:
        data = (DIST / url).read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data, 9))
    sw_zipped = len(gzip.compress(sw, 9))
    print(f"app shell: {len(urls)} precached files, {kib(raw)} raw, {kib(zipped)} gzip; "
          f"sw.js {kib(len(sw))} raw, {kib(sw_zipped)} gzip; install transfer ≈ {kib(zipped + sw_zipped)} gzip")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(values: list[float]) -> str:
    if len(values) == 1:
        return ms(values[0])
    return f"median {ms(statistics.median(values))} (min {ms(min(values))}, max {ms(max(values))}, n={len(values)})"


def run(runs: int) -> None:
    shell_size()
    work = Path(tempfile.mkdtemp(prefix="wangge-pwa-bench-"))
    try:
        measure(work, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(work: Path, runs: int) -> None:
    """Everything the run makes (database, blobs, the browser profile) lives in `work`."""
    from playwright.sync_api import sync_playwright

    from server.demo.community import DEMO_PASSWORD, load_demo
    from server.extensions import db
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, LiveServer
    from tests.conftest import make_app

    os.environ["WANGGE_INSTANCE"] = str(work / "instance")
    app = make_app("sqlite", work, PWA_DIST=str(DIST))
    started = time.perf_counter()
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    print(f"demo community loaded (server side, SQLite) in {time.perf_counter() - started:.1f} s")

    server = LiveServer(app)
    server.start()
    profile = work / "profile"
    with sync_playwright() as pw:
        def launch():
            begun = time.perf_counter()
            context = pw.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **PHONE)
            context.set_default_timeout(120000)
            return context, time.perf_counter() - begun

        context, _ = launch()
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.url("/app/login"))
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
        page.locator("input[name=username]").fill("wgy1")
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.evaluate("""() => navigator.serviceWorker.addEventListener('message', (e) => {
            if (e.data && e.data.type === 'SYNC_PROGRESS') (window.benchProgress = window.benchProgress || []).push(e.data);
        })""")
        begun = time.perf_counter()
        page.get_by_role("button", name="登录").click()
        page.locator("#screen h1.bar-title", has_text="首页").wait_for()
        logged_in = time.perf_counter() - begun
        page.wait_for_function(HOME_READY, polling=50)
        first_sync = time.perf_counter() - begun
        records = page.evaluate(COUNT_RECORDS)
        progress = page.evaluate("window.benchProgress || []")
        pages = max((p.get("pages") or 0 for p in progress), default=0)
        buildings = page.locator("#screen a[href^='/app/buildings/']").count()
        print(f"first sync of wgy1 (tap 登录 → home listing the grid, download done): {ms(first_sync)} "
              f"(login answer on screen after {ms(logged_in)}); {records} records in IndexedDB, "
              f"{pages} pull pages reported, {buildings} buildings on the home screen")

        server.stop()
        warm = []
        warm_in_page = []
        for _ in range(runs):
            begun = time.perf_counter()
            page.goto(server.url("/app/"))
            at = page.wait_for_function(HOME_READY, polling=16).json_value()
            warm.append(time.perf_counter() - begun)
            warm_in_page.append(at / 1000)
        print(f"offline open, same browser (goto /app/ → home lists the grid), server stopped: "
              f"wall {summary(warm)}; in page (performance.now at home ready) {summary(warm_in_page)}")

        cold = []
        cold_in_page = []
        startups = []
        for _ in range(runs):
            context.close()
            context, startup = launch()
            page = context.pages[0] if context.pages else context.new_page()
            begun = time.perf_counter()
            page.goto(server.url("/app/"))
            at = page.wait_for_function(HOME_READY, polling=16).json_value()
            cold.append(time.perf_counter() - begun)
            cold_in_page.append(at / 1000)
            startups.append(startup)
        print(f"offline open, browser restarted on the same profile: wall {summary(cold)}; "
              f"in page {summary(cold_in_page)}; browser start-up before that {summary(startups)}")

        # A few screens by tap, offline: the largest building, its first household, a search.
        counts = page.evaluate("""() => [...document.querySelectorAll("#screen a[href^='/app/buildings/']")]
            .map((a) => [a.getAttribute('href'), parseInt((a.querySelector('.muted') || {}).textContent || '0', 10)])""")
        href, households = max(counts, key=lambda c: c[1])
        begun = time.perf_counter()
        page.locator(f"#screen a[href='{href}']").click()
        page.locator("#screen .doors").wait_for()
        building_s = time.perf_counter() - begun
        begun = time.perf_counter()
        page.locator("#screen a.door").first.click()
        page.locator("#screen .quick-visit").wait_for()
        household_s = time.perf_counter() - begun
        page.goto(server.url("/app/search"))
        page.locator("input[name=q]").wait_for()
        begun = time.perf_counter()
        page.locator("input[name=q]").fill("zs")
        page.locator("#search-results h2").first.wait_for()
        search_s = time.perf_counter() - begun
        hits = page.locator("#search-results .resident-name").count()
        print(f"offline screens by tap: 户况图 of the largest building ({households} households) "
              f"{ms(building_s)}, a household {ms(household_s)}, "
              f"search 'zs' {ms(search_s)} incl. the 300 ms typing delay ({hits} residents)")
        context.close()
    print(json.dumps({"first_sync_s": round(first_sync, 3), "records": records,
                      "offline_open_warm_median_s": round(statistics.median(warm), 3),
                      "offline_open_cold_median_s": round(statistics.median(cold), 3)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the offline-open measurements")
    args = parser.parse_args()
    run(args.runs)


if __name__ == "__main__":
    main()
