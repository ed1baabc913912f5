"""Another website open in the worker's or the staff member's browser, and records whose text is
markup, attacked in real Chromium:

- every POST route of the field app (enumerated from the service worker's route table) gets an
  auto-submitting form from a cross-site page (localhost vs 127.0.0.1), from a same-site page on
  another port, into a hidden iframe, and a no-cors fetch(): nothing reaches the outbox or the
  server, and the worker sees the refusal;
- every POST route of the console (enumerated from the URL map) gets the same cross-site and
  same-site forms with a signed-in staff member: refused, the database unchanged;
- markup and javascript: URLs stored in the text fields of buildings, households, residents, care
  tags, visits, findings and case steps (from the server and typed on the phone) are shown as text
  on every field-app screen and console page that shows them, and no script runs.

Each test prints its count of attempts ("N attempts, 0 succeeded")."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from html import escape
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from server.areas.models import Building
from server.cases.models import CaseStep, Finding, HandlingUnit
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from server.syncapi.direct import DirectWriter
from server.syncapi.models import Change
from sync.ids import uuid7
from tests.browser.conftest import ROOT, field_login, free_port, wait_until

# --- the other website ------------------------------------------------------------------------


class Attacker:
    """A plain HTTP server on its own port: pages[path] -> HTML (no CSP: a hostile site)."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0], "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, host: str, name: str, html: str) -> str:
        """Serve `html` at /<name>; its URL on `host` (localhost: another site than 127.0.0.1)."""
        self.pages[f"/{name}"] = html
        return f"http://{host}:{self.port}/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker():
    site = Attacker()
    yield site
    site.close()


def hidden_inputs(fields: dict) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(str(v))}">' for k, v in fields.items())


def auto_form(action: str, fields: dict, target: str = "") -> str:
    """An auto-submitting form, as a hostile page writes it (inline script: no CSP there)."""
    frame = '<iframe name="sink" style="display:none"></iframe>' if target else ""
    done = "document.querySelector('iframe').onload = () => { document.title = 'sent'; };" if target else ""
    return (f'<!doctype html><title>prize</title>{frame}<form id="f" method="post" action="{escape(action)}"'
            f'{f" target={target}" if target else ""}>{hidden_inputs(fields)}</form>'
            f"<script>{done}document.getElementById('f').submit();</script>")


def no_cors_fetch(action: str, fields: dict) -> str:
    body = json.dumps(fields)
    return ("<!doctype html><title>prize</title><script>"
            f"const data = new FormData(); for (const [k, v] of Object.entries({body})) data.append(k, v);"
            f"fetch({json.dumps(action)}, {{method: 'POST', mode: 'no-cors', credentials: 'include', body: data}})"
            ".finally(() => { document.title = 'sent'; });</script>")


def forgive_framing_refusals(csp_violations: list[str], app_origin: str) -> None:
    """The app refusing to be framed by the attacker's page is the defence working, not a page
    of ours breaking its own policy."""
    csp_violations[:] = [v for v in csp_violations
                         if not (f"Framing '{app_origin}/'" in v and "frame-ancestors 'none'" in v)]


# --- the field app ------------------------------------------------------------------------------

