// The field work end to end through the router, offline, on a fake-indexeddb store: visits (with
// photos and GPS), residents and their care tags, patrol findings, a returned visit corrected and
// a handled case checked. Every write must land in the outbox and the screen must answer at once.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { get, post } from './support/requests.mjs';
import { TODAY, XSS, assertNoRawXss, world } from './support/screens.mjs';

test('routine visit: two taps from the household screen, saved to the outbox at once, offline', async () => {
  const { router, storage, syncs } = await world();
  const household = await (await router.route(get('/app/households/h1'))).text();
  const tap1 = /href="(\/app\/households\/h1\/visit)">在家，一切正常/.exec(household)[1];
  const sheet = await (await router.route(get(tap1))).text();
  const action = /<form method="post" action="([^"]+)"/.exec(sheet)[1];
  // What the browser posts for the preset form: the checked radios and checkboxes, empty extras.
  const entries = [...sheet.matchAll(/<input type="(radio|checkbox)" name="([^"]+)" value="([^"]+)" checked>/g)].map((m) => [m[2], m[3]]);
  entries.push(['notes', ''], ['needs', ''], ['follow_up_on', ''], ['photo', new File([], '', { type: 'application/octet-stream' })]);
  const tap2 = await router.route(post(action, entries));
  assert.equal(tap2.status, 200);
  assert.equal(tap2.headers.get('HX-Replace-Url'), '/app/households/h1');
  const after = await tap2.text();
  assert.match(after, /已记录走访：入户 · 正常/);
  const pending = await storage.outbox('pending');
  assert.equal(pending.length, 1);
  const [change] = pending;
  assert.equal(change.entity, 'visit');
  assert.equal(change.op, 'upsert');
  assert.deepEqual({ ...change.fields }, {
    household_id: 'h1', resident_ids: ['r1', 'r2'].filter((id) => change.fields.resident_ids.includes(id)),
    visited_at: '2026-06-15T04:00:00Z', method: 'in_person', outcome: 'normal', photos: [],
  });
  assert.equal(change.fields.resident_ids.length, 2);
  assert.ok(syncs.includes('background'));
  // The visit counts at once: the overdue resident is no longer overdue.
  const due = await (await router.route(get('/app/due'))).text();
  assert.ok(!due.includes('逾期 19 天'));
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /door door-visited" href="\/app\/households\/h1"/);
});

test('visit with a photo and follow-up: the photo is stored as a blob and referenced by sha256', async () => {
  const { router, storage } = await world();
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
  const response = await router.route(post('/app/households/h1/visits', [
    ['method', 'phone'], ['outcome', 'issue_found'], ['resident_ids', 'r1'], ['notes', '<b>漏水</b>'],
    ['needs', '维修'], ['follow_up_on', '2026-06-20'], ['photo', new File([jpeg], 'a.jpg', { type: 'image/jpeg' })],
  ]));
  assert.equal(response.status, 200);
  const [change] = await storage.outbox('pending');
  assert.equal(change.fields.method, 'phone');
  assert.equal(change.fields.outcome, 'issue_found');
  assert.deepEqual(change.fields.resident_ids, ['r1']);
  assert.equal(change.fields.notes, '<b>漏水</b>');
  assert.equal(change.fields.follow_up_on, '2026-06-20');
  assert.equal(change.fields.photos.length, 1);
  assert.match(change.fields.photos[0], /^[0-9a-f]{64}$/);
  const blob = await storage.getBlob(change.fields.photos[0]);
  assert.equal(blob.type, 'image/jpeg');
  assert.deepEqual(await storage.pendingBlobs(), change.fields.photos);
  const page = await (await router.route(get('/app/households/h1'))).text();
  assert.ok(page.includes('&lt;b&gt;漏水&lt;/b&gt;'));
  // Refused: a bad enum and a non-image photo answer 422 with the form and nothing queued.
  const bad = await router.route(post('/app/households/h1/visits', [['method', 'teleport'], ['outcome', 'normal']]));
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /不在可选范围内/);
  const gif = await router.route(post('/app/households/h1/visits', [['photo', new File([new Uint8Array([71, 73, 70])], 'x.gif', { type: 'image/gif' })]]));
  assert.equal(gif.status, 422);
  assert.equal((await storage.outbox('pending')).length, 1);
});

