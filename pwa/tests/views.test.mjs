// The service worker's screens: escaping, the pure computations behind the views (door colours,
// due visits, pinyin search), the ID number port against tests/vectors/idnumber.json, and the
// router + actions end to end on a fake-indexeddb store with the real storage module and engine
// (no network: every write must land in the outbox and the screen must answer at once).
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import { escapeHtml, html, raw } from '../src/sw/views/escape.js';
import { label, LABELS } from '../src/sw/views/labels.js';
import { careStatus, doorGrid, doorStatus, dueList, tagInterval } from '../src/sw/views/care.js';
import { buildingView } from '../src/sw/views/building.js';
import { dueView } from '../src/sw/views/due.js';
import { homeView } from '../src/sw/views/home.js';
import { householdView } from '../src/sw/views/household.js';
import { loginView } from '../src/sw/views/login.js';
import { patrolListView, patrolNewView } from '../src/sw/views/patrol.js';
import { idCheck, residentFormView } from '../src/sw/views/resident_form.js';
import { parseAddress, searchRecords, searchView } from '../src/sw/views/search.js';
import { syncView } from '../src/sw/views/sync_page.js';
import { initials, initialsOf, matchInitials } from '../src/core/pinyin.js';
import {
  checkDigit, checkIdNumberAgainst, idNumberFacts, maskIdNumber, normaliseIdNumber, validateIdNumber,
} from '../src/core/idnumber.js';
import { maskPhone, validatePhone } from '../src/core/phone.js';
import { createRouter, matchRoute } from '../src/sw/router.js';
import { isDate } from '../src/sw/forms.js';
import { parseResidentForm } from '../src/sw/features/resident.js';
import { coerce } from '../src/sw/features/sync.js';
import { openStore } from '../src/storage/db.js';
import { createEngine } from '../src/sync/engine.js';
import { ORIGIN, get, post } from './support/requests.mjs';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const TODAY = '2026-06-15';
const NOW = Date.parse('2026-06-15T04:00:00Z'); // 12:00 in Beijing
const ID_VECTORS = JSON.parse(readFileSync(new URL('../../tests/vectors/idnumber.json', import.meta.url), 'utf8'));
const SHELL = readFileSync(new URL('../static/index.html', import.meta.url), 'utf8');

const rec = (entity, id, fields, extra = {}) => ({ entity, id, fields, scope: { grid_id: 'g1' }, ...extra });

function assertNoRawXss(text, where) {
  assert.ok(!text.includes('<img src=x'), `${where}: raw <img> in output`);
  assert.ok(text.includes(XSS_ESCAPED), `${where}: the name is not shown as text`);
}

// --- html ------------------------------------------------------------------------------------

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

test('labels: the Chinese enum tables', () => {
  assert.deepEqual(Object.values(LABELS.method), ['入户', '电话', '视频', '门口']);
  assert.deepEqual(Object.values(LABELS.outcome), ['正常', '不在家', '拒访', '发现问题']);
  assert.deepEqual(Object.values(LABELS.status),
    ['已上报', '已受理', '已派遣', '处置中', '申请延期', '已退回', '已反馈', '已核查', '已销号', '已评价']);
  assert.equal(label('housing_use', 'vacant'), '空置');
  assert.equal(label('registration_status', 'nominal'), '空挂户');
  assert.equal(label('relation', 'head'), '户主');
  assert.equal(label('population_type', 'migrant'), '流动');
  assert.equal(label('sex', 'female'), '女');
  assert.equal(label('urgency', 'emergency'), '特急');
  assert.equal(label('status', 'unknown_thing'), 'unknown_thing');
});

// --- fixtures ----------------------------------------------------------------------------------

