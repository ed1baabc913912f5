// The service worker's views: escaping, the label tables, and the pure computations behind the
// screens (door colours, due visits) with the views that show them; the ID number port against
// tests/vectors/idnumber.json. Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { escapeHtml, html, raw } from '../src/sw/views/escape.js';
import { codes, label } from '../src/sw/views/labels.js';
import { careStatus, doorGrid, doorStatus, dueList, tagInterval } from '../src/sw/views/care.js';
import { buildingView } from '../src/sw/views/building.js';
import { dueView } from '../src/sw/views/due.js';
import { homeView } from '../src/sw/views/home.js';
import { householdView } from '../src/sw/views/household.js';
import { loginView } from '../src/sw/views/login.js';
import { patrolListView, patrolNewView } from '../src/sw/views/patrol.js';
import { idCheck, residentFormView } from '../src/sw/views/resident_form.js';
import { syncView } from '../src/sw/views/sync_page.js';
import {
  checkDigit, checkIdNumberAgainst, idNumberFacts, maskIdNumber, normaliseIdNumber, validateIdNumber,
} from '../src/core/idnumber.js';
import { maskPhone, validatePhone } from '../src/core/phone.js';
import {
  TAG_TYPES, TODAY, TYPES, XSS, XSS_ESCAPED, assertNoRawXss, rec, visit,
} from './support/screens.mjs';

const ID_VECTORS = JSON.parse(readFileSync(new URL('../../tests/vectors/idnumber.json', import.meta.url), 'utf8'));

// --- escaping and labels -----------------------------------------------------------------------