test('plain form posts (no htmx) redirect to the screen after saving', async () => {
  const { router } = await world();
  const response = await router.route(post('/app/households/h1/visits', [['method', 'in_person'], ['outcome', 'normal']], false));
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('Location'), '/app/households/h1');
});

test('new resident with a 独居老人 tag: resident then tag queued, ID checked, errors kept in the form', async () => {
  const { router, storage } = await world();
  const bad = await router.route(post('/app/residents/new?household=h1', [
    ['name', '王秀英'], ['sex', 'male'], ['id_number', '11010519491231002X'], ['tags', 'elderly_alone'],
    ['detail.elderly_alone.kin_phone', '12345'],
  ]));
  assert.equal(bad.status, 422);
  const badText = await bad.text();
  assert.match(badText, /性别与身份证号不一致/);
  assert.match(badText, /电话号码格式不正确/);
  assert.match(badText, /value="王秀英"/);
  assert.equal((await storage.outbox('pending')).length, 0);

  const ok = await router.route(post('/app/residents/new?household=h1', [
    ['name', '王秀英'], ['sex', 'female'], ['id_number', '11010519491231002x'], ['birth_date', '1949-12-31'],
    ['relation', 'head'], ['population_type', 'registered'], ['tags', 'elderly_alone'],
    ['detail.elderly_alone.risk_level', 'medium'], ['detail.elderly_alone.kin_name', '王强'],
    ['detail.elderly_alone.kin_phone', '13912345678'], ['detail.disabled.disability_type', ''],
  ]));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('HX-Replace-Url'), '/app/households/h1');
  const [resident, tag] = await storage.outbox('pending');
  assert.equal(resident.entity, 'resident');
  assert.deepEqual({ ...resident.fields }, {
    name: '王秀英', id_number: '11010519491231002X', sex: 'female', id_type: 'resident_id', relation: 'head',
    population_type: 'registered', birth_date: '1949-12-31', household_id: 'h1',
  });
  assert.equal(tag.entity, 'resident_tag');
  assert.deepEqual({ ...tag.fields }, {
    resident_id: resident.record_id, tag: 'elderly_alone', started_on: TODAY,
    detail: { risk_level: 'medium', kin_name: '王强', kin_phone: '13912345678' },
  });
  const page = await (await router.route(get('/app/households/h1'))).text();
  assert.match(page, /王秀英/);
  assert.match(page, /独居老人/);
  assert.match(page, /badge badge-warn">待同步/);
});

test('edit resident: only changed fields are written; unticking a tag deletes it', async () => {
  const { router, storage } = await world();
  const form = await (await router.route(get('/app/residents/r1/edit'))).text();
  assert.match(form, /name="tags" value="elderly_alone" checked/);
  const response = await router.route(post('/app/residents/r1/edit', [
    ['name', XSS], ['sex', 'female'], ['birth_date', '1940-02-03'], ['relation', 'head'], ['id_type', 'resident_id'],
    ['population_type', 'registered'], ['phone', '13800001111'], ['tags', 'disabled'],
    ['detail.disabled.disability_type', 'physical'], ['detail.disabled.disability_grade', '2'],
  ]));
  assert.equal(response.status, 200);
  const changes = await storage.outbox('pending');
  assert.deepEqual(changes.map((c) => [c.entity, c.op]), [['resident', 'upsert'], ['resident_tag', 'upsert'], ['resident_tag', 'delete']]);
  assert.deepEqual({ ...changes[0].fields }, { phone: '13800001111' });
  assert.deepEqual({ ...changes[1].fields.detail }, { disability_type: 'physical', disability_grade: '2' });
  assert.equal(changes[2].record_id, 't1');
});