def field_app_routes() -> list[list[str]]:
    """[method, path, name] of every route, from the service worker's own table."""
    script = "import { routeTable } from './src/sw/router.js'; console.log(JSON.stringify(routeTable()));"
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT / "pwa",
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def outbox_count(page) -> int:
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('wangge');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const db = open.result;
            const count = db.transaction('outbox').objectStore('outbox').count();
            count.onsuccess = () => { resolve(count.result); db.close(); };
            count.onerror = () => reject(count.error);
        };
    })""")


def server_counts(server) -> dict:
    with server.app.app_context():
        counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                  for model in (Change, Finding, Visit, Resident, Household, ResidentTag, CaseStep)}
        db.session.remove()
    return counts


def field_app_attacks(world) -> dict[str, tuple[str, dict]]:
    """Per POST route name: the URL and fields of a request that would change something."""
    household, resident = world.households[0], world.residents[0]
    some_id = str(uuid7())
    return {
        # Login CSRF: the phone would be signed in to the attacker's account.
        "login": ("/app/login", {"username": "volunteer", "password": "change-me"}),
        "logout": ("/app/logout", {"confirm": "1"}),
        "lang": ("/app/lang", {"lang": "en", "next": "/app/"}),
        "visit": (f"/app/households/{household.id}/visits", {"method": "in_person", "outcome": "normal"}),
        "visitFix": (f"/app/visits/{some_id}/fix", {"method": "phone", "outcome": "normal", "notes": "forged"}),
        "residentNew": (f"/app/residents/new?household={household.id}",
                        {"name": "伪造居民", "sex": "male", "birth_date": "1990-01-01", "relation": "other"}),
        "residentEdit": (f"/app/residents/{resident.id}/edit",
                         {"name": "伪造", "sex": "female", "birth_date": "1950-01-01", "relation": "head"}),
        "unitNew": (f"/app/buildings/{household.building_id}/units/new",
                    {"name": "伪造的单位", "kind": "shop", "contact_phone": "13800000000"}),
        "unitEdit": (f"/app/units/{some_id}/edit", {"name": "伪造", "kind": "company", "status": "closed"}),
        "householdNew": (f"/app/households/new?building={household.building_id}&unit=1&floor=30&room=3001",
                         {"housing_use": "rented", "r.name": "伪造住户", "r.sex": "male"}),
        "birth": (f"/app/households/{household.id}/birth", {"name": "伪造婴儿", "sex": "male", "birth_date": "2026-01-01"}),
        "householdStatus": (f"/app/households/{household.id}/status", {"state": "demolished"}),
        "residentMoveOut": (f"/app/residents/{resident.id}/move-out", {"moved_out_on": "2026-01-01", "moved_out_to": "伪造"}),
        "residentDeath": (f"/app/residents/{resident.id}/death", {"moved_out_on": "2026-01-01"}),
        "patrolNew": ("/app/patrol/new", {"category": "safety_plaster", "description": "紧急：伪造的上报",
                                          "urgency": "emergency"}),
        "patrolCheck": (f"/app/patrol/{some_id}/check", {"result": "verified", "opinion": "forged"}),
        "syncRun": ("/app/sync/run", {"next": "/app/"}),
        "resend": (f"/app/sync/rejected/{some_id}", {"f.name": "forged"}),
        "redo": (f"/app/sync/rejected/{some_id}/redo", {}),
        "discard": (f"/app/sync/rejected/{some_id}/discard", {"confirm": "1"}),
        "dismissNotice": ("/app/sync/notices/1/dismiss", {"next": "/app/"}),
        # Five wrong PINs wipe the phone: another site must not be able to count them down.
        "unlock": ("/app/unlock", {"kind": "pin", "secret": "000000"}),
        "pin": ("/app/pin", {"pin": "111111", "confirm": "111111", "minutes": "1"}),
    }


def test_no_other_site_can_post_to_the_field_app(live_server, phone, attacker, csp_violations):
    server = live_server
    posts = sorted(name for method, _, name in field_app_routes() if method != "GET")
    attacks = field_app_attacks(server.world)
    assert posts == sorted(attacks), "a new POST route of the field app needs its attack here"

    page = phone().new_page()
    field_login(page, server, "worker")
    page.locator("#screen a[href^='/app/buildings/']").first.wait_for()  # the first download is in
    assert outbox_count(page) == 0
    before = server_counts(server)

    origin = server.base
    attempts = refused_seen = 0
    for name, (path, fields) in attacks.items():
        action = origin + path
        # Top-level form posts: from another site, and from the same site on another port.
        for host in ("localhost", "127.0.0.1"):
            page.goto(attacker.page(host, f"{name}-{host}", auto_form(action, fields)))
            page.wait_for_url(f"{origin}{path.split('?')[0]}*")
            refusal = page.locator("#screen [data-code=cross_site_refused]")
            refusal.wait_for()
            assert "其他网站" in refusal.inner_text() and "没有保存任何内容" in refusal.inner_text()
            attempts += 1
            refused_seen += 1
        # Into a hidden iframe (the worker would notice nothing), and a no-cors fetch.
        for kind, html in (("frame", auto_form(action, fields, target="sink")), ("fetch", no_cors_fetch(action, fields))):
            page.goto(attacker.page("localhost", f"{name}-{kind}", html))
            wait_until(page, "document.title === 'sent'")
            attempts += 1

    page.goto(server.url("/app/sync"))
    page.locator("#screen h1.bar-title", has_text="同步").wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-CN", "the language was not switched"
    assert outbox_count(page) == 0, "a forged change reached the outbox"
    assert "退出登录" in page.locator("#screen").inner_text(), "still signed in (log-out refused)"
    # The sync screen names the signed-in account (the stored one is sealed: encrypted at rest).
    assert "· worker" in page.locator("#screen").inner_text(), "signed in as someone else"
    assert server_counts(server) == before, "a forged change reached the server"

    # The app's own forms still work: a boosted (htmx) post, and a plain same-origin form post.
    page.goto(server.url("/app/patrol/new"))
    form = page.locator("#screen form.form")
    form.locator("select[name=category]").select_option("safety_plaster")
    form.locator("textarea[name=description]").fill("楼道堆放杂物")
    form.get_by_role("button", name="提交上报").click()
    page.locator("#screen .flash", has_text="已上报").wait_for()
    assert outbox_count(page) >= 1 or server_counts(server)["Finding"] == before["Finding"] + 1
    page.goto(server.url("/app/sync"))
    page.evaluate("() => document.querySelector('form.lang-switch').submit()")  # no htmx: a navigation
    wait_until(page, "document.documentElement.lang === 'en'")
    forgive_framing_refusals(csp_violations, origin)
    print(f"\nfield app: {len(attacks)} POST routes, {attempts} cross-site attempts, "
          f"{refused_seen} refusals shown to the worker, 0 succeeded")


# --- the console --------------------------------------------------------------------------------

def fingerprint(server) -> str:
    """Every row of every table: a refused request leaves it as it was."""
    with server.app.app_context():
        parts = []
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(table.select()).all()
            parts.append((table.name, sorted(repr(tuple(row)) for row in rows)))
        db.session.remove()
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def console_post_routes(app) -> list[tuple[str, list[str]]]:
    return sorted((rule.rule, sorted(rule.arguments)) for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/console/") and "POST" in rule.methods)


# Fields a forger would send: enough for every console form to act, were the request accepted.
CONSOLE_FIELDS = {
    "username": "attacker", "password": "Attack-er-2026!", "name": "伪造", "display_name": "伪造", "role": "street_admin",
    "active": "0", "to_status": "closed", "opinion": "forged", "level": "community", "unit": "forged",
    "decision": "approve", "status": "approved", "comment": "forged", "choice": "server", "lang": "en",
    "community_id": "x", "grid_ids": "x", "area_ids": "x", "sex": "male", "notes": "forged", "room": "999",
    "reason": "forged", "tag": "elderly_alone", "ended_on": "2026-01-01", "hours": "1", "kind": "residents",
}


def console_args(world, finding_id: str, tag_id: str, visit_id: str, entry_id: str) -> dict[str, str]:
    return {"finding_id": finding_id, "entry_id": entry_id, "hid": world.households[0].id, "rid": world.residents[0].id, "tid": tag_id,
            "visit_id": visit_id, "user_id": world.users["worker"].id, "device_id": str(uuid7()),
            "job_id": str(uuid7()), "conflict_id": "1", "building_id": world.households[0].building_id,
            "grid_id": world.grids[0].id, "community_id": world.grids[0].parent_id, "code": "elderly_alone",
            "uid": str(uuid7())}


def seed_case_records(server):
    world = server.world
    with server.app.app_context():
        writer = DirectWriter(db.session, server.app.extensions["wangge_clock"])
        grid, household, resident = world.grids[0], world.households[0], world.residents[0]
        worker = world.users["worker"]
        now = datetime.utcnow().replace(microsecond=0)
        finding = writer.put("finding", Finding(id=uuid7(), grid_id=grid.id, reporter_id=worker.id,
                                                category="safety_plaster", description="楼道堆放杂物",
                                                reported_at=now - timedelta(hours=3), status="reported"))
        tag = writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=resident.id, grid_id=grid.id,
                                                     tag="elderly_alone", detail={}, started_on=now.date()))
        visit = writer.put("visit", Visit(id=uuid7(), household_id=household.id, grid_id=grid.id, visitor_id=worker.id,
                                          visited_at=now - timedelta(hours=2), method="in_person", outcome="normal",
                                          resident_ids=[]))
        entry = HandlingUnit(id=uuid7(), area_id=grid.parent_id, name="物业服务中心", kind="property_manager")
        db.session.add(entry)
        db.session.commit()
        ids = SimpleNamespace(finding=finding.id, tag=tag.id, visit=visit.id, entry=entry.id)
        db.session.remove()
    return ids


def test_no_other_site_can_post_to_the_console(live_server, desk, console, attacker):
    server = live_server
    ids = seed_case_records(server)
    page = desk().new_page()
    console.login(page, server, "staff")
    cookie = next(c for c in page.context.cookies() if c["domain"] == "127.0.0.1" and c["httpOnly"])
    assert cookie["sameSite"] == "Lax", cookie  # a cross-site POST arrives without the session

    args = console_args(server.world, ids.finding, ids.tag, ids.visit, ids.entry)
    routes = console_post_routes(server.app)
    assert len(routes) >= 20, routes
    attempts = 0
    for rule, names in routes:
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: args[m.group(1)], rule)
        action = server.url(path)
        for host in ("localhost", "127.0.0.1"):
            before = fingerprint(server)
            with page.expect_response(lambda r: r.request.method == "POST" and r.url.startswith(action)) as answer:
                page.goto(attacker.page(host, f"c{attempts}", auto_form(action, CONSOLE_FIELDS)))
            status = answer.value.status
            assert status == 400, f"{host} → {rule}: {status}"
            assert "页面已过期" in answer.value.text(), rule  # csrf_failed, in Chinese and English
            assert fingerprint(server) == before, f"{host} → {rule} changed the database"
            signed_in = page.context.request.get(server.url("/console/"), max_redirects=0).status
            assert signed_in == 200, f"{host} → {rule} signed the staff member out"
            attempts += 1
    # Still signed in, nothing changed for the staff member.
    page.goto(server.url("/console/"))
    assert "/console/login" not in page.url
    print(f"\nconsole: {len(routes)} POST routes, {attempts} cross-site attempts, 0 succeeded")


# --- stored markup ------------------------------------------------------------------------------

# Each sets a marker if it ever runs; the page's CSP would also report it (and fail the test).
PAYLOADS = [
    "<img src=x onerror=__pwned=1>",
    '"><script>__pwned=2</script>',
    "'><svg onload=__pwned=3>",
    "javascript:__pwned=4",
    "</textarea><b id=pw>5</b>",
]
ALL = " ".join(PAYLOADS)

INSPECT = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    injected: [...document.querySelectorAll(
        'img[src="x"], svg[onload], [onerror], [onload], script:not([src]):not([type="application/json"]), '
        + 'a[href^="javascript:" i], #pw, iframe[srcdoc]'
    )].map((e) => e.outerHTML.slice(0, 120)),
    text: document.body.innerText + '\\n' + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\\n'),
})"""


