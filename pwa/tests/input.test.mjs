// What the worker types: pinyin initials and search, and the resident form's parsing (dates,
// phones, the ID number cross-check, the rejected-change fix form's values).
// Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { initials, initialsOf, matchInitials } from '../src/core/pinyin.js';
import { isDate } from '../src/sw/forms.js';
import { parseResidentForm } from '../src/sw/features/resident.js';
import { coerce } from '../src/sw/features/sync.js';
import { parseAddress, searchRecords, searchView } from '../src/sw/views/search.js';
import { TODAY, XSS, assertNoRawXss, rec } from './support/screens.mjs';

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

// --- form parsing ------------------------------------------------------------------------------

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