test('patrol: report a finding with photo and GPS, then see it in 我的上报 as 待同步', async () => {
  const { router, storage } = await world({ role: 'patrol_volunteer' });
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
  const response = await router.route(post('/app/patrol/new', [
    ['category', 'safety_gas'], ['description', '3号楼楼道燃气味'], ['urgency', 'urgent'], ['grid_id', 'g1'],
    ['lat', '39.93'], ['lng', '116.45'], ['accuracy', '12'], ['address', '3号楼'],
    ['photo', new File([png], 'p.png', { type: 'image/png' })],
  ]));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('HX-Replace-Url'), '/app/patrol');
  const text = await response.text();
  assert.match(text, /已上报（照片 1 张）/);
  assert.match(text, /3号楼楼道燃气味/);
  assert.match(text, /badge badge-warn">待同步/);
  const [change] = await storage.outbox('pending');
  assert.equal(change.entity, 'finding');
  assert.deepEqual(Object.keys(change.fields).sort(), ['accuracy', 'address', 'category', 'description', 'grid_id', 'lat', 'lng', 'photos', 'reported_at', 'source', 'urgency']);
  assert.equal(change.fields.source, 'patrol');
  assert.equal(change.fields.lat, 39.93);
  assert.equal(change.fields.accuracy, 12);
  const missing = await router.route(post('/app/patrol/new', [['category', ''], ['description', '']]));
  assert.equal(missing.status, 422);
  assert.match(await missing.text(), /必填/);
});

test('returned visit: shown on home and household, corrected by its visitor, only changed fields queued', async () => {
  const { router, storage } = await world();
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
  const returned = (id, visitor) => ({
    entity: 'visit', id, deleted: false, scope, clocks: {},
    fields: {
      household_id: 'h1', resident_ids: ['r1'], visitor_id: visitor, visited_at: '2026-06-10T02:00:00Z',
      method: 'in_person', outcome: 'normal', notes: '一切正常', photos: [], review_status: 'returned',
      review_comment: `请写明老人身体状况${XSS}`,
    },
  });
  await storage.applyPullPage({ cursor: 'c2', records: [returned('v2', 'u1'), returned('v3', 'someone-else')] });

  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /社区退回的走访（1）/);
  assert.match(home, /href="\/app\/visits\/v2\/fix"/);
  assert.ok(!home.includes('/app/visits/v3/fix'));
  assertNoRawXss(home, 'home returned list');
  const household = await (await router.route(get('/app/households/h1'))).text();
  assert.match(household, /已退回/);
  assert.match(household, /href="\/app\/visits\/v2\/fix">修改后重新提交/);

  const form = await (await router.route(get('/app/visits/v2/fix'))).text();
  assert.match(form, /社区退回意见/);
  assertNoRawXss(form, 'fix form');
  const unchanged = await router.route(post('/app/visits/v2/fix', [['method', 'in_person'], ['outcome', 'normal'], ['notes', '一切正常'], ['needs', ''], ['follow_up_on', '']]));
  assert.equal(unchanged.status, 422);
  assert.match(await unchanged.text(), /内容没有修改/);
  assert.equal((await storage.outbox('pending')).length, 0);

  const fixed = await router.route(post('/app/visits/v2/fix', [['method', 'in_person'], ['outcome', 'normal'], ['notes', '老人血压偏高，已提醒复查'], ['needs', ''], ['follow_up_on', '2026-06-20']]));
  assert.equal(fixed.status, 200);
  assert.match(await fixed.text(), /已修改走访记录/);
  const [change] = await storage.outbox('pending');
  assert.equal(change.entity, 'visit');
  assert.equal(change.record_id, 'v2');
  assert.deepEqual({ ...change.fields }, { notes: '老人血压偏高，已提醒复查', follow_up_on: '2026-06-20' });

  const foreign = await (await router.route(get('/app/visits/v3/fix'))).text();
  assert.ok(!foreign.includes('保存并重新提交'));
});