test('escapeHtml escapes every HTML-significant character', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&\`</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  assert.equal(escapeHtml(null), '');
  assert.equal(escapeHtml(undefined), '');
  assert.equal(escapeHtml(0), '0');
});

test('html`` escapes interpolations, keeps raw() and nested html``, joins arrays, drops null/booleans', () => {
  const name = XSS;
  const out = String(html`<p title="${name}">${name}${raw('<b>ok</b>')}${html`<i>${'<x>'}</i>`}${['<', '>']}${null}${false}${undefined}</p>`);
  assert.equal(out, `<p title="${XSS_ESCAPED}">${XSS_ESCAPED}<b>ok</b><i>&lt;x&gt;</i>&lt;&gt;</p>`);
  assert.equal(String(html`${'" onmouseover="alert(1)'}`), '&quot; onmouseover=&quot;alert(1)');
});

test('labels: the Chinese of the choice catalogue', () => {
  const labels = (kind) => codes(kind).map((code) => label(kind, code));
  assert.deepEqual(labels('method'), ['入户', '电话', '视频', '门口']);
  assert.deepEqual(labels('outcome'), ['正常', '不在家', '拒访', '发现问题']);
  assert.deepEqual(labels('case_status'),
    ['已上报', '已受理', '已派遣', '处置中', '申请延期', '已退回', '已反馈', '已核查', '已销号', '已评价']);
  assert.equal(label('housing_use', 'vacant'), '空置');
  assert.equal(label('registration_status', 'nominal'), '空挂户');
  assert.equal(label('relation', 'head'), '户主');
  assert.equal(label('population_type', 'migrant'), '流动');
  assert.equal(label('sex', 'female'), '女');
  assert.equal(label('urgency', 'emergency'), '特急');
  assert.equal(label('case_status', 'unknown_thing'), 'unknown_thing');
  assert.equal(label('case_status', 'constructor'), 'constructor');
});

// --- due visits ------------------------------------------------------------------------------

test('tag interval: the dictionary interval, at most 7 days for high risk', () => {
  assert.equal(tagInterval(rec('resident_tag', 't', { tag: 'elderly_empty_nest', detail: {} }), TYPES.get('elderly_empty_nest')), 30);
  assert.equal(tagInterval(rec('resident_tag', 't', { tag: 'elderly_empty_nest', detail: { risk_level: 'high' } }), TYPES.get('elderly_empty_nest')), 7);
  assert.equal(tagInterval(rec('resident_tag', 't', { tag: 'tenant', detail: {} }), TYPES.get('tenant')), 90);
  assert.equal(tagInterval(rec('resident_tag', 't', { tag: 'x', detail: {} }), undefined), 30);
});

test('due: last visit + shortest interval, overdue first, not-home knocks and moved-out residents ignored', () => {
  const residents = [
    rec('resident', 'r1', { household_id: 'h1', name: '张三' }),
    rec('resident', 'r2', { household_id: 'h2', name: '李四' }),
    rec('resident', 'r3', { household_id: 'h3', name: '王五' }),
    rec('resident', 'r4', { household_id: 'h4', name: '赵六', moved_out_on: '2026-01-01' }),
    rec('resident', 'r5', { household_id: 'h5', name: '钱七' }),
    rec('resident', 'r6', { household_id: 'h6', name: '孙八' }),
  ];
  const tags = [
    rec('resident_tag', 't1', { resident_id: 'r1', tag: 'elderly_alone', detail: {} }),
    rec('resident_tag', 't2', { resident_id: 'r2', tag: 'elderly_empty_nest', detail: { risk_level: 'high' } }),
    rec('resident_tag', 't3', { resident_id: 'r3', tag: 'elderly_empty_nest', detail: { risk_level: 'low' } }),
    rec('resident_tag', 't3b', { resident_id: 'r3', tag: 'tenant', detail: {} }),
    rec('resident_tag', 't4', { resident_id: 'r4', tag: 'elderly_alone', detail: {} }),
    rec('resident_tag', 't5', { resident_id: 'r5', tag: 'tenant', detail: {}, started_on: '2026-06-01' }),
    rec('resident_tag', 't6', { resident_id: 'r6', tag: 'disabled', detail: {}, ended_on: '2026-05-01' }),
  ];
  const visits = [
    visit('v1', 'h1', '2026-06-01'), // r1: 7 days → due 06-08, overdue 7 days
    visit('v1b', 'h1', '2026-06-14', { outcome: 'not_home' }), // a knock with nobody home is no visit
    visit('v2', 'h2', '2026-06-10', { resident_ids: ['someone-else'] }), // names another resident: not r2's
    visit('v2b', 'h2', '2026-06-12', { resident_ids: ['r2'] }), // r2: high risk → 7 days → due 06-19
    visit('v3', 'h3', '2026-05-20'), // r3: min(30, 90) = 30 → due 06-19
  ];
  const all = careStatus({ residents, tags, tagTypes: TAG_TYPES, visits, today: TODAY });
  assert.deepEqual(all.map((e) => [e.resident.id, e.dueOn, e.days, e.overdue]), [
    ['r1', '2026-06-08', -7, true],
    ['r2', '2026-06-19', 4, false], // same day: by name in pinyin order (李 before 王)
    ['r3', '2026-06-19', 4, false],
    ['r5', '2026-08-30', 76, false],
  ]);
  assert.equal(all[0].lastVisit, '2026-06-01');
  assert.equal(all.find((e) => e.resident.id === 'r3').interval, 30);
  assert.deepEqual(dueList({ residents, tags, tagTypes: TAG_TYPES, visits, today: TODAY }).map((e) => e.resident.id), ['r1', 'r2', 'r3']);
  // Visit dates are China dates: 2026-06-14T17:00Z is already the 15th in Beijing.
  const late = careStatus({ residents, tags, tagTypes: TAG_TYPES, visits: [visit('v9', 'h1', '2026-06-14', { visited_at: '2026-06-14T17:00:00Z' })], today: TODAY });
  assert.equal(late.find((e) => e.resident.id === 'r1').lastVisit, '2026-06-15');
});

test('due view: overdue in red with days, nearest first, names escaped', () => {
  const residents = [rec('resident', 'r1', { household_id: 'h1', name: XSS, birth_date: '1940-01-01' })];
  const tags = [rec('resident_tag', 't1', { resident_id: 'r1', tag: 'elderly_alone', detail: { risk_level: 'high' } })];
  const entries = dueList({ residents, tags, tagTypes: TAG_TYPES, visits: [visit('v1', 'h1', '2026-06-01')], today: TODAY })
    .map((e) => ({ ...e, household: rec('household', 'h1', { unit: 2, room: '501' }), building: rec('building', 'b1', { number: '3' }) }));
  const out = dueView({ entries, tagTypes: TYPES, today: TODAY });
  assertNoRawXss(out, 'due');
  assert.match(out, /text-danger">逾期 7 天/);
  assert.match(out, /3号楼2单元501/);
  assert.match(out, /href="\/app\/households\/h1"/);
  assert.match(out, /<span class="tag-mark[^"]*" title="独居老人">独<\/span>/);
});

// --- the door grid ------------------------------------------------------------------------------

test('door status: vacant, overdue care resident, visited this month, not yet', () => {
  const overdue = new Set(['r-late']);
  const h = (use = 'owner_occupied') => rec('household', 'h', { housing_use: use });
  const r = (id, extra = {}) => rec('resident', id, { name: 'x', ...extra });
  assert.equal(doorStatus({ household: h('vacant'), residents: [], visits: [], overdueResidentIds: overdue, today: TODAY }), 'vacant');
  assert.equal(doorStatus({ household: h('commercial'), residents: [], visits: [], overdueResidentIds: overdue, today: TODAY }), 'vacant');
  assert.equal(doorStatus({ household: h(), residents: [r('r-late')], visits: [visit('v', 'h', '2026-06-10')], overdueResidentIds: overdue, today: TODAY }), 'overdue');
  // An overdue resident who moved out does not colour the door.
  assert.equal(doorStatus({ household: h(), residents: [r('r-late', { moved_out_on: '2026-01-01' })], visits: [], overdueResidentIds: overdue, today: TODAY }), 'pending');
  assert.equal(doorStatus({ household: h(), residents: [r('r1')], visits: [visit('v', 'h', '2026-06-02')], overdueResidentIds: overdue, today: TODAY }), 'visited');
  assert.equal(doorStatus({ household: h(), residents: [r('r1')], visits: [visit('v', 'h', '2026-05-31')], overdueResidentIds: overdue, today: TODAY }), 'pending');
  assert.equal(doorStatus({ household: h(), residents: [r('r1')], visits: [visit('v', 'h', '2026-06-02', { outcome: 'not_home' })], overdueResidentIds: overdue, today: TODAY }), 'pending');
  // 2026-05-31T16:30Z is 1 June in Beijing: this month.
  assert.equal(doorStatus({ household: h(), residents: [r('r1')], visits: [visit('v', 'h', '2026-05-31', { visited_at: '2026-05-31T16:30:00Z' })], overdueResidentIds: overdue, today: TODAY }), 'visited');
});

test('door grid: units × floors × doors, top floor first, misfits listed apart', () => {
  const building = rec('building', 'b1', { number: '3', units: 2, floors: 3, rooms_per_floor: 2 });
  const households = [
    rec('household', 'a', { unit: 1, floor: 3, room: '301' }),
    rec('household', 'b', { unit: 2, floor: 1, room: '102' }),
    rec('household', 'c', { unit: 1, floor: -1, room: 'B01' }),
  ];
  const grid = doorGrid(building, households);
  assert.equal(grid.units.length, 2);
  assert.deepEqual(grid.units[0].floors.map((f) => f.floor), [3, 2, 1]);
  assert.deepEqual(grid.units[0].floors[0].doors.map((d) => [d.room, d.household?.id ?? null]), [['301', 'a'], ['302', null]]);
  assert.equal(grid.units[1].floors[2].doors[1].household.id, 'b');
  assert.deepEqual(grid.others.map((h) => h.id), ['c']);
});

test('building view: coloured doors with words and marks, links, ≥ door classes, top floor first', () => {
  const building = rec('building', 'b1', { number: '3', units: 1, floors: 2, rooms_per_floor: 2 });
  const households = [
    rec('household', 'h1', { unit: 1, floor: 2, room: '201', housing_use: 'owner_occupied' }),
    rec('household', 'h2', { unit: 1, floor: 2, room: '202', housing_use: 'vacant' }),
    rec('household', 'h3', { unit: 1, floor: 1, room: '101', housing_use: 'rented' }),
    rec('household', 'h4', { unit: 1, floor: 1, room: XSS }),
  ];
  const out = buildingView({
    building, households, tagTypes: TYPES,
    status: new Map([['h1', 'overdue'], ['h2', 'vacant'], ['h3', 'visited']]),
    tags: new Map([['h1', ['elderly_alone', 'disabled']], ['h3', ['tenant']]]),
  });
  assert.match(out, /<a class="door door-overdue" href="\/app\/households\/h1"/);
  assert.match(out, /door-mark">!逾期/);
  assert.match(out, /door door-vacant[^>]*>.*door-mark">—空置/s);
  assert.match(out, /door door-visited[^>]*>.*door-mark">✓已访/s);
  assert.match(out, /class="door door-unregistered"[^>]*><span class="door-room">102<\/span>/);
  assert.ok(out.indexOf('>2F<') < out.indexOf('>1F<'), 'top floor first');
  assert.match(out, /tag-mark" title="独居老人">独<\/span><span class="tag-mark" title="残疾人">残<\/span>/);
  assert.match(out, /title="租户\/流动人口">租</);
  assert.ok(!out.includes('<img'));
});

// --- household and the routine visit -----------------------------------------------------------

function householdData(extra = {}) {
  const resident = rec('resident', 'r1', {
    household_id: 'h1', name: XSS, sex: 'female', birth_date: '1945-03-02', relation: 'head',
    id_type: 'resident_id', id_number: '11010519491231002X', phone: '13812345678',
  });
  const tag = rec('resident_tag', 't1', { resident_id: 'r1', tag: 'elderly_alone', detail: { risk_level: 'high', kin_name: '王<b>', kin_phone: '13900001111' } });
  return {
    household: rec('household', 'h1', { building_id: 'b1', unit: 2, floor: 5, room: '501', housing_use: 'owner_occupied', registration_status: 'consistent' }),
    building: rec('building', 'b1', { number: '3' }),
    residents: [{ record: resident, tags: [tag] }],
    tagTypes: TYPES,
    visits: [
      visit('v2', 'h1', '2026-06-10', { notes: '<script>x</script>', resident_ids: ['r1'] }),
      visit('v1', 'h1', '2026-05-01', { outcome: 'not_home', method: 'doorstep' }),
    ],
    care: new Map(),
    residentNames: new Map([['r1', XSS]]),
    today: TODAY,
    ...extra,
  };
}

test('household view: masked ID and phone, care tags, history newest first, the big routine-visit button', () => {
  const out = householdView(householdData());
  assertNoRawXss(out, 'household');
  assert.ok(!out.includes('<script>'));
  assert.ok(out.includes('**************002X'));
  assert.ok(!out.includes('110105'), 'no area code: with the birth date shown it would give the number back');
  assert.ok(out.includes('138****5678'));
  assert.ok(out.includes('139****1111'), 'phone in tag details masked too');
  assert.ok(out.includes('王&lt;b&gt;'));
  assert.match(out, /风险等级：高/);
  assert.match(out, /<a class="btn btn-primary btn-big btn-block" href="\/app\/households\/h1\/visit">在家，一切正常<\/a>/);
  assert.ok(out.indexOf('2026-06-10') < out.indexOf('2026-05-01'), 'newest visit first');
  assert.match(out, /<title>3号楼2单元501 · 网格通<\/title>/);
});

test('visit sheet: preset to 入户 + 正常 with every resident, the save button first', () => {
  const out = householdView(householdData({ sheet: true }));
  assertNoRawXss(out, 'visit sheet');
  assert.match(out, /<form method="post" action="\/app\/households\/h1\/visits" enctype="multipart\/form-data"/);
  assert.match(out, /name="method" value="in_person" checked/);
  assert.match(out, /name="outcome" value="normal" checked/);
  assert.match(out, /name="resident_ids" value="r1" checked/);
  assert.match(out, /type="file" name="photo"[^>]*data-wangge-photo/);
  const form = out.slice(out.indexOf('<form'));
  assert.ok(form.indexOf('type="submit"') < form.indexOf('name="method"'), 'save is reachable without scrolling');
});

// --- resident form and the ID check ------------------------------------------------------------

test('resident form: tag detail fields from the dictionary, values escaped, live ID check wired', () => {
  const data = householdData();
  const out = residentFormView({
    mode: 'edit', household: data.household, building: data.building, resident: data.residents[0].record,
    values: { ...data.residents[0].record.fields }, tagTypes: TAG_TYPES, chosenTags: new Set(['elderly_alone']),
    details: { elderly_alone: { risk_level: 'high', kin_name: '"><img src=x>' } }, errors: { 'detail.disabled.disability_type': 'required' }, today: TODAY,
  });
  assert.ok(!out.includes('<img'));
  assert.ok(out.includes(`value="${XSS_ESCAPED}"`));
  assert.match(out, /name="tags" value="elderly_alone" checked/);
  assert.match(out, /<select name="detail.elderly_alone.risk_level">[\s\S]*<option value="high" selected>高<\/option>/);
  assert.match(out, /name="detail.pregnant.postpartum" value="true"/);
  assert.match(out, /type="date" name="detail.pregnant.due_date"/);
  assert.match(out, /hx-get="\/app\/residents\/check-id" hx-trigger="keyup changed delay:300ms, change"/);
  assert.match(out, /field-error" role="alert">必填/);
  assert.match(out, /id-check id-ok/); // the stored number is checked on open
});

test('ID check fragment: the server messages, birth date and sex from the number, mismatches', () => {
  const ok = idCheck({ id_type: 'resident_id', id_number: '110105199003071239', birth_date: '1990-03-07', sex: 'male' }, { today: TODAY });
  assert.match(ok, /身份证号有效：1990-03-07 出生 · 男/);
  assert.ok(!ok.includes('field-error'));
  const bad = idCheck({ id_number: '110105199003071238' }, { today: TODAY });
  assert.match(bad, /身份证号校验位错误，请核对/);
  const typing = idCheck({ id_number: '1101051990' }, { today: TODAY });
  assert.match(typing, /已输入 10\/18 位/);
  const mismatch = idCheck({ id_number: '110105199003071239', birth_date: '1990-07-03', sex: 'female' }, { today: TODAY });
  assert.match(mismatch, /出生日期与身份证号不一致/);
  assert.match(mismatch, /性别与身份证号不一致/);
  assert.equal(idCheck({ id_type: 'passport', id_number: 'E123' }, { today: TODAY }), '<span id="id-check" class="id-check" aria-live="polite"></span>');
});

// --- ID numbers and phones: the shared vectors -------------------------------------------------

test('idnumber.js matches server/registry/validators.py (tests/vectors/idnumber.json)', () => {
  const today = ID_VECTORS.today;
  assert.ok(ID_VECTORS.validate.length > 40);
  for (const c of ID_VECTORS.validate) {
    assert.equal(validateIdNumber(c.value, { today }), c.code, JSON.stringify(c));
    if (c.code === null) {
      assert.equal(normaliseIdNumber(c.value), c.normalised);
      assert.equal(checkDigit(c.normalised.slice(0, 17)), c.check_digit);
      assert.deepEqual(idNumberFacts(c.value, { today }), { birthDate: c.birth_date, sex: c.sex });
    }
  }
  for (const c of ID_VECTORS.against) {
    const got = checkIdNumberAgainst(c.id_number, c.birth_date, c.sex, { today });
    assert.deepEqual(got, c.invalid ? { id_number: c.invalid } : c.errors, JSON.stringify(c));
  }
  for (const c of ID_VECTORS.mask_id_number) assert.equal(maskIdNumber(c.value), c.masked, JSON.stringify(c));
  for (const c of ID_VECTORS.phone) assert.equal(validatePhone(c.value), c.code, JSON.stringify(c));
  for (const c of ID_VECTORS.mask_phone) assert.equal(maskPhone(c.value), c.masked, JSON.stringify(c));
});

test('idnumber.js messages are the protocol messages', async () => {
  const { MESSAGES } = await import('../src/core/idnumber.js');
  for (const [code, message] of Object.entries(ID_VECTORS.messages)) {
    if (code.startsWith('id_number')) assert.equal(MESSAGES[code], message);
  }
});

// --- other views -----------------------------------------------------------------------------

test('the home list names a building\'s estate only where the grid spans more than one', () => {
  const user = { id: 'u1', name: '赵网格', role: 'grid_worker', username: 'wg_zhao' };
  const grid = (estates) => ({ id: 'g1', name: '第1网格', buildings: estates.map((estate, i) => ({ id: `b${i}`, number: '1', estate, households: 3 })) });
  const one = homeView({ user, grids: [grid(['幸福家园', '幸福家园'])], due: {}, outbox: {} });
  assert.ok(!one.includes('· 幸福家园'));
  const two = homeView({ user, grids: [grid(['幸福家园', '和平里'])], due: {}, outbox: {} });
  assert.ok(two.includes('· 幸福家园') && two.includes('· 和平里'));
});


test('home, patrol, sync and login views escape what they show', () => {
  const user = { id: 'u1', name: XSS, role: 'grid_worker', username: 'wgy1' };
  const home = homeView({ user, grids: [{ id: 'g1', name: XSS, buildings: [{ id: 'b1', number: '3', name: XSS, households: 4 }] }], due: { due: 2, overdue: 1 }, outbox: { pending: 3, rejected: 1 } });
  assertNoRawXss(home, 'home');
  assert.match(home, /stat stat-danger" href="\/app\/due"><span class="count">1<\/span>逾期未访/);
  assert.match(home, /data-wangge-sync/);
  const volunteer = homeView({ user: { ...user, role: 'patrol_volunteer' }, outbox: {} });
  assert.ok(!volunteer.includes('/app/due') && !volunteer.includes('/app/search') && !volunteer.includes('/app/buildings'));
  assert.ok(volunteer.includes('/app/patrol/new'));

  const categories = [
    rec('finding_category', 'safety', { parent_id: null, name_zh: '安全隐患', sort: 1 }),
    rec('finding_category', 'safety_gas', { parent_id: 'safety', name_zh: '燃气隐患', sort: 2 }),
    rec('finding_category', 'dispute', { parent_id: null, name_zh: '矛盾纠纷', sort: 5 }),
  ];
  const form = patrolNewView({ categories, grids: [{ id: 'g1', name: 'g' }] });
  assert.match(form, /<optgroup label="安全隐患">\s*<option value="safety_gas">燃气隐患<\/option>\s*<option value="safety">其他安全隐患<\/option>/);
  assert.match(form, /data-wangge-locate/);
  assert.match(form, /name="urgency" value="normal" checked/);
  const list = patrolListView({
    findings: [rec('finding', 'f1', { description: XSS, category: 'safety_gas', status: 'dispatched', reported_at: '2026-06-01T01:00:00Z', unit: XSS })],
    steps: new Map([['f1', [
      rec('case_step', 's1', { to_status: 'accepted', at: '2026-06-01T02:00:00Z', opinion: XSS }),
      rec('case_step', 's2', { to_status: 'dispatched', kind: 'chase', at: '2026-06-02T02:00:00Z', opinion: '请尽快处理' }),
      rec('case_step', 's3', { to_status: 'rated', at: '2026-06-03T02:00:00Z', rating: 4 }),
    ]]]),
    categories: new Map(categories.map((c) => [c.id, c])),
  });
  assertNoRawXss(list, 'patrol list');
  assert.match(list, /已派遣/);
  // The staff's chase reads as a reminder, not as a second dispatch; the callback rating shows as stars.
  assert.match(list, /<\/span> 督办<div>请尽快处理<\/div>/);
  assert.match(list, /评价 ★★★★☆/);
  assert.match(list, /安全隐患 \/ 燃气隐患/);

  const rejected = [{
    id: 'c1', entity: 'resident', record_id: 'r1', op: 'upsert', status: 'rejected', hlc: '001795430516719-00000-dev',
    fields: { name: XSS, id_number: '110105199003071238' },
    result: { code: 'validation_failed', message: '内容校验未通过', fields: { id_number: { code: 'id_number_checksum', message: '身份证号校验位错误，请核对' } } },
  }];
  const sync = syncView({ pending: [{ entity: 'visit' }], rejected, user, cards: new Map([['c1', { text: XSS, href: '/app/residents/r1/edit', reason: XSS }]]), canDiscard: true });
  assertNoRawXss(sync, 'sync');
  assert.match(sync, /身份证号校验位错误，请核对/);
  assert.match(sync, /name="f.id_number" value="110105199003071238"/);
  assert.match(sync, /action="\/app\/sync\/rejected\/c1\/discard"/);
  const confirm = syncView({ pending: [{ entity: 'visit' }], rejected: [], user, confirmLogout: true });
  assert.match(confirm, /还有 1 条修改没有同步到服务器/);
  const login = loginView({ username: XSS, error: XSS });
  assertNoRawXss(login, 'login');
});

// --- the door grid from core/doors.js ----------------------------------------------------------

test('door grid: explicit doors, none doors not drawn, shops and offices marked and not homes', () => {
  const building = rec('building', 'b9', {
    number: '9', estate: '幸福小区', lift: true, units: 1, floors: 5, rooms_per_floor: 2, doors: [
      { unit: 1, floor: 1, room: '商铺1', use: 'shop' },
      { unit: 1, floor: 1, room: '102', use: 'office' },
      { unit: 1, floor: 2, room: '201', use: 'home' },
      { unit: 1, floor: 4, room: '401', use: 'none' },
      { unit: 1, floor: 5, room: '13A', use: 'home' },
    ],
  });
  const households = [
    rec('household', 'h1', { unit: 1, floor: 5, room: '13A', housing_use: 'owner_occupied' }),
    rec('household', 'h2', { unit: 1, floor: 4, room: '401' }),
  ];
  const grid = doorGrid(building, households);
  assert.deepEqual(grid.units[0].floors.map((f) => f.floor), [5, 2, 1], 'the 4th floor has no doors: not drawn');
  assert.deepEqual(grid.units[0].floors[0].doors.map((d) => [d.room, d.household?.id ?? null]), [['13A', 'h1']]);
  assert.equal(grid.homes, 2);
  assert.deepEqual(grid.others.map((h) => h.id), ['h2'], 'a household at a removed door is listed apart');
  const out = buildingView({ building, households, tagTypes: TYPES, status: new Map([['h1', 'visited']]) });
  assert.match(out, /door-shop"[^>]*><span class="door-room">商铺1<\/span><span class="door-mark">商铺/);
  assert.match(out, /door-office"[^>]*><span class="door-room">102<\/span><span class="door-mark">办公/);
  assert.match(out, /幸福小区 · /);
  assert.match(out, /2户住宅/);
  assert.match(out, /有电梯/);
  assert.ok(!out.includes('>401<') || out.indexOf('>401<') > out.indexOf('其他房间'), '401 only among the others');
});

test('door grid: rooms named by the building\'s door pattern', () => {
  const building = rec('building', 'b8', { number: '8', units: 2, floors: 2, rooms_per_floor: 1, door_pattern: '{unit}-{floor}{door:02}' });
  const grid = doorGrid(building, [rec('household', 'h', { unit: 2, floor: 2, room: '2-201' })]);
  assert.deepEqual(grid.units[1].floors.map((f) => f.doors[0].room), ['2-201', '2-101']);
  assert.equal(grid.units[1].floors[0].doors[0].household.id, 'h');
  assert.equal(grid.others.length, 0);
});
