"""What encrypting the phone's data costs: the field app before encryption (built from a baseline
commit) against this tree's, in real headless Chromium on the demo community. Prints figures and
records them (benchmarks/results.py), asserts nothing.

    .venv/bin/python -m benchmarks.pwa_crypto_bench            # needs pwa/node_modules, /usr/bin/chromium
    .venv/bin/python -m benchmarks.pwa_crypto_bench --runs 5 --baseline <commit>

For each build, at phone size: the first sync of wgy1 (tap 登录 → home lists the grid, download
done), then opening the largest building's door grid (户况图, tap → doors shown) `runs` times and a
search. For the encrypted build also: PBKDF2-SHA256 at the app's iteration count in the page, and
unlocking with the PIN (tap → home shown). Default baseline: the commit before crypto.js appeared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.results import record

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "pwa" / "dist"
PIN = "246810"

PBKDF2 = """async (iterations) => {
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('246810'), 'PBKDF2', false, ['deriveBits']);
    const t0 = performance.now();
    await crypto.subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations}, key, 256);
    return performance.now() - t0;
}"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(values: list[float]) -> str:
    if len(values) == 1:
        return ms(values[0])
    return f"median {ms(statistics.median(values))} (min {ms(min(values))}, max {ms(max(values))}, n={len(values)})"


def baseline_commit() -> str:
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", "pwa/src/storage/crypto.js"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    if not added:
        raise SystemExit("no commit adds pwa/src/storage/crypto.js: pass --baseline")
    return f"{added[-1]}^"


def build_baseline(commit: str, work: Path) -> Path:
    """pwa/ of `commit` built into work/plain/dist (node_modules borrowed from this tree)."""
    tree = work / "plain"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit, "pwa"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / "pwa" / "node_modules").symlink_to(ROOT / "pwa" / "node_modules")
    subprocess.run(["node", "build.mjs", "--outdir", str(tree / "dist"), "--vendordir", str(tree / "vendor")],
                   cwd=tree / "pwa", check=True, capture_output=True)
    return tree / "dist"


def add_tower(username: str, units: int = 4, floors: int = 25, rooms: int = 2) -> None:
    """A 200-door tower (4 units × 25 floors × 2 rooms), two residents a door, in the worker's
    grid: the demo's buildings are smaller."""
    from datetime import date

    from flask import current_app

    from server.areas.models import Area
    from server.areas.operations import add_building
    from server.auth.models import Assignment, User
    from server.extensions import db
    from server.registry.models import Household, Resident
    from server.registry.validators import make_id_number
    from server.syncapi.direct import DirectWriter
    from sync.ids import uuid7

    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"])
    user = db.session.scalar(db.select(User).where(User.username == username))
    grid = db.session.get(Area, db.session.scalar(db.select(Assignment.area_id).where(Assignment.user_id == user.id)))
    tower = add_building(writer, grid, "99", name="99号楼", units=units, floors=floors, rooms_per_floor=rooms)
    n = 0
    for unit in range(1, units + 1):
        for floor in range(1, floors + 1):
            for room in range(1, rooms + 1):
                home = writer.put("household", Household(id=uuid7(), building_id=tower.id, grid_id=grid.id, unit=unit,
                                                         floor=floor, room=f"{floor}{room:02d}"))
                for k in range(2):
                    n += 1
                    writer.put("resident", Resident(
                        id=uuid7(), household_id=home.id, grid_id=grid.id, name=f"楼九{n}", sex="female",
                        birth_date=date(1960, 1, 1 + k), id_type="resident_id",
                        id_number=make_id_number("110101", date(1960, 1, 1 + k), n % 500 * 2), phone=f"139{n:08d}"))


def poll(page, expression: str, timeout: float = 300) -> float:
    """Seconds until `expression` is truthy in the page (polled every 20 ms; the app's CSP refuses
    Playwright's wait_for_function)."""
    from playwright.sync_api import Error as PlaywrightError

    begun = time.perf_counter()
    while time.perf_counter() - begun < timeout:
        try:
            if page.evaluate(expression):
                return time.perf_counter() - begun
        except PlaywrightError:
            pass
        page.wait_for_timeout(20)
    raise TimeoutError(expression)


