"""Conflicts and rejected changes in a real browser at an office PC's size: two phones (Python
sync clients over HTTP) edit one resident offline, staff restore the overwritten value in the
console, and both phones end up with it; a refused change is listed with its reason."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from server.registry.validators import make_id_number

from sync.client import SyncClient
from sync.transport import http_transport


GOOD_ID = make_id_number("110105", date(1948, 3, 2), 11)
BAD_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] == "0" else "0")  # a wrong check character


def phone(server, username: str) -> SyncClient:
    client = SyncClient(http_transport(server.url()))
    client.login(username, server.password)
    client.pull()
    return client


def test_a_conflict_restored_in_the_console_reaches_both_phones(live_server, desk, console, screenshot):
    world = live_server.world
    rid = world.residents[0].id
    a, b = phone(live_server, "worker"), phone(live_server, "worker2")
    a.update("resident", rid, {"notes": "女儿每周来看望"})  # both offline: neither sees the other
    b.update("resident", rid, {"notes": "无人照顾，需重点关注"})
    assert a.push()[0]["status"] == b.push()[0]["status"] == "accepted"
    a.pull()
    assert a.get("resident", rid)["notes"] == "无人照顾，需重点关注"  # the later write won everywhere
    bad = b.create("resident", {"household_id": world.households[0].id, "name": "刘建国", "sex": "male",
                                "id_number": BAD_ID})
    assert b.push()[0]["status"] == "rejected"

    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.click("nav.sidenav >> text=冲突")
    card = page.locator("article.conflict").first
    expect(card).to_contain_text("张秀英（1号楼1单元501）")
    expect(card.locator("[data-side=winner] [data-value]")).to_have_text("无人照顾，需重点关注")
    expect(card.locator("[data-side=loser] [data-value]")).to_have_text("女儿每周来看望")
    expect(card.locator("[data-side=winner] [data-author]")).to_have_text("王网格")
    expect(card.locator("[data-side=loser] [data-author]")).to_have_text("李网格")
    screenshot(page, "console-conflicts")

    card.locator("[data-action=restore]").click()
    expect(page.locator("article.settled-card")).to_contain_text("已恢复被覆盖的值")
    screenshot(page, "console-conflict-restored")
    page.reload()
    expect(page.locator("article.conflict")).to_have_count(0)
    expect(page.locator("table.settled tbody tr")).to_have_count(1)
    expect(page.locator("table.settled")).to_contain_text("已恢复")

    a.pull()
    b.pull()
    assert a.get("resident", rid)["notes"] == b.get("resident", rid)["notes"] == "女儿每周来看望"

    page.click("nav.sidenav >> text=被拒变更")
    row = page.locator(f"tr[data-change='{b.outbox('rejected')[0]['id']}']")
    expect(row).to_contain_text("王网格")
    expect(row).to_contain_text("身份证号校验位错误")
    expect(row).to_contain_text("刘建国")
    assert bad
    screenshot(page, "console-rejections")
