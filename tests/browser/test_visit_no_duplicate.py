"""保存走访 leaves the form behind: the URL becomes the household's, Back does not bring the filled
form back, and the same drawn form posted again (Back then save, or a double tap) records no
second visit: one visit in the household's list and one in the outbox."""

from __future__ import annotations

import re

from tests.browser.test_sync_edge_cases import go_offline, log_in, outbox, wait_for_screen

# The drawn form posted twice at once, exactly as the browser sends it (its token and form id
# included): what a restored page or a double tap does.
POST_TWICE = """async ([action, entries]) => {
  const post = async () => {
    const body = new FormData();
    for (const [k, v] of entries) body.append(k, v);
    const reply = await fetch(action, { method: 'POST', body, headers: { 'HX-Request': 'true' } });
    return { status: reply.status, text: await reply.text() };
  };
  return Promise.all([post(), post()]);
}"""


def test_saving_a_visit_twice_records_one(live_server, phone, pwa, screenshot):
    household = live_server.world.households[0]
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    go_offline(context, page, live_server)
    page.locator(f"#screen a[href='/app/buildings/{household.building_id}']").click()
    page.locator(f"#screen a.door[href='/app/households/{household.id}']").click()
    page.get_by_role("link", name="在家，一切正常").click()
    sheet = page.locator("#visit-sheet")
    sheet.wait_for()
    page.wait_for_url(re.compile(r"/visit$"))
    sheet.get_by_text("补充情况（可选）").click()
    sheet.locator("textarea[name=notes]").fill("老人精神很好")
    action = sheet.locator("form").get_attribute("action")
    drawn = page.evaluate("""() => [...new FormData(document.querySelector('#visit-sheet form'))]
      .filter(([, v]) => typeof v === 'string')""")
    assert any(name == "_once" for name, _ in drawn)

    sheet.get_by_role("button", name="保存走访").click()
    page.locator("#screen .flash", has_text="已记录走访").wait_for()
    assert page.url.endswith(f"/app/households/{household.id}"), "the form's URL is gone"
    screenshot(page, "visit-saved")

    page.go_back()
    # Back leads to the household as it was before the sheet opened, not to the filled form.
    page.get_by_role("link", name="在家，一切正常").wait_for()
    assert page.locator("#visit-sheet").count() == 0

    # The same drawn form again: nothing new, and the worker is told so.
    answers = page.evaluate(POST_TWICE, [action, drawn])
    assert [a["status"] for a in answers] == [200, 200]
    assert all("这条走访已保存" in a["text"] for a in answers)

    page.goto(live_server.url(f"/app/households/{household.id}"))
    wait_for_screen(page, "走访记录（1）")
    visits = page.locator("#screen ol.visits > li")
    assert visits.count() == 1 and "老人精神很好" in visits.first.inner_text()
    assert len([c for c in outbox(page) if c["entity"] == "visit"]) == 1