const TAG_TYPES = [
  rec('care_tag_type', 'elderly_alone', {
    name_zh: '独居老人', interval_days: 7, sort: 1,
    detail_fields: [
      { name: 'risk_level', type: 'choice', choices: ['high', 'medium', 'low'], label_zh: '风险等级' },
      { name: 'kin_name', type: 'text', max: 32, label_zh: '亲属姓名' },
      { name: 'kin_phone', type: 'phone', label_zh: '亲属电话' },
    ],
  }, { scope: {} }),
  rec('care_tag_type', 'elderly_empty_nest', {
    name_zh: '空巢老人', interval_days: 30, sort: 2,
    detail_fields: [{ name: 'risk_level', type: 'choice', choices: ['high', 'medium', 'low'], label_zh: '风险等级' }],
  }, { scope: {} }),
  rec('care_tag_type', 'disabled', {
    name_zh: '残疾人', interval_days: 30, sort: 7,
    detail_fields: [
      { name: 'disability_type', type: 'choice', choices: ['visual', 'physical'], required: true, label_zh: '残疾类别' },
      { name: 'disability_grade', type: 'choice', choices: ['1', '2', '3', '4'], required: true, label_zh: '残疾等级' },
    ],
  }, { scope: {} }),
  rec('care_tag_type', 'pregnant', {
    name_zh: '孕产妇', interval_days: 30, sort: 8,
    detail_fields: [
      { name: 'due_date', type: 'date', required: true, label_zh: '预产期' },
      { name: 'postpartum', type: 'bool', label_zh: '产后' },
    ],
  }, { scope: {} }),
  rec('care_tag_type', 'tenant', { name_zh: '租户/流动人口', interval_days: 90, sort: 9, detail_fields: [] }, { scope: {} }),
];
const TYPES = new Map(TAG_TYPES.map((t) => [t.id, t]));

const visit = (id, household, day, extra = {}) => rec('visit', id, {
  household_id: household, resident_ids: [], visited_at: `${day}T02:00:00Z`, method: 'in_person', outcome: 'normal', photos: [], ...extra,
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
  assert.ok(out.includes('110105********002X'));
  assert.ok(!out.includes('11010519491231002X'));
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

// --- pinyin and search -----------------------------------------------------------------------

test('pinyin initials: zs finds 张三; polyphonic surnames; every demo name character known', () => {
  assert.equal(initials('张三'), 'zs');
  assert.equal(initials('李秀英'), 'lxy');
  assert.equal(matchInitials('张三', 'zs'), 3);
  assert.equal(matchInitials('张三丰', 'zs'), 2);
  assert.equal(matchInitials('王秀英', 'xy'), 1);
  assert.equal(matchInitials('李四', 'zs'), 0);
  assert.equal(matchInitials('张三', ''), 0);
  assert.ok(initialsOf('单建国').includes('sjg'));
  assert.ok(initialsOf('曾雨涵').includes('zyh'));
  const names = readFileSync(new URL('../../server/demo/names.py', import.meta.url), 'utf8');
  const missing = [...new Set(names.match(/[\u4e00-\u9fff]/g))].filter((c) => initials(c) === '');
  assert.deepEqual(missing, []);
});

test('search: by name, pinyin initials and address', () => {
  const buildings = [rec('building', 'b3', { number: '3' })];
  const households = [
    rec('household', 'h1', { building_id: 'b3', unit: 2, floor: 5, room: '501' }),
    rec('household', 'h2', { building_id: 'b3', unit: 1, floor: 5, room: '501' }),
  ];
  const residents = [
    rec('resident', 'r1', { household_id: 'h1', name: '张三', sex: 'male' }),
    rec('resident', 'r2', { household_id: 'h1', name: '李四', sex: 'male' }),
    rec('resident', 'r3', { household_id: 'h2', name: '张三丰', sex: 'male' }),
    rec('resident', 'r4', { household_id: 'h2', name: 'KIM MINJUN', sex: 'male' }),
  ];
  const find = (q) => searchRecords({ q, residents, households, buildings, today: TODAY });
  assert.deepEqual(find('zs').residents.map((r) => r.record.fields.name), ['张三', '张三丰']);
  assert.deepEqual(find('ZS').residents.map((r) => r.record.fields.name), ['张三', '张三丰']);
  assert.deepEqual(find('张').residents.map((r) => r.record.fields.name), ['张三', '张三丰']);
  assert.deepEqual(find('kim').residents.map((r) => r.record.fields.name), ['KIM MINJUN']);
  assert.deepEqual(find('3-2-501').households.map((h) => h.record.id), ['h1']);
  assert.deepEqual(find('3号楼2单元501').households.map((h) => h.record.id), ['h1']);
  assert.deepEqual(find('501').households.map((h) => h.record.id).sort(), ['h1', 'h2']);
  assert.deepEqual(find('').residents, []);
  assert.deepEqual(parseAddress('12号楼 3单元 1201'), { building: '12', unit: 3, room: '1201' });
  const out = searchView({ q: XSS, results: { residents: [{ record: rec('resident', 'x', { name: XSS, household_id: 'h1' }) }], households: [] }, today: TODAY });
  assertNoRawXss(out, 'search');
});

// --- other views -----------------------------------------------------------------------------

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
  const sync = syncView({ pending: [{ entity: 'visit' }], rejected, user, describe: new Map([['resident:r1', XSS]]), canDiscard: true });
  assertNoRawXss(sync, 'sync');
  assert.match(sync, /身份证号校验位错误，请核对/);
  assert.match(sync, /name="f.id_number" value="110105199003071238"/);
  assert.match(sync, /action="\/app\/sync\/rejected\/c1\/discard"/);
  const confirm = syncView({ pending: [{ entity: 'visit' }], rejected: [], user, confirmLogout: true });
  assert.match(confirm, /还有 1 条修改没有同步到服务器/);
  const login = loginView({ username: XSS, error: XSS });
  assertNoRawXss(login, 'login');
});