def seed_markup(server):
    """Records of the worker's grid whose every free-text field holds the payloads."""
    world = server.world
    with server.app.app_context():
        writer = DirectWriter(db.session, server.app.extensions["wangge_clock"])
        grid, worker = world.grids[0], world.users["worker"]
        now = datetime.utcnow().replace(microsecond=0)
        building = writer.put("building", Building(id=uuid7(), grid_id=grid.id, number="9", name=PAYLOADS[0],
                                                   units=1, floors=2, rooms_per_floor=1, captain_name=PAYLOADS[2][:32],
                                                   notes=ALL))
        household = writer.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id, unit=1,
                                                       floor=1, room="101", housing_use="rented",
                                                       landlord_name=PAYLOADS[1], notes=ALL))
        resident = writer.put("resident", Resident(id=uuid7(), household_id=household.id, grid_id=grid.id,
                                                   name=PAYLOADS[0], sex="female", birth_date=now.date() - timedelta(days=80 * 365),
                                                   relation="head", notes=ALL))
        writer.put("resident", Resident(id=uuid7(), household_id=household.id, grid_id=grid.id, name=PAYLOADS[1],
                                        sex="male", relation="spouse"))
        writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=resident.id, grid_id=grid.id, tag="elderly_alone",
                                               detail={"risk_level": "high", "kin_name": PAYLOADS[2][:32]},
                                               started_on=now.date() - timedelta(days=60)))
        visit = writer.put("visit", Visit(id=uuid7(), household_id=household.id, grid_id=grid.id, visitor_id=worker.id,
                                          visited_at=now - timedelta(days=20), method="in_person", outcome="issue_found",
                                          resident_ids=[resident.id], notes=ALL, needs=ALL,
                                          review_status="returned", review_comment=PAYLOADS[3]))
        finding = writer.put("finding", Finding(id=uuid7(), grid_id=grid.id, reporter_id=worker.id,
                                                category="safety_plaster", description=ALL, address=PAYLOADS[4],
                                                reported_at=now - timedelta(days=2), status="handled",
                                                unit=PAYLOADS[1]))
        writer.put("case_step", CaseStep(id=uuid7(), finding_id=finding.id, grid_id=grid.id, reporter_id=worker.id,
                                         actor_id=world.users["staff"].id, from_status="reported", to_status="handled",
                                         opinion=ALL, at=now - timedelta(days=1), unit=PAYLOADS[1]))
        db.session.commit()
        ids = SimpleNamespace(building=building.id, household=household.id, resident=resident.id, visit=visit.id,
                              finding=finding.id)
        db.session.remove()
    return ids