def measure(pw, server, name: str, dist: Path, work: Path, runs: int, encrypted: bool) -> dict:
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, HOME_READY, PHONE

    server.app.config["PWA_DIST"] = str(dist)
    context = pw.chromium.launch_persistent_context(str(work / f"profile-{name}"), executable_path=CHROMIUM,
                                                    args=CHROMIUM_ARGS, headless=True, **PHONE)
    context.set_default_timeout(300000)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(server.url("/app/login"))
    poll(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.locator("input[name=username]").fill("wgy1")
    page.locator("input[name=password]").fill(server.password)
    begun = time.perf_counter()
    page.get_by_role("button", name="登录").click()
    page.locator("#screen h1.bar-title", has_text="首页").wait_for()
    poll(page, HOME_READY)
    first_sync = time.perf_counter() - begun
    figures = {"first_sync": first_sync}

    counts = page.evaluate("""() => [...document.querySelectorAll("#screen a[href^='/app/buildings/']")]
        .map((a) => [a.getAttribute('href'), parseInt((a.querySelector('.muted') || {}).textContent || '0', 10)])""")
    href, doors = max(counts, key=lambda c: c[1])
    figures["doors"] = doors
    opens = []
    for _ in range(runs):
        page.goto(server.url("/app/"))
        page.locator(f"#screen a[href='{href}']").wait_for()
        begun = time.perf_counter()
        page.locator(f"#screen a[href='{href}']").click()
        page.locator("#screen .doors").wait_for()
        opens.append(time.perf_counter() - begun)
    figures["building"] = opens
    searches = []
    for _ in range(runs):
        page.goto(server.url("/app/search"))
        begun = time.perf_counter()
        page.goto(server.url("/app/search?q=zs"))
        page.locator("#search-results .resident-name").first.wait_for()
        searches.append(time.perf_counter() - begun)
    figures["search"] = searches
    if encrypted:
        from tests.browser.conftest import set_pin

        figures["pbkdf2"] = page.evaluate(PBKDF2, 310000) / 1000
        set_pin(page, server, PIN)
        unlocks = []
        for _ in range(runs):
            page.goto(server.url("/app/lock?next=/app/"))
            page.locator("#screen input[name=secret]").fill(PIN)
            begun = time.perf_counter()
            page.locator("#screen").get_by_role("button", name="解锁", exact=True).click()
            page.locator("#screen h1.bar-title", has_text="首页").wait_for()
            unlocks.append(time.perf_counter() - begun)
        figures["unlock"] = unlocks
    context.close()
    return figures


def run(runs: int, baseline: str) -> None:
    from playwright.sync_api import sync_playwright

    from server.demo.community import DEMO_PASSWORD, load_demo
    from server.extensions import db
    from tests.browser.conftest import LiveServer
    from tests.conftest import make_app

    work = Path(tempfile.mkdtemp(prefix="wangge-crypto-bench-"))
    try:
        plain = build_baseline(baseline, work)
        os.environ["WANGGE_INSTANCE"] = str(work / "instance")
        app = make_app("sqlite", work, PWA_DIST=str(DIST))
        with app.app_context():
            load_demo()
            add_tower("wgy1")
            db.session.commit()
            db.session.remove()
        server = LiveServer(app)
        server.password = DEMO_PASSWORD
        server.start()
        try:
            with sync_playwright() as pw:
                results = {
                    "plain": measure(pw, server, "plain", plain, work, runs, encrypted=False),
                    "sealed": measure(pw, server, "sealed", DIST, work, runs, encrypted=True),
                }
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"baseline (no encryption): {baseline}")
    for name, f in results.items():
        label = "without encryption" if name == "plain" else "with encryption   "
        print(f"{label}: first sync of wgy1 {ms(f['first_sync'])}; 户况图 of the largest building "
              f"({f['doors']} doors) {summary(f['building'])}; search 'zs' {summary(f['search'])}")
    sealed = results["sealed"]
    print(f"PBKDF2-SHA256 × 310000 in the page: {ms(sealed['pbkdf2'])}; unlock with the PIN (tap → home) "
          f"{summary(sealed['unlock'])}")
    first = sealed["first_sync"] / results["plain"]["first_sync"] - 1
    building = statistics.median(sealed["building"]) / statistics.median(results["plain"]["building"]) - 1
    print(f"cost of encryption: first sync {first:+.0%}, opening the building {building:+.0%}")
    record("pwa_crypto_bench", figures(results, runs, baseline))


def figures(results: dict, runs: int, baseline: str) -> list[dict]:
    def median_ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000)

    out = []
    for name, f in results.items():
        label = "without encryption" if name == "plain" else "with encryption"
        out += [
            {"name": f"first sync of wgy1, {label}", "value": round(f["first_sync"] * 1000), "unit": "ms"},
            {"name": f"户况图 of the largest building ({f['doors']} doors), {label} (median of {runs})",
             "value": median_ms(f["building"]), "unit": "ms", "goal": 100, "better": "lower",
             "note": "issue 12 (sync at district scale): ≤ 100 ms for 200 doors"},
            {"name": f"search 'zs', {label} (median of {runs})", "value": median_ms(f["search"]), "unit": "ms"},
        ]
    sealed = results["sealed"]
    out += [
        {"name": "PBKDF2-SHA256 × 310000 in the page", "value": round(sealed["pbkdf2"] * 1000), "unit": "ms"},
        {"name": f"unlock with the PIN (median of {runs})", "value": median_ms(sealed["unlock"]), "unit": "ms"},
        {"name": "cost of encryption, first sync",
         "value": round((sealed["first_sync"] / results["plain"]["first_sync"] - 1) * 100), "unit": "%",
         "note": f"against the field app at {baseline}"},
        {"name": "cost of encryption, opening the building",
         "value": round((statistics.median(sealed["building"]) / statistics.median(results["plain"]["building"]) - 1) * 100),
         "unit": "%", "note": f"against the field app at {baseline}"},
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the screen measurements")
    parser.add_argument("--baseline", default=None, help="commit whose field app has no encryption")
    args = parser.parse_args()
    run(args.runs, args.baseline or baseline_commit())


if __name__ == "__main__":
    main()