// --- actions: pure parts -----------------------------------------------------------------------

test('resident form parsing: required, enums, dates, phone, ID cross-check', () => {
  const form = (entries) => { const f = new FormData(); for (const [k, v] of Object.entries(entries)) f.set(k, v); return f; };
  const ok = parseResidentForm(form({ name: ' 张三 ', sex: 'male', id_number: '110105199003071239', birth_date: '1990-03-07', phone: '13812345678' }), { today: TODAY, mode: 'new' });
  assert.deepEqual(ok.errors, {});
  assert.equal(ok.values.name, '张三');
  assert.equal(ok.values.id_type, 'resident_id');
  const bad = parseResidentForm(form({ sex: 'x', id_number: '110105199003071239', birth_date: '2027-01-01', phone: '123', permit_expiry: '2027-01-01' }), { today: TODAY, mode: 'new' });
  assert.deepEqual(bad.errors, {
    name: 'required', sex: 'invalid_choice', birth_date: 'future_date', phone: 'phone_format', permit_expiry: 'permit_for_migrant_only',
  });
  const x = parseResidentForm(form({ name: 'a', sex: 'female', id_number: '11010519491231002x' }), { today: TODAY, mode: 'new' });
  assert.equal(x.values.id_number, '11010519491231002X');
  assert.deepEqual(x.errors, {});
  assert.equal(isDate('2026-02-29'), false);
  assert.equal(isDate('2024-02-29'), true);
  assert.equal(isDate('1899-12-31'), false);
  assert.equal(coerce('12', 5), 12);
  assert.equal(coerce('', null), null);
  assert.deepEqual(coerce('["a"]', []), ['a']);
});

