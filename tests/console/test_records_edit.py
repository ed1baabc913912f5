"""Staff edits and a record's history: edits are changes like a phone's, stale forms become
conflicts, refusals come back next to the field, and the history says who, where, what."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from server.auth.models import Device
from server.core.time import china_today
from server.extensions import db
from server.registry.models import Household, Resident, ResidentTag
from server.registry.validators import make_id_number
from server.syncapi.models import Change, Conflict
from tests.console.test_records import add_person, add_tag, writer

RESIDENT_ID_NUMBER = make_id_number("110105", date(1948, 6, 2), 22)  # a woman born 1948-06-02


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value=(?:"([^"]*)"|\'([^\']*)\')', page)
    assert match, name
    return html.unescape(match.group(1) if match.group(1) is not None else match.group(2))


def load_form(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200, page.text[:2000]
    return {"clocks": hidden(page.text, "clocks"), "loaded": hidden(page.text, "loaded"), "_page": page.text}


def resident_form(client, resident, **changes) -> dict:
    """The edit form of `resident` as loaded, with `changes` typed in."""
    form = load_form(client, f"/console/residents/{resident.id}/edit")
    values = {"name": resident.name, "sex": resident.sex, "birth_date": str(resident.birth_date or ""),
              "id_type": resident.id_type or "", "ethnicity": resident.ethnicity or "",
              "relation": resident.relation or "", "population_type": resident.population_type or "",
              "permit_expiry": "", "political_status": resident.political_status or "",
              "moved_out_on": "", "notes": resident.notes or "", "id_number": "", "phone": "",
              "arrived_by": resident.arrived_by or "", "moved_in_on": str(resident.moved_in_on or ""),
              "moved_in_from": resident.moved_in_from or "", "left_by": resident.left_by or "", "moved_out_to": ""}
    values.update(changes)
    return {"clocks": form["clocks"], "loaded": form["loaded"], **values}


def changes_of(record_id: str) -> list[Change]:
    return list(db.session.scalars(db.select(Change).where(Change.record_id == record_id).order_by(Change.hlc)))


def test_an_edit_is_a_change_that_syncs(staff_client, world, device_factory):
    person = world.residents[0]
    c = staff_client("staff")
    reply = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, ethnicity="回族",
                                                                          phone="13512345678"))
    assert reply.status_code == 302 and reply.headers["Location"] == f"/console/residents/{person.id}"
    db.session.expire_all()
    assert db.session.get(Resident, person.id).ethnicity == "回族"
    creation, change = changes_of(person.id)
    assert creation.user_id is None and creation.device_id is None  # the world's loader: the server's own write
    assert change.device_id is None and change.user_id == world.users["staff"].id and change.status == "accepted"
    assert change.fields == {"ethnicity": "回族", "phone": "13512345678"}  # only what was changed
    phone = device_factory("worker")
    phone.pull()
    assert phone.get("resident", person.id)["ethnicity"] == "回族"
    assert "已保存" in c.get(f"/console/residents/{person.id}").text


def test_history_shows_who_where_and_from_what(staff_client, world, device_factory):
    person = world.residents[0]
    phone = device_factory("worker")
    phone.pull()
    phone.update("resident", person.id, {"name": "张秀云", "phone": "13900001111"})
    assert phone.push()[0]["status"] == "accepted"
    phone.update("resident", person.id, {"phone": "1390000"})  # refused: not a phone number
    assert phone.push()[0]["status"] == "rejected"
    device = db.session.get(Device, phone.device_id)
    device.name = "李网格的手机"
    db.session.commit()
    c = staff_client("staff")
    db.session.expire_all()
    fresh = db.session.get(Resident, person.id)
    assert c.post(f"/console/residents/{person.id}/edit",
                  resident_form(c, fresh, name="张秀英", phone="13722223333")).status_code == 302
    page = c.get(f"/console/residents/{person.id}").text
    history = page.split('id="history"', 1)[1]
    entries = re.findall(r'<li class="entry (\w+)" data-change="([^"]+)".*?</li>', history, re.S)
    assert [kind for kind, _ in entries] == ["update", "rejected", "update", "create"]  # newest first
    console, rejected, device_entry, created = re.findall(r'<li class="entry.*?</li>', history, re.S)
    assert "周社区" in console and "社区工作人员" in console and 'data-device="console"' in console and "控制台" in console
    assert re.search(r'data-field="name".*?张秀云</td>.*?张秀英</td>', console, re.S)
    assert re.search(r'data-field="phone".*?139\*\*\*\*1111</td>.*?137\*\*\*\*3333</td>', console, re.S)
    assert "李网格" in device_entry and "网格员" in device_entry and "李网格的手机" in device_entry
    # The world's loader logged the record's creation, so the values the phone replaced are known.
    assert re.search(r'data-field="name" >\s*<th>姓名</th>\s*<td class="from ">张秀英</td>.*?张秀云</td>', device_entry, re.S)
    assert re.search(r'data-field="phone" >\s*<th>联系电话</th>\s*<td class="from ">—</td>.*?139\*\*\*\*1111</td>',
                     device_entry, re.S)
    assert "（未记录）" not in history
    assert "系统" in created and "服务器" in created and 'data-kind="create"' in created and "张秀英" in created
    assert "phone_format" in rejected and "电话号码格式不正确" in rejected and "被拒绝" in rejected
    # Numbers are masked in the history, for staff too.
    for number in ("13900001111", "13722223333", "1390000<"):
        assert number not in page
    assert "建档" not in history  # the origin is the logged creation, not a placeholder


def test_the_first_edit_of_a_loaded_record_shows_what_it_replaced(staff_client, world):
    """Records the server writes itself (the demo, seeding, set-up) are logged from their creation,
    so the first staff edit of one shows the value it replaced, not "not recorded"."""
    person = world.residents[0]
    c = staff_client("staff")
    assert c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, name="张秀芳")).status_code == 302
    history = c.get(f"/console/residents/{person.id}").text.split('id="history"', 1)[1]
    edit, created = re.findall(r'<li class="entry.*?</li>', history, re.S)
    assert re.search(r'data-field="name" >\s*<th>姓名</th>\s*<td class="from ">张秀英</td>.*?张秀芳</td>', edit, re.S)
    assert 'data-kind="create"' in created and "（未记录）" not in history and "建档" not in history


def test_history_of_a_record_from_before_the_log(staff_client, world, device_factory):
    """A database filled before server writes were logged: the values a first change replaced are not
    known, and say so rather than show as empty."""
    person = world.residents[0]
    db.session.execute(db.delete(Change).where(Change.record_id == person.id))
    db.session.commit()
    phone = device_factory("worker")
    phone.pull()
    phone.update("resident", person.id, {"name": "张秀云", "phone": "13900001111"})
    assert phone.push()[0]["status"] == "accepted"
    history = staff_client("staff").get(f"/console/residents/{person.id}").text.split('id="history"', 1)[1]
    assert re.search(r'data-field="name".*?class="from unknown">（未记录）</td>.*?张秀云</td>', history, re.S)
    assert re.search(r'data-field="phone".*?class="from unknown">（未记录）</td>.*?139\*\*\*\*1111</td>', history, re.S)
    assert "建档" in history  # the record's origin, from before the log


def test_history_of_a_record_created_on_a_phone(staff_client, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    new = phone.create("resident", {"household_id": world.households[0].id, "name": "钱多多", "sex": "male",
                                    "id_number": make_id_number("110105", date(1990, 1, 1), 1),
                                    "birth_date": "1990-01-01"})
    tag = phone.create("resident_tag", {"resident_id": new, "tag": "disabled",
                                        "detail": {"disability_type": "visual", "disability_grade": "2",
                                                   "certificate_no": "11010519900101001122"}})
    phone.create("resident_tag", {"resident_id": new, "tag": "disabled", "detail": {"disability_type": "x"}})
    assert [r["status"] for r in phone.push()] == ["accepted", "accepted", "rejected"]
    phone.update("resident", new, {"name": "钱多", "phone": "13500005555"})
    phone.update("resident_tag", tag, {"detail": {"disability_type": "visual", "disability_grade": "1",
                                                  "certificate_no": "11010519900101001122"}})
    assert [r["status"] for r in phone.push()] == ["accepted", "accepted"]
    page = staff_client("staff").get(f"/console/residents/{new}").text
    history = page.split('id="history"', 1)[1]
    assert history.count('data-kind="create"') == 2 and "建档" not in history
    # Created in the log, so every later "from" is known: the first phone value was empty.
    assert re.search(r'data-field="name" >\s*<th>姓名</th>\s*<td class="from ">钱多多</td>.*?钱多</td>', history, re.S)
    assert re.search(r'data-field="phone" >\s*<th>联系电话</th>\s*<td class="from ">—</td>.*?135\*\*\*\*5555', history, re.S)
    assert re.search(r'data-field="detail.disability_grade".*?二级</td>.*?一级</td>', history, re.S)
    assert "特殊人群标签：残疾人" in history and "视力" in history and "二级" in history
    assert "11010519900101001122" not in page and "****************1122" in history
    assert 'data-kind="rejected"' in history and "不在可选范围内" in history


def test_a_stale_form_becomes_a_conflict(staff_client, world, device_factory):
    person = world.residents[0]
    c = staff_client("staff")
    form = resident_form(c, person, name="张秀兰")  # loaded before the worker's change
    phone = device_factory("worker")
    phone.pull()
    phone.update("resident", person.id, {"name": "张秀芳", "ethnicity": "满族"})
    assert phone.push()[0]["status"] == "accepted"
    reply = c.post(f"/console/residents/{person.id}/edit", form)
    assert reply.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Resident, person.id)
    assert fresh.name == "张秀兰"  # the later edit wins the field...
    assert fresh.ethnicity == "满族"  # ...and the field the form did not touch keeps the worker's value
    [conflict] = db.session.scalars(db.select(Conflict).where(Conflict.record_id == person.id)).all()
    assert (conflict.field, conflict.winner_value, conflict.loser_value) == ("name", "张秀兰", "张秀芳")
    page = c.get(f"/console/residents/{person.id}").text
    assert "冲突" in page and "原值记入冲突列表" in page
    assert re.search(r'data-conflict="\d+".*?保留“张秀兰”.*?“张秀芳”未采用', page, re.S)


def test_validation_errors_are_shown_next_to_the_field(staff_client, world):
    person = world.residents[0]
    c = staff_client("staff")
    bad = RESIDENT_ID_NUMBER[:-1] + ("0" if RESIDENT_ID_NUMBER[-1] != "0" else "1")
    before = len(changes_of(person.id))
    reply = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, id_number=bad, name="张秀英2"))
    assert reply.status_code == 422
    assert 'data-code="id_number_checksum"' in reply.text
    assert "身份证号校验位错误" in reply.text and "The ID number&#39;s check character is wrong" in reply.text
    assert f'value="{bad}"' in reply.text and 'value="张秀英2"' in reply.text  # what was typed stays
    assert len(changes_of(person.id)) == before
    db.session.expire_all()
    assert db.session.get(Resident, person.id).name == "张秀英"
    # A real number that contradicts the recorded sex is refused on the sex field.
    male = make_id_number("110105", date(1948, 6, 2), 21)
    reply = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, id_number=male))
    assert reply.status_code == 422 and 'data-code="id_number_sex_mismatch"' in reply.text
    # Dates and numbers that cannot even be read are caught before the write.
    reply = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, birth_date="1948-02-31"))
    assert reply.status_code == 422 and 'data-code="invalid_date"' in reply.text
    reply = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, name=""))
    assert reply.status_code == 422 and "name" in reply.text
    ok = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, id_number=RESIDENT_ID_NUMBER,
                                                                       birth_date="1948-06-02"))
    assert ok.status_code == 302


def test_a_damaged_form_is_refused(staff_client, world):
    person = world.residents[0]
    c = staff_client("staff")
    for clocks, loaded in (("not json", "{}"), ('{"name": "yesterday"}', "{}"), ("{}", '{"evil": 1}'), ("[]", "{}")):
        form = resident_form(c, person, name="新名字")
        form.update(clocks=clocks, loaded=loaded)
        reply = c.post(f"/console/residents/{person.id}/edit", form)
        assert reply.status_code == 400 and "form_state_invalid" in reply.text
    assert [c.user_id for c in changes_of(person.id)] == [None]  # only the world's creation


def test_moving_out_keeps_the_resident(staff_client, world):
    person = world.residents[0]
    c = staff_client("staff")
    day = (china_today() - timedelta(days=1)).isoformat()
    without_way = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, moved_out_on=day))
    assert without_way.status_code == 422 and 'data-code="left_by_required"' in without_way.text
    assert c.post(f"/console/residents/{person.id}/edit",
                  resident_form(c, person, moved_out_on=day, left_by="move_out", moved_out_to="上海市")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, person.id).moved_out_on.isoformat() == day
    page = c.get(f"/console/residents/{person.id}").text
    assert "迁往 上海市" in page
    assert person.id not in c.get("/console/residents").text
    assert person.id in c.get("/console/residents?moved=out").text
    assert "已于" in c.get(f"/console/residents/{person.id}").text


def test_numbers_left_empty_are_kept_and_can_be_cleared(app, staff_client, world):
    w = writer(app)
    person = add_person(w, world.households[0], "周平", phone="13811112222")
    db.session.commit()
    c = staff_client("staff")
    form = load_form(c, f"/console/residents/{person.id}/edit")
    assert "13811112222" not in form["_page"] and 'placeholder="138****2222"' in form["_page"]
    c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, notes="常住"))
    db.session.expire_all()
    assert db.session.get(Resident, person.id).phone == "13811112222"
    c.post(f"/console/residents/{person.id}/edit", {**resident_form(c, person), "clear_phone": "1"})
    db.session.expire_all()
    assert db.session.get(Resident, person.id).phone is None


def test_household_edit(staff_client, world):
    home = world.households[0]
    c = staff_client("staff")
    form = load_form(c, f"/console/households/{home.id}/edit")
    data = {"clocks": form["clocks"], "loaded": form["loaded"], "unit": "1", "floor": "5", "room": "501",
            "housing_use": "rented", "registration_status": "consistent", "landlord_name": "钱房东",
            "landlord_phone": "0101234567x", "contact_phone": "", "notes": "", "status": "active", "lease_end": "2027-02-28"}
    refused = c.post(f"/console/households/{home.id}/edit", data)
    assert refused.status_code == 422 and 'data-code="phone_format"' in refused.text
    assert 'value="钱房东"' in refused.text
    assert c.post(f"/console/households/{home.id}/edit", {**data, "landlord_phone": "010-12345678"}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Household, home.id)
    assert (saved.housing_use, saved.landlord_name, saved.landlord_phone) == ("rented", "钱房东", "010-12345678")
    assert str(saved.lease_end) == "2027-02-28" and "2027-02-28" in c.get(f"/console/households/{home.id}").text
    page = c.get(f"/console/households/{home.id}").text
    assert "010-****5678" in page and "010-12345678" not in page
    assert re.search(r'data-field="housing_use".*?class="from ">自住</td>.*?出租</td>', page, re.S)  # from the logged creation
    assert c.post(f"/console/households/{home.id}/edit", {**data, "unit": "二"}).status_code == 422


def test_care_tags_are_added_edited_and_ended(staff_client, world):
    person = world.residents[0]
    c = staff_client("staff")
    url = f"/console/residents/{person.id}/tags/new"
    page = c.get(f"{url}?tag=disabled").text
    assert 'name="detail.disability_type"' in page and 'name="detail.certificate_no"' in page
    missing = c.post(url, {"tag": "disabled", "detail.certificate_no": "X1"})
    assert missing.status_code == 422
    assert re.search(r'name="detail.disability_type".*?data-code="required"', missing.text, re.S)
    assert 'value="X1"' in missing.text
    assert c.post(url, {"tag": "nonsense"}).status_code == 422
    assert c.post(url, {"tag": "elderly_alone", "detail.risk_level": "high", "detail.kin_name": "张大",
                        "detail.kin_phone": "13600001111"}).status_code == 302
    again = c.post(url, {"tag": "elderly_alone"})
    assert again.status_code == 422 and "tag_already_active" in again.text
    tag = db.session.scalar(db.select(ResidentTag).where(ResidentTag.resident_id == person.id))
    assert tag.detail == {"risk_level": "high", "kin_name": "张大", "kin_phone": "13600001111"}
    # Edit: the phone is not in the form; leaving it empty keeps it.
    form = load_form(c, f"/console/residents/{person.id}/tags/{tag.id}/edit")
    assert "13600001111" not in form["_page"]
    reply = c.post(f"/console/residents/{person.id}/tags/{tag.id}/edit",
                   {"clocks": form["clocks"], "loaded": form["loaded"], "detail.risk_level": "low",
                    "detail.kin_name": "张大", "detail.kin_phone": "", "started_on": ""})
    assert reply.status_code == 302
    db.session.expire_all()
    assert db.session.get(ResidentTag, tag.id).detail == {"risk_level": "low", "kin_name": "张大",
                                                          "kin_phone": "13600001111"}
    page = c.get(f"/console/residents/{person.id}").text
    assert re.search(r'data-field="detail.risk_level".*?高</td>.*?低</td>', page, re.S)
    # End it: the record stays, with an end date.
    clocks = hidden(page, "clocks")
    ended = c.post(f"/console/residents/{person.id}/tags/{tag.id}/end",
                   {"clocks": clocks, "loaded": "{}", "ended_on": china_today().isoformat()})
    assert ended.status_code == 302
    db.session.expire_all()
    assert db.session.get(ResidentTag, tag.id).ended_on == china_today()
    assert c.post(f"/console/residents/{person.id}/tags/{tag.id}/end", {"clocks": "{}", "loaded": "{}"}).status_code == 409


def test_edits_across_communities_answer_404(staff_client, world):
    far = world.residents[2]
    c = staff_client("staff")
    assert c.post(f"/console/residents/{far.id}/edit", {"clocks": "{}", "loaded": "{}", "name": "x"}).status_code == 404
    assert c.post(f"/console/residents/{far.id}/tags/new", {"tag": "infant"}).status_code == 404
    assert c.post(f"/console/households/{world.households[2].id}/edit", {"clocks": "{}", "loaded": "{}"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Resident, far.id).name == "张秀英"


def test_an_admin_edit_of_a_tag_in_another_residents_url_is_404(app, staff_client, world):
    w = writer(app)
    tag = add_tag(w, world.residents[1], "infant", 3)
    db.session.commit()
    c = staff_client("staff")
    assert c.get(f"/console/residents/{world.residents[0].id}/tags/{tag.id}/edit").status_code == 404
    assert c.post(f"/console/residents/{world.residents[0].id}/tags/{tag.id}/end", {"clocks": "{}"}).status_code == 404


def test_a_street_admin_edits_without_the_numbers_and_may_not_write_one(app, staff_client, world):
    # The street admin sees masks only: a number typed in is refused, and the numbers the form
    # never held are kept when the rest of the record is saved.
    from tests.console.test_records import as_admin_in
    w = writer(app)
    person = add_person(w, world.households[0], "钱多多", "female", phone="13512340000",
                        id_number=RESIDENT_ID_NUMBER, birth_date=date(1948, 6, 2))
    tag = add_tag(w, person, "elderly_alone", 5, {"risk_level": "high", "kin_name": "钱大", "kin_phone": "13600001111"})
    db.session.commit()
    c = as_admin_in(app, staff_client, world.community)
    form = load_form(c, f"/console/residents/{person.id}/tags/{tag.id}/edit")
    reply = c.post(f"/console/residents/{person.id}/tags/{tag.id}/edit",
                   {"clocks": form["clocks"], "loaded": form["loaded"], "detail.risk_level": "low",
                    "detail.kin_name": "钱大", "detail.kin_phone": "", "started_on": ""})
    assert reply.status_code == 302, reply.text[:3000]
    db.session.expire_all()
    assert db.session.get(ResidentTag, tag.id).detail == {"risk_level": "low", "kin_name": "钱大",
                                                          "kin_phone": "13600001111"}
    typed = c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, phone="13900000000"))
    assert typed.status_code == 422 and "field_not_permitted" in typed.text
    kin = c.post(f"/console/residents/{person.id}/tags/{tag.id}/edit",
                 {"clocks": form["clocks"], "loaded": form["loaded"], "detail.risk_level": "low",
                  "detail.kin_name": "钱大", "detail.kin_phone": "13900000000", "started_on": ""})
    assert kin.status_code == 422 and "field_not_permitted" in kin.text
    db.session.expire_all()
    assert db.session.get(Resident, person.id).phone == "13512340000"
    assert db.session.get(ResidentTag, tag.id).detail["kin_phone"] == "13600001111"


def test_a_street_admins_forms_offer_no_number_inputs(app, staff_client, world):
    # Typing one would only be refused: the form shows the mask and says why instead.
    from tests.console.test_records import as_admin_in
    w = writer(app)
    person = add_person(w, world.households[0], "钱多多", "female", phone="13512340000",
                        id_number=RESIDENT_ID_NUMBER, birth_date=date(1948, 6, 2))
    tag = add_tag(w, person, "elderly_alone", 5, {"risk_level": "high", "kin_phone": "13600001111"})
    db.session.commit()
    admin = as_admin_in(app, staff_client, world.community)
    staff = staff_client("staff")
    pages = (f"/console/residents/{person.id}/edit", f"/console/residents/{person.id}/tags/{tag.id}/edit",
             f"/console/households/{world.households[0].id}/edit")
    for url in pages:
        page = admin.get(url).text
        assert 'name="phone"' not in page and 'name="id_number"' not in page and 'name="detail.kin_phone"' not in page
        assert 'name="contact_phone"' not in page and 'name="landlord_phone"' not in page
        assert "您的角色不能查看或修改此号码" in page, url
        assert "您的角色不能" not in staff.get(url).text, url
    assert 'name="phone"' in staff.get(pages[0]).text and 'name="detail.kin_phone"' in staff.get(pages[1]).text
