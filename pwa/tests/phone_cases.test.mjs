// Cases and due visits on the phone: the 待访 ranking (risk, then how vulnerable the tags say,
// then days overdue) and its tag chips, the 户况图's "due within 7 days" doors, a visit's need
// turned into a case (转为事件) offline, the case number, and the preset phrases of the report form.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { compareDue, rankDue, riskLevel, tagCounts } from '../src/core/due_rank.js';
import { HAZARD_PHRASES, phrasesFor } from '../src/core/hazard_phrases.js';
import { readFileSync } from 'node:fs';
import { get, post } from './support/requests.mjs';
import { world } from './support/screens.mjs';

// The categories a worker picks from the seed dictionary (server/cases/seeds.py): every 小类, and
// the 大类 that have none.
const SEEDS = readFileSync(new URL('../../server/cases/seeds.py', import.meta.url), 'utf8');
const SEED_CATEGORY_CODES = [
  ...[...SEEDS.matchAll(/\("(\w+)", "[^"]+", "[^"]+"\)/g)].map((m) => m[1]),
  ...[...SEEDS.matchAll(/\("(\w+)", "[^"]+", "[^"]+", \[\]\)/g)].map((m) => m[1]),
];

const entry = (name, tags, { risk = null, interval = 30, days = 0 } = {}) => ({
  resident: { id: name, fields: { name } },
  tags: tags.slice(),
  tagRecords: tags.map((tag) => ({ fields: { tag, detail: risk ? { risk_level: risk } : {} } })),
  interval,
  days,
  overdue: days < 0,
});

test('ranking: an elderly person living alone on a 7-day cycle comes before long-overdue tenants', () => {
  const tenants = [entry('租户甲', ['tenant'], { interval: 90, days: -40 }), entry('租户乙', ['tenant'], { interval: 90, days: -12 })];
  const alone = entry('王奶奶', ['elderly_alone'], { interval: 7, days: -1 });
  const ranked = rankDue([...tenants, alone]).map((e) => e.resident.fields.name);
  assert.deepEqual(ranked, ['王奶奶', '租户甲', '租户乙']);
});

test('ranking: the risk level on a tag wins over the interval, then the most overdue comes first', () => {
  const low = entry('低风险独居', ['elderly_alone'], { risk: 'low', interval: 7, days: -3 });
  const high = entry('高风险空巢', ['elderly_empty_nest'], { risk: 'high', interval: 7, days: 2 });
  const medium = entry('中风险残疾', ['disabled'], { risk: 'medium', interval: 30, days: 5 });
  const none = entry('无风险独居', ['elderly_alone'], { interval: 7, days: -9 });
  const later = entry('无风险独居晚', ['elderly_alone'], { interval: 7, days: 3 });
  const ranked = rankDue([later, none, low, medium, high]).map((e) => e.resident.fields.name);
  assert.deepEqual(ranked, ['高风险空巢', '中风险残疾', '低风险独居', '无风险独居', '无风险独居晚']);
  assert.equal(riskLevel(high), 'high');
  assert.equal(riskLevel(none), null);
  // Ties end on the name: the order is stable whatever order the store gave.
  assert.ok(compareDue(entry('甲', ['tenant']), entry('乙', ['tenant'])) !== 0);
});

test('ranking: a tag filter keeps only residents carrying it; counts are per tag', () => {
  const entries = [entry('甲', ['tenant']), entry('乙', ['elderly_alone', 'disabled']), entry('丙', ['elderly_alone'])];
  assert.deepEqual(rankDue(entries, { tag: 'elderly_alone' }).map((e) => e.resident.fields.name).sort(), ['丙', '乙']);
  assert.deepEqual(tagCounts(entries).sort((a, b) => a.code.localeCompare(b.code)), [
    { code: 'disabled', count: 1 }, { code: 'elderly_alone', count: 2 }, { code: 'tenant', count: 1 },
  ]);
});

/** A visit to household h1 as the server sent it, by `day` (YYYY-MM-DD). */
function pullVisit(storage, id, day, extra = {}) {
  return storage.applyPullPage({
    cursor: `c-${id}`,
    records: [{ entity: 'visit', id, deleted: false, clocks: {}, scope: { grid_id: 'g1' },
      fields: { household_id: 'h1', resident_ids: ['r1'], visited_at: `${day}T02:00:00Z`, method: 'in_person', outcome: 'normal', photos: [], ...extra } }],
  });
}

async function withTenantDue() {
  const w = await world();
  // A tenant long overdue (never visited, tag given a year ago) beside the high-risk elderly resident r1.
  await w.storage.applyPullPage({
    cursor: 'c2',
    records: [
      { entity: 'resident', id: 'r9', deleted: false, clocks: {}, scope: { grid_id: 'g1', community_id: 'c1' },
        fields: { household_id: 'h1', name: '租客小刘', sex: 'male', birth_date: '1995-01-01', relation: 'tenant', id_type: 'resident_id', id_number: null } },
      { entity: 'resident_tag', id: 't9', deleted: false, clocks: {}, scope: { grid_id: 'g1', community_id: 'c1' },
        fields: { resident_id: 'r9', tag: 'tenant', detail: {}, started_on: '2025-01-01', ended_on: null } },
    ],
  });
  return w;
}

