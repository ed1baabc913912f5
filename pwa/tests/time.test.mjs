// pwa/src/core/time.js, and "today" on the phone between 00:00 and 08:00 Beijing time, when the UTC
// date is still yesterday's: a baby born today is not "born in the future", tomorrow's date is.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import {
  addDays, chinaDate, chinaDateTime, chinaToday, daysBetween, daysInMonth, isoSeconds,
} from '../src/core/time.js';
import { checkDigit, validateIdNumber } from '../src/core/idnumber.js';
import { parseResidentForm } from '../src/sw/features/resident.js';
import { createRouter } from '../src/sw/router.js';
import { openStore } from '../src/storage/db.js';
import { createEngine } from '../src/sync/engine.js';
import { get, post, useFormToken } from './support/requests.mjs';
import { TEST_VAULT } from './support/vault.mjs';

const NIGHT = Date.parse('2026-12-06T19:00:00Z'); // 03:00 on 2026-12-07 in Beijing

/** A valid resident ID number of a boy born on `birth` (YYYY-MM-DD). */
function idBornOn(birth) {
  const first17 = `110105${birth.replaceAll('-', '')}123`;
  return first17 + checkDigit(first17);
}

function frozen(ms, body) {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return body();
  } finally {
    Date.now = real;
  }
}

test('Beijing dates of instants: the day turns at 16:00 UTC', () => {
  assert.equal(chinaToday(NIGHT), '2026-12-07');
  assert.equal(chinaToday(new Date(NIGHT)), '2026-12-07');
  assert.equal(frozen(NIGHT, () => chinaToday()), '2026-12-07', 'the default is the clock now');
  assert.equal(chinaDate('2026-12-06T15:59:59Z'), '2026-12-06');
  assert.equal(chinaDate('2026-12-06T16:00:00Z'), '2026-12-07');
  assert.equal(chinaDateTime(NIGHT), '2026-12-07 03:00');
  assert.equal(chinaDateTime('2026-12-31T16:30:00Z'), '2027-01-01 00:30');
  assert.equal(chinaDate('not a time'), '');
  assert.equal(chinaDateTime(null), '');
  assert.equal(isoSeconds(NIGHT + 789), '2026-12-06T19:00:00Z');
});

test('calendar arithmetic on YYYY-MM-DD dates', () => {
  assert.equal(addDays('2026-12-07', 30), '2027-01-06');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(daysBetween('2026-12-07', '2027-01-06'), 30);
  assert.equal(daysBetween('2027-01-06', '2026-12-07'), -30);
  assert.deepEqual([2023, 2024, 1900, 2000].map((y) => daysInMonth(y, 2)), [28, 29, 28, 29]);
  assert.equal(daysInMonth(2026, 12), 31);
  assert.equal(daysInMonth(2026, 11), 30);
});

test('03:00 in Beijing: born today is valid, born tomorrow is in the future (ID number and form)', () => {
  const today = chinaToday(NIGHT);
  assert.equal(validateIdNumber(idBornOn('2026-12-07'), { today }), null);
  assert.equal(validateIdNumber(idBornOn('2026-12-08'), { today }), 'id_number_birth_date');
  // Without an explicit today the number is judged against Beijing's date now, not UTC's.
  assert.equal(frozen(NIGHT, () => validateIdNumber(idBornOn('2026-12-07'))), null);
  assert.equal(frozen(NIGHT, () => validateIdNumber(idBornOn('2026-12-08'))), 'id_number_birth_date');

  const form = (birth) => {
    const f = new FormData();
    for (const [k, v] of Object.entries({ name: '新生儿', sex: 'male', birth_date: birth, id_number: idBornOn(birth) })) f.set(k, v);
    return f;
  };
  assert.deepEqual(parseResidentForm(form('2026-12-07'), { today, mode: 'new' }).errors, {});
  assert.deepEqual(parseResidentForm(form('2026-12-08'), { today, mode: 'new' }).errors, {
    birth_date: 'future_date', id_number: 'id_number_birth_date',
  });
});

test('03:00 in Beijing through the router: the form, the live ID check and the save use Beijing\'s today', async () => {
  const storage = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: 'night', ...TEST_VAULT });
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
  const server = (entity, id, fields) => ({ entity, id, deleted: false, fields, scope, clocks: {} });
  await storage.applyPullPage({
    cursor: 'c1',
    records: [
      server('area', 'g1', { level: 'grid', name: '第一网格', parent_id: 'c1', code: null }),
      server('building', 'b1', { grid_id: 'g1', number: '3', units: 1, floors: 1, rooms_per_floor: 1 }),
      server('household', 'h1', { building_id: 'b1', unit: 1, floor: 1, room: '101' }),
    ],
  });
  await storage.setMeta('token', 't0ken');
  await storage.setMeta('user', { id: 'u1', name: '李网格', role: 'grid_worker', username: 'wgy1', area_ids: ['g1'] });
  const engine = createEngine({ storage, fetch: () => Promise.reject(new TypeError('offline')), useLocks: false, wall: () => NIGHT });
  const router = createRouter({
    storage, engine, shell: async (fragment) => new Response(fragment), requestSync: async () => ({}),
    registerBackgroundSync: async () => {}, now: () => NIGHT,
  });
  await useFormToken(storage);

  const page = await (await router.route(get('/app/residents/new?household=h1'))).text();
  assert.match(page, /name="birth_date" value="" max="2026-12-07"/);
  const check = async (birth) => (await router.route(get(`/app/residents/check-id?id_number=${idBornOn(birth)}`))).text();
  assert.match(await check('2026-12-07'), /id-ok/);
  assert.match(await check('2026-12-08'), /身份证号中的出生日期无效/);

  const save = (birth) => router.route(post('/app/residents/new?household=h1', [
    ['name', '新生儿'], ['sex', 'male'], ['birth_date', birth], ['id_number', idBornOn(birth)],
  ]));
  const tomorrow = await save('2026-12-08');
  assert.equal(tomorrow.status, 422);
  assert.match(await tomorrow.text(), /日期不能晚于今天/);
  assert.equal((await storage.outbox('pending')).length, 0);
  const today = await save('2026-12-07');
  assert.equal(today.status, 200);
  const [change] = await storage.outbox('pending');
  assert.equal(change.fields.birth_date, '2026-12-07');
  await storage.close();
});
