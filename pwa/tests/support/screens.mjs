// Fixtures shared by the screen tests: records and care tag types, and a world with a router on a
// fake-indexeddb store holding one grid, one building with two households, residents, a visit and
// a finding, the real storage module and engine, and no network.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import { createRouter } from '../../src/sw/router.js';
import { openStore } from '../../src/storage/db.js';
import { createEngine } from '../../src/sync/engine.js';
import { useFormToken } from './requests.mjs';
import { TEST_VAULT } from './vault.mjs';

export const XSS = '<img src=x onerror=alert(1)>';
export const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
export const TODAY = '2026-06-15';
export const NOW = Date.parse('2026-06-15T04:00:00Z'); // 12:00 in Beijing
export const SHELL = readFileSync(new URL('../../static/index.html', import.meta.url), 'utf8');

export const rec = (entity, id, fields, extra = {}) => ({ entity, id, fields, scope: { grid_id: 'g1' }, ...extra });

export function assertNoRawXss(text, where) {
  assert.ok(!text.includes('<img src=x'), `${where}: raw <img> in output`);
  assert.ok(text.includes(XSS_ESCAPED), `${where}: the name is not shown as text`);
}

export const TAG_TYPES = [
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
export const TYPES = new Map(TAG_TYPES.map((t) => [t.id, t]));

export const visit = (id, household, day, extra = {}) => rec('visit', id, {
  household_id: household, resident_ids: [], visited_at: `${day}T02:00:00Z`, method: 'in_person', outcome: 'normal', photos: [], ...extra,
});

let dbCounter = 0;

export async function world({ role = 'grid_worker' } = {}) {
  const storage = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: `views${dbCounter++}`, ...TEST_VAULT });
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
  await useFormToken(storage);
  return { storage, engine, router, syncs };
}