test('待访 screen: high-risk elderly first, tag chips filter, the chosen chip is marked', async () => {
  const { router } = await withTenantDue();
  const all = await (await router.route(get('/app/due'))).text();
  assert.ok(all.indexOf('高风险') > 0, 'the risk is shown as a word');
  assert.ok(all.indexOf('租客小刘') > all.indexOf('resident-name">&lt;img'), 'the elderly resident comes first');
  assert.match(all, /<a class="chip chip-current" href="\/app\/due" aria-current="true">全部 <span class="chip-count">2<\/span>/);
  assert.match(all, /href="\/app\/due\?tag=tenant">租户\/流动人口 <span class="chip-count">1<\/span>/);
  const tenants = await (await router.route(get('/app/due?tag=tenant'))).text();
  assert.ok(tenants.includes('租客小刘'));
  assert.ok(!tenants.includes('resident-name">&lt;img'), 'the filter hides residents without the tag');
  assert.match(tenants, /class="chip chip-current" href="\/app\/due\?tag=tenant"/);
  // An unknown tag is no filter.
  const unknown = await (await router.route(get('/app/due?tag=nope'))).text();
  assert.ok(unknown.includes('租客小刘') && unknown.includes('resident-name">&lt;img'));
});

test('户况图: a door whose resident is due within 7 days is marked, apart from overdue, with a legend and unit jumps', async () => {
  const { router, storage } = await world();
  // r1 (weekly, high risk) was last visited 2026-06-08: due today (06-15), seen 7 days ago.
  await pullVisit(storage, 'v2', '2026-06-08');
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /class="door door-due" href="\/app\/households\/h1"[^>]*aria-label="501：有关爱对象 7 天内到期/);
  assert.match(building, /<span class="door door-due"><span class="door-mark">◇<\/span><\/span>将到期 1/);
  assert.match(building, /<span class="door door-overdue">.*逾期 0/);
  assert.match(building, /<a class="chip" href="#unit-1">1单元<\/a><a class="chip" href="#unit-2">2单元<\/a>/);
  assert.match(building, /<section class="door-unit" id="unit-2"/);
});

test('户况图: a weekly resident seen yesterday is on schedule (已访), not due soon', async () => {
  const { router, storage } = await world();
  await pullVisit(storage, 'v2', '2026-06-14');
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /class="door door-visited" href="\/app\/households\/h1"/);
});

test('转为事件: a visit need becomes a queued finding with source visit, requester, visit and address; offline', async () => {
  const { router, storage } = await world();
  // A visit to r1 alone that raised a need (already on the phone, as after the sheet was saved).
  await pullVisit(storage, 'v3', '2026-06-15', { outcome: 'issue_found', needs: '楼道灯坏了，晚上看不见', visitor_id: 'u1' });
  await pullVisit(storage, 'v4', '2026-06-15', { needs: '想申请助餐', visitor_id: 'u9' });
  const household = await (await router.route(get('/app/households/h1'))).text();
  assert.match(household, /<a class="btn btn-small" href="\/app\/visits\/v3\/case">转为事件<\/a>/);
  // Today's need of mine is offered at the top too; a colleague's is not pushed at me.
  assert.match(household, /class="card notice need-prompt">\n<p><strong>走访记录了诉求：<\/strong>楼道灯坏了，晚上看不见<\/p>[\s\S]*?href="\/app\/visits\/v3\/case">转为事件/);
  assert.ok(!/need-prompt[\s\S]*想申请助餐[\s\S]*<section class="card quick-visit">/.test(household));
  assert.ok(!household.includes('/app/visits/v1/case'), 'a visit without a need offers no case');

  const form = await (await router.route(get('/app/visits/v3/case'))).text();
  assert.match(form, /<textarea name="description"[^>]*>楼道灯坏了，晚上看不见<\/textarea>/);
  assert.match(form, /<input type="hidden" name="visit_id" value="v3">/);
  // The visit named r1 alone: r1 is the one who asked, and the only one offered.
  assert.match(form, /<select name="requester_id">\n<option value="">不记录诉求人<\/option>\n<option value="r1" selected>/);
  assert.ok(!form.includes('value="r2"'));
  assert.match(form, /name="address" value="3号楼2单元501"/);
  assert.match(form, /<input type="radio" name="urgency" value="normal" checked>/);

  const saved = await router.route(post('/app/patrol/new', [
    ['visit_id', 'v3'], ['requester_id', 'r1'], ['category', 'safety_gas'], ['description', '楼道灯坏了，晚上看不见'],
    ['address', '3号楼2单元501'], ['urgency', 'urgent'], ['grid_id', 'g1'], ['lat', ''], ['lng', ''], ['accuracy', ''],
  ]));
  assert.equal(saved.status, 200);
  const [change] = (await storage.outbox('pending')).filter((c) => c.entity === 'finding');
  assert.deepEqual(
    { ...change.fields, reported_at: undefined },
    {
      grid_id: 'g1', source: 'visit', category: 'safety_gas', description: '楼道灯坏了，晚上看不见', urgency: 'urgent',
      photos: [], reported_at: undefined, address: '3号楼2单元501', visit_id: 'v3', requester_id: 'r1',
      requester_name: '<img src=x onerror=alert(1)>',
    },
  );
  const list = await saved.text();
  assert.match(list, /编号待同步/);
  assert.match(list, /走访诉求/);
  // Back on the household, the need shows its case instead of the button.
  const after = await (await router.route(get('/app/households/h1'))).text();
  assert.match(after, /已转为事件<\/a> · 编号待同步/);
  assert.ok(!after.includes('need-prompt'));
  assert.ok(!after.includes('/app/visits/v3/case'));
});