def inspect(page, where: str, shown: list[str]) -> None:
    result = page.evaluate(INSPECT)
    assert result["pwned"] is None, f"{where}: a payload ran ({result['pwned']})"
    assert not result["injected"], f"{where}: markup from data became elements: {result['injected']}"
    missing = [p for p in shown if p not in result["text"]]
    assert not missing, f"{where}: not shown literally: {missing}"


def test_stored_markup_is_text_on_every_screen_and_page(live_server, phone, desk, console):
    server = live_server
    ids = seed_markup(server)
    checks = 0

    # The phone: the records arrive by sync; the worker also types markup into a finding.
    page = phone().new_page()
    field_login(page, server, "worker")
    page.locator(f"#screen a[href='/app/buildings/{ids.building}']").wait_for()
    screens = {
        "/app/": [PAYLOADS[0]],
        f"/app/buildings/{ids.building}": [],
        f"/app/households/{ids.household}": [PAYLOADS[0], PAYLOADS[1]],
        f"/app/households/{ids.household}/visit": [PAYLOADS[0]],
        f"/app/residents/{ids.resident}/edit": [PAYLOADS[0]],
        f"/app/visits/{ids.visit}/fix": [PAYLOADS[3]],
        "/app/due": [PAYLOADS[0]],
        "/app/patrol": [PAYLOADS[4]],
        f"/app/patrol/{ids.finding}/check": [],
        "/app/search?q=img": [PAYLOADS[0]],
        "/app/sync": [],
    }
    for path, shown in screens.items():
        page.goto(server.url(path))
        page.locator("#screen h1.bar-title").wait_for()
        inspect(page, path, shown)
        checks += 1
    page.goto(server.url("/app/patrol/new"))
    form = page.locator("#screen form.form")
    form.locator("select[name=category]").select_option("safety_plaster")
    form.locator("textarea[name=description]").fill(ALL)
    form.get_by_role("button", name="提交上报").click()
    page.locator("#screen .flash", has_text="已上报").wait_for()
    inspect(page, "patrol list after the typed finding", [ALL])
    checks += 1
    with server.app.app_context():
        wait_for = lambda: db.session.scalar(select(func.count()).select_from(Finding).where(Finding.description == ALL))
        typed = None
        for _ in range(200):
            if wait_for() == 2:
                typed = db.session.scalar(select(Finding.id).where(Finding.description == ALL, Finding.id != ids.finding))
                break
            db.session.remove()
            page.wait_for_timeout(100)
        db.session.remove()
    assert typed, "the typed finding did not sync"

    # The console, as the community's staff.
    desk_page = desk().new_page()
    console.login(desk_page, server, "staff")
    pages = {
        "/console/": [],
        "/console/residents?q=%3Cimg": [PAYLOADS[0]],
        f"/console/residents/{ids.resident}": [PAYLOADS[0]],
        f"/console/residents/{ids.resident}/edit": [PAYLOADS[0]],
        "/console/households": [],
        f"/console/households/{ids.household}": [PAYLOADS[0]],
        f"/console/households/{ids.household}/edit": [],
        "/console/cases": [],
        f"/console/cases/{ids.finding}": [ALL],
        f"/console/cases/{typed}": [ALL],
        "/console/review": [],
        "/console/rejections": [],
        "/console/conflicts": [],
        "/console/ledgers": [],
    }
    for path, shown in pages.items():
        response = desk_page.goto(server.url(path))
        assert response.status == 200, f"{path}: {response.status}"
        inspect(desk_page, path, shown)
        checks += 1
    print(f"\nstored markup: {len(PAYLOADS)} payloads in 18 text fields, {checks} pages checked "
          f"({len(screens) + 1} field-app screens, {len(pages)} console pages), 0 ran, 0 became markup")