test('check (核查): the reporter passes or fails a case the unit reported handled, once, as a case step', async () => {
  const { router, storage } = await world({ role: 'patrol_volunteer' });
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: 'u1' };
  const server = (entity, id, fields) => ({ entity, id, deleted: false, fields, scope, clocks: {} });
  await storage.applyPullPage({
    cursor: 'c2',
    records: [
      server('finding', 'f2', { grid_id: 'g1', reporter_id: 'u1', category: 'safety_gas', description: '电线私拉', status: 'resolved', unit: '物业', reported_at: '2026-06-02T01:00:00Z', urgency: 'normal', photos: [] }),
      server('case_step', 's2', { finding_id: 'f2', from_status: 'in_progress', to_status: 'resolved', at: '2026-06-03T02:00:00Z', opinion: `已拆除${XSS}`, photos: ['a'.repeat(64)] }),
      server('finding', 'f3', { grid_id: 'g1', reporter_id: 'someone-else', category: 'safety_gas', description: '别人的', status: 'resolved', reported_at: '2026-06-02T01:00:00Z', urgency: 'normal', photos: [] }),
    ],
  });
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /待我核查的上报（1）/);
  const list = await (await router.route(get('/app/patrol'))).text();
  assert.match(list, /href="\/app\/patrol\/f2\/check">去核查/);
  assert.ok(!list.includes('/app/patrol/f3/check'));
  const screen = await (await router.route(get('/app/patrol/f2/check'))).text();
  assert.match(screen, /处置反馈<\/strong>（物业）：已拆除/);
  assert.match(screen, /<figcaption>处置后照片<\/figcaption>/);
  assert.match(screen, /<img src="\/app\/photos\/a{64}"/);
  assertNoRawXss(screen, 'check screen');
  // Someone else's case, or one that does not wait for a check, has no check form.
  assert.ok(!(await (await router.route(get('/app/patrol/f3/check'))).text()).includes('核查通过'));
  assert.ok(!(await (await router.route(get('/app/patrol/f1/check'))).text()).includes('核查通过'));

  const noReason = await router.route(post('/app/patrol/f2/check', [['result', 'in_progress'], ['opinion', ' ']]));
  assert.equal(noReason.status, 422);
  assert.match(await noReason.text(), /必填/);
  assert.equal((await storage.outbox('pending')).length, 0);

  const passed = await router.route(post('/app/patrol/f2/check', [['result', 'verified'], ['opinion', '现场已整改']]));
  assert.equal(passed.status, 200);
  const after = await passed.text();
  assert.match(after, /已核查通过/);
  assert.ok(!after.includes('/app/patrol/f2/check'), 'no second check while the first waits to sync');
  assert.match(after, /已核查 <span class="badge badge-warn">待同步/);
  assert.match(after, /badge badge-warn">已核查（待同步）/);
  const [change] = await storage.outbox('pending');
  assert.equal(change.entity, 'case_step');
  const { at, ...rest } = change.fields;
  assert.deepEqual(rest, { finding_id: 'f2', from_status: 'resolved', to_status: 'verified', photos: [], opinion: '现场已整改' });
  assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // A second tap (a stale page) queues nothing more.
  const again = await (await router.route(post('/app/patrol/f2/check', [['result', 'verified']]))).text();
  assert.match(again, /现在不需要核查/);
  assert.equal((await storage.outbox('pending')).length, 1);
  assert.ok(!(await (await router.route(get('/app/'))).text()).includes('待我核查'));
});