test('route table: every screen URL of the contract, GET and POST', () => {
  const id = '01a20809-6489-7252-8d37-4b4a33092f4c';
  for (const [method, path, name] of [
    ['GET', '/app/login', 'login'], ['POST', '/app/login', 'login'], ['GET', '/app/', 'home'],
    ['GET', `/app/buildings/${id}`, 'building'], ['GET', `/app/households/${id}`, 'household'],
    ['GET', `/app/households/${id}/visit`, 'visitSheet'], ['POST', `/app/households/${id}/visits`, 'visit'],
    ['GET', '/app/residents/new', 'residentNew'], ['POST', '/app/residents/new', 'residentNew'],
    ['GET', `/app/residents/${id}/edit`, 'residentEdit'], ['POST', `/app/residents/${id}/edit`, 'residentEdit'],
    ['GET', '/app/residents/check-id', 'checkId'], ['GET', '/app/due', 'due'], ['GET', '/app/patrol', 'patrol'],
    ['GET', '/app/patrol/new', 'patrolNew'], ['POST', '/app/patrol/new', 'patrolNew'], ['GET', '/app/search', 'search'],
    ['GET', '/app/sync', 'sync'], ['POST', '/app/sync/run', 'syncRun'], ['POST', `/app/sync/rejected/${id}`, 'resend'],
    ['POST', `/app/sync/rejected/${id}/discard`, 'discard'], ['POST', '/app/logout', 'logout'],
  ]) {
    assert.equal(matchRoute(method, path)?.route.name, name, `${method} ${path}`);
  }
  assert.equal(matchRoute('GET', '/app/nope'), null);
  assert.equal(matchRoute('GET', '/app/app.js'), null);
  assert.equal(matchRoute('DELETE', '/app/'), null);
});

// --- router + actions on a real store (fake-indexeddb), no network -------------------------------

let dbCounter = 0;

async function world({ role = 'grid_worker' } = {}) {
  const storage = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: `views${dbCounter++}` });
  const offline = () => Promise.reject(new TypeError('Failed to fetch'));
  const engine = createEngine({ storage, fetch: offline, useLocks: false, wall: () => NOW });
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
  const server = (entity, id, fields, s = scope) => ({ entity, id, deleted: false, fields, scope: s, clocks: {} });
  await storage.applyPullPage({
    cursor: 'c1',
    records: [
      server('area', 'g1', { level: 'grid', name: '幸福社区第一网格', parent_id: 'c1', code: null }),
      ...TAG_TYPES.map((t) => server('care_tag_type', t.id, t.fields, {})),
      server('finding_category', 'safety', { parent_id: null, name_zh: '安全隐患', sort: 1 }, {}),
      server('finding_category', 'safety_gas', { parent_id: 'safety', name_zh: '燃气隐患', sort: 2 }, {}),
      server('building', 'b1', { grid_id: 'g1', number: '3', name: '3号楼', units: 2, floors: 6, rooms_per_floor: 2 }),
      server('household', 'h1', { building_id: 'b1', unit: 2, floor: 5, room: '501', housing_use: 'owner_occupied', registration_status: 'consistent' }),
      server('household', 'h2', { building_id: 'b1', unit: 1, floor: 1, room: '102', housing_use: 'vacant', registration_status: 'registered_absent' }),
      server('resident', 'r1', { household_id: 'h1', name: XSS, sex: 'female', birth_date: '1940-02-03', relation: 'head', id_type: 'resident_id', id_number: null }),
      server('resident', 'r2', { household_id: 'h1', name: '张三', sex: 'male', birth_date: '1950-01-01', relation: 'spouse', id_type: 'resident_id', id_number: null }),
      server('resident_tag', 't1', { resident_id: 'r1', tag: 'elderly_alone', detail: { risk_level: 'high' }, started_on: '2025-01-01', ended_on: null }),
      server('visit', 'v1', { household_id: 'h1', resident_ids: ['r1'], visited_at: '2026-05-20T02:00:00Z', method: 'in_person', outcome: 'normal', photos: [] }),
      server('finding', 'f1', { grid_id: 'g1', reporter_id: 'u1', category: 'safety_gas', description: '楼道燃气味', status: 'in_progress', reported_at: '2026-06-01T01:00:00Z', urgency: 'normal', photos: [] }),
      server('case_step', 's1', { finding_id: 'f1', from_status: 'reported', to_status: 'accepted', at: '2026-06-01T02:00:00Z', opinion: '已受理' }),
    ],
  });
  await storage.setMeta('token', 't0ken');
  await storage.setMeta('user', { id: 'u1', name: '李网格', role, username: 'wgy1', area_ids: ['g1'] });
  const syncs = [];
  const router = createRouter({
    storage,
    engine,
    shell: async (fragment, { title } = {}) => new Response(
      SHELL.replace('<!--screen-->', fragment).replace(/<title>[^<]*<\/title>/, `<title>${title} · 网格通</title>`),
      { headers: { 'Content-Type': 'text/html; charset=utf-8' } },
    ),
    requestSync: async (reason) => { syncs.push(reason); return { state: 'error', error: 'offline' }; },
    registerBackgroundSync: async () => { syncs.push('background'); },
    now: () => NOW,
  });
  return { storage, engine, router, syncs };
}