test('转为事件: a need of the whole household offers its residents, nobody chosen', async () => {
  const { router, storage } = await world();
  await pullVisit(storage, 'v5', '2026-06-15', { resident_ids: [], needs: '想申请助餐' });
  const form = await (await router.route(get('/app/visits/v5/case'))).text();
  assert.match(form, /<option value="">不记录诉求人<\/option>\n<option value="r1">[^<]*<\/option><option value="r2">张三<\/option>/);
  const saved = await router.route(post('/app/patrol/new', [
    ['visit_id', 'v5'], ['requester_id', 'r2'], ['category', 'safety_gas'], ['description', '想申请助餐'], ['urgency', 'normal'], ['grid_id', 'g1'],
  ]));
  assert.equal(saved.status, 200);
  const [change] = await storage.outbox('pending');
  assert.equal(change.fields.requester_id, 'r2');
  assert.equal(change.fields.requester_name, '张三');
});

test('转为事件: a visit the phone does not hold, or someone else as requester, is refused with a marked error', async () => {
  const { router, storage } = await world();
  const base = [['category', 'safety_gas'], ['description', '诉求'], ['urgency', 'normal'], ['grid_id', 'g1']];
  const unknown = await router.route(post('/app/patrol/new', [['visit_id', 'nope'], ...base]));
  assert.match(await unknown.text(), /field-error[^>]*>取值不正确/);
  const stranger = await router.route(post('/app/patrol/new', [['visit_id', 'v1'], ['requester_id', 'r2'], ...base]));
  assert.match(await stranger.text(), /field-error[^>]*>取值不正确/);
  assert.equal((await storage.outbox('pending')).length, 0);
});

test('a synced case shows its number in 我的上报', async () => {
  const { router, storage } = await world();
  await storage.applyPullPage({
    cursor: 'c2',
    records: [{ entity: 'finding', id: 'f1', deleted: false, clocks: {}, scope: { grid_id: 'g1', reporter_id: 'u1' },
      fields: { grid_id: 'g1', reporter_id: 'u1', category: 'safety_gas', description: '楼道燃气味', status: 'in_progress', reported_at: '2026-06-01T01:00:00Z', urgency: 'normal', photos: [], number: 'XF-20260601-0003' } }],
  });
  const list = await (await router.route(get('/app/patrol'))).text();
  assert.match(list, /编号 <strong>XF-20260601-0003<\/strong>/);
});

test('report form: the phrases of each offered category, hidden until it is chosen; GPS starts by itself', async () => {
  const { router } = await world();
  const form = await (await router.route(get('/app/patrol/new'))).text();
  assert.match(form, /<div class="phrases" data-phrases-for="safety_gas" hidden><button type="button" class="phrase" data-wangge-phrase="楼道内有燃气味">/);
  assert.match(form, /data-wangge-locate data-wangge-locate-auto>/);
  assert.match(form, /<select name="category" required data-wangge-phrase-select>/);
});

test('phrases: every seed category has at least one, in both languages', () => {
  assert.equal(SEED_CATEGORY_CODES.length, 15);
  for (const code of SEED_CATEGORY_CODES) {
    assert.ok(phrasesFor(code).length > 0, `${code} has no phrase`);
    assert.equal(phrasesFor(code, 'en').length, phrasesFor(code).length);
  }
  assert.ok(phrasesFor('safety_plaster').includes('楼道墙皮脱落，有掉落风险'));
  assert.ok(phrasesFor('safety_electrical').includes('楼道电线私拉乱接'));
  assert.deepEqual(Object.keys(HAZARD_PHRASES).filter((c) => !SEED_CATEGORY_CODES.includes(c)), [], 'no phrases for unknown codes');
  assert.deepEqual(phrasesFor('no_such_code'), []);
});