test('a drawn visit form saves once: a double tap or the form posted again after Back adds no second visit', async () => {
  const { router, storage } = await world();
  const sheet = await (await router.route(get('/app/households/h1/visit'))).text();
  const once = /name="_once" value="([0-9a-f]+)"/.exec(sheet)[1];
  const entries = [['method', 'in_person'], ['outcome', 'normal'], ['resident_ids', 'r1'], ['_once', once]];
  const [first, second] = await Promise.all([
    router.route(post('/app/households/h1/visits', entries)), router.route(post('/app/households/h1/visits', entries)),
  ]);
  assert.equal(first.headers.get('HX-Replace-Url'), '/app/households/h1');
  assert.equal(second.headers.get('HX-Replace-Url'), '/app/households/h1');
  const texts = [await first.text(), await second.text()];
  assert.equal(texts.filter((text) => text.includes('已记录走访')).length, 1);
  assert.equal(texts.filter((text) => text.includes('这条走访已保存')).length, 1);
  const again = await (await router.route(post('/app/households/h1/visits', entries))).text();
  assert.match(again, /这条走访已保存/);
  assert.equal((await storage.outbox('pending')).length, 1);
  // Another drawing of the form is another visit.
  const next = /name="_once" value="([0-9a-f]+)"/.exec(await (await router.route(get('/app/households/h1/visit'))).text())[1];
  assert.notEqual(next, once);
  await router.route(post('/app/households/h1/visits', [...entries.slice(0, 3), ['_once', next]]));
  assert.equal((await storage.outbox('pending')).length, 2);
});

test('在家，一切正常 ticks only the people who live there: not those who left or died, nobody in a 户在人不在 home', async () => {
  const { router, storage } = await world();
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
  const resident = (id, householdId, fields) => ({
    entity: 'resident', id, deleted: false, scope, clocks: {},
    fields: { household_id: householdId, sex: 'female', birth_date: '1960-01-01', relation: 'child', id_type: 'resident_id', id_number: null, ...fields },
  });
  await storage.applyPullPage({ cursor: 'c2', records: [
    resident('r3', 'h1', { name: '王离家', left_by: 'move_out', moved_out_on: null }),
    resident('r4', 'h1', { name: '赵故去', left_by: 'death', moved_out_on: '2026-06-10' }),
    resident('r5', 'h2', { name: '钱外住', relation: 'head' }),
  ] });
  const ticked = (sheet) => [...sheet.matchAll(/name="resident_ids" value="([^"]+)"( checked)?/g)].filter((m) => m[2]).map((m) => m[1]).sort();
  const sheet = await (await router.route(get('/app/households/h1/visit'))).text();
  assert.deepEqual(ticked(sheet), ['r1', 'r2']);
  assert.match(sheet, /value="r3">/, 'still listed, for the worker to tick when they are there after all');
  const away = await (await router.route(get('/app/households/h2/visit'))).text();
  assert.match(away, /name="resident_ids" value="r5">/);
  assert.deepEqual(ticked(away), []);
});

test('tap-to-call: every phone on the household screen is a tel: link with the whole number, shown masked', async () => {
  const { router, storage } = await world();
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
  const rec = (entity, id, fields) => ({ entity, id, deleted: false, scope, clocks: {}, fields });
  await storage.applyPullPage({ cursor: 'c2', records: [
    rec('household', 'h3', { building_id: 'b1', unit: 1, floor: 2, room: '201', housing_use: 'rented', registration_status: 'consistent',
      contact_phone: '010-62345678', landlord_name: '周房东', landlord_phone: '13911112222' }),
    rec('resident', 'r6', { household_id: 'h3', name: '孙租客', sex: 'male', birth_date: '1990-01-01', relation: 'tenant', id_type: 'resident_id', id_number: null, phone: '13833334444' }),
    rec('resident_tag', 't6', { resident_id: 'r6', tag: 'elderly_alone', detail: { kin_phone: '13755556666' }, started_on: '2025-01-01', ended_on: null }),
  ] });
  const page = await (await router.route(get('/app/households/h3'))).text();
  for (const [number, shown] of [['01062345678', '010-****5678'], ['13911112222', '139****2222'], ['13833334444', '138****4444'], ['13755556666', '137****6666']]) {
    assert.match(page, new RegExp(`<a class="tel" href="tel:${number}"[^>]*>☎ ${shown.replace(/\*/g, '\\*')}</a>`), number);
  }
  assert.ok(!/>[^<]*13911112222/.test(page), 'the whole number is only in the link target, not on screen');
});