test('router: htmx gets the fragment, a navigation gets the shell with the screen inside', async () => {
  const { router } = await world();
  const fragment = await router.route(get('/app/households/h1'));
  assert.equal(fragment.status, 200);
  const text = await fragment.text();
  assert.ok(text.startsWith('<title>3号楼2单元501 · 网格通</title>'));
  assert.ok(!text.includes('<html'));
  assertNoRawXss(text, 'household via router');
  const page = await router.route(get('/app/households/h1', false));
  const full = await page.text();
  assert.match(full, /^<!doctype html>/);
  assert.match(full, /<title>3号楼2单元501 · 网格通<\/title>/);
  assert.match(full, /<main id="screen" aria-live="polite">\s*<div class="screen">/);
  assertNoRawXss(full, 'household full page');
  const restore = await router.route(new Request(`${ORIGIN}/app/due`, { headers: { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' } }));
  assert.match(await restore.text(), /^<!doctype html>/);
  assert.equal(await router.route(get('/app/unknown')), null);
});

test('router: every GET screen renders and escapes the resident name', async () => {
  const { router } = await world();
  for (const path of ['/app/', '/app/buildings/b1', '/app/households/h1', '/app/households/h1/visit',
    '/app/residents/new?household=h1', '/app/residents/r1/edit', '/app/due', '/app/patrol', '/app/patrol/new',
    '/app/search?q=img', '/app/search?q=zs', '/app/sync', '/app/login', '/app/residents/check-id?id_number=110105199003071238']) {
    const response = await router.route(get(path));
    assert.equal(response.status, 200, path);
    const text = await response.text();
    assert.ok(!text.includes('<img'), `${path}: raw <img>`);
  }
  const due = await (await router.route(get('/app/due'))).text();
  assertNoRawXss(due, 'due via router');
  assert.match(due, /逾期 19 天/); // visited 05-20, high risk → weekly, due 05-27
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /door door-overdue" href="\/app\/households\/h1"/);
  assert.match(building, /door door-vacant" href="\/app\/households\/h2"/);
  const search = await (await router.route(get('/app/search?q=zs'))).text();
  assert.match(search, /张三/);
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /<span class="count">1<\/span>逾期未访/);
  assert.match(home, /href="\/app\/buildings\/b1"/);
  const patrol = await (await router.route(get('/app/patrol'))).text();
  assert.match(patrol, /楼道燃气味/);
  assert.match(patrol, /处置中/);
  assert.equal(await (await router.route(get('/app/households/nope'))).text().then((t) => t.includes('未找到')), true);
});

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
  assert.equal(tap2.headers.get('HX-Push-Url'), '/app/households/h1');
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
  assert.equal(ok.headers.get('HX-Push-Url'), '/app/households/h1');
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
  assert.equal(response.headers.get('HX-Push-Url'), '/app/patrol');
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

test('a patrol volunteer sees only the patrol screens', async () => {
  const { router } = await world({ role: 'patrol_volunteer' });
  for (const path of ['/app/buildings/b1', '/app/households/h1', '/app/due', '/app/search?q=zs', '/app/residents/r1/edit']) {
    const text = await (await router.route(get(path))).text();
    assert.match(text, /无权限/, path);
    assert.ok(!text.includes('张三'), path);
  }
  const denied = await (await router.route(post('/app/households/h1/visits', [['method', 'in_person']]))).text();
  assert.match(denied, /无权限/);
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /上报巡查发现/);
  assert.ok(!home.includes('/app/buildings/'));
  for (const path of ['/app/patrol', '/app/patrol/new', '/app/sync']) {
    assert.ok(!(await (await router.route(get(path))).text()).includes('无权限'), path);
  }
});

test('logged out: screens answer the login form (htmx) or redirect to it (navigation)', async () => {
  const { router, storage } = await world();
  await storage.wipe();
  const fragment = await router.route(get('/app/due'));
  assert.equal(fragment.headers.get('HX-Push-Url'), '/app/login');
  assert.match(await fragment.text(), /name="password"/);
  const nav = await router.route(get('/app/due', false));
  assert.equal(nav.status, 303);
  assert.equal(nav.headers.get('Location'), '/app/login');
  const login = await router.route(post('/app/login', [['username', 'wgy1'], ['password', 'x']]));
  assert.equal(login.status, 422);
  assert.match(await login.text(), /首次登录需要联网/);
});

test('rejected change: shown with its reason, fixed and resent as a new change; logout warns first', async () => {
  const { router, storage, engine } = await world();
  const change = await engine.createChange('resident', 'r2', { id_number: '110105195001010018' });
  await storage.resolvePushResults([{
    id: change.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过',
    fields: { id_number: { code: 'id_number_checksum', message: '身份证号校验位错误，请核对' } },
  }]);
  const page = await (await router.route(get('/app/sync'))).text();
  assert.match(page, /被退回的修改（1）/);
  assert.match(page, /张三/);
  assert.match(page, /身份证号校验位错误，请核对/);
  const action = `/app/sync/rejected/${change.id}`;
  assert.ok(page.includes(`action="${action}"`));
  const fixed = await router.route(post(action, [['f.id_number', '11010519500101001x']]));
  assert.equal(fixed.status, 200);
  assert.match(await fixed.text(), /已重新提交/);
  assert.equal((await storage.outbox('rejected')).length, 0);
  const [resent] = await storage.outbox('pending');
  assert.notEqual(resent.id, change.id);
  assert.deepEqual({ ...resent.fields }, { id_number: '11010519500101001X' });

  // A care-tag detail error is reported as detail.<name>: the fix writes inside `detail`.
  const tagChange = await engine.createChange('resident_tag', 't1', { detail: { risk_level: 'high', kin_phone: '12345' } });
  await storage.resolvePushResults([{
    id: tagChange.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过',
    fields: { 'detail.kin_phone': { code: 'phone_format', message: '电话号码格式不正确（手机11位，座机需带区号）' } },
  }]);
  const tagPage = await (await router.route(get('/app/sync'))).text();
  assert.match(tagPage, /name="f.detail.kin_phone" value="12345"/);
  await router.route(post(`/app/sync/rejected/${tagChange.id}`, [['f.detail.kin_phone', '13912345678']]));
  const resentTag = (await storage.outbox('pending')).find((c) => c.entity === 'resident_tag');
  assert.deepEqual({ ...resentTag.fields.detail }, { risk_level: 'high', kin_phone: '13912345678' });
  const discardable = await engine.createChange('resident', 'r2', { phone: '1' });
  await storage.resolvePushResults([{ id: discardable.id, status: 'rejected', code: 'validation_failed', message: 'x', fields: {} }]);
  await router.route(post(`/app/sync/rejected/${discardable.id}/discard`, []));
  assert.equal((await storage.outbox('rejected')).length, 0);

  const warn = await (await router.route(post('/app/logout', []))).text();
  assert.match(warn, /还有 2 条修改没有同步到服务器/);
  assert.equal(await storage.getMeta('token'), 't0ken');
  const out = await router.route(post('/app/logout', [['confirm', '1']]));
  assert.equal(out.headers.get('HX-Push-Url'), '/app/login');
  assert.equal(await storage.getMeta('token'), undefined);
  assert.equal((await storage.outbox('pending')).length, 0);
});

test('sync button without the page script: waits for the sync and says what happened', async () => {
  const { router, syncs } = await world();
  const response = await router.route(post('/app/sync/run', [['next', '/app/sync']]));
  assert.equal(response.headers.get('HX-Push-Url'), '/app/sync');
  assert.match(await response.text(), /网络不可用：修改已保存在本机/);
  assert.deepEqual(syncs, ['button']);
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
  assert.match(screen, /处置后照片 1 张/);
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
