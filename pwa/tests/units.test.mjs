// 实有单位 on the phone: the credit-code check against the server's vectors
// (tests/vectors/creditcode.json), and a worker adding and editing a building's unit offline: it is
// queued in the outbox, listed under the door grid, and refused at the field with the server's codes.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { CREDIT_MESSAGES, creditCheckCharacter, creditCodeError, normaliseCreditCode } from '../src/core/creditcode.js';
import { get, post } from './support/requests.mjs';
import { assertNoRawXss, world, XSS, XSS_ESCAPED } from './support/screens.mjs';

const VECTORS = JSON.parse(readFileSync(new URL('../../tests/vectors/creditcode.json', import.meta.url), 'utf8'));

test('creditcode.js matches server/units/creditcode.py (tests/vectors/creditcode.json)', () => {
  for (const c of VECTORS.validate) {
    assert.equal(creditCodeError(c.value), c.code, JSON.stringify(c.value));
    assert.equal(normaliseCreditCode(c.value), c.normalised, JSON.stringify(c.value));
  }
  for (const c of VECTORS.check_character) assert.equal(creditCheckCharacter(c.first17), c.check, c.first17);
  for (const [code, [zhText]] of Object.entries(VECTORS.messages)) assert.equal(CREDIT_MESSAGES[code], zhText, code);
});

const SHOP = [['name', '惠民便利店'], ['kind', 'shop'], ['room', '底商3号'], ['credit_code', '91310000ma1fl4b24g'],
  ['contact_name', '郑店长'], ['contact_phone', '13812345678'], ['employees', '4'], ['status', 'open']];

test('a unit added offline is queued, shown under the door grid, and opens to its screen', async () => {
  const { router, storage } = await world();
  const form = await (await router.route(get('/app/buildings/b1/units/new'))).text();
  assert.match(form, /action="\/app\/buildings\/b1\/units\/new"/);
  const answer = await router.route(post('/app/buildings/b1/units/new', [...SHOP, ['handles_cases', '1']]));
  assert.equal(answer.status, 200);
  const saved = await answer.text();
  assert.match(saved, /已保存单位 惠民便利店/);
  const [change] = (await storage.outbox('pending')).filter((c) => c.entity === 'unit');
  assert.deepEqual(change.fields, {
    building_id: 'b1', name: '惠民便利店', kind: 'shop', room: '底商3号', credit_code: '91310000MA1FL4B24G',
    contact_name: '郑店长', contact_phone: '13812345678', employees: 4, status: 'open', handles_cases: true,
  });
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, new RegExp(`href="/app/units/${change.record_id}"`));
  assert.match(building, /惠民便利店/);
  assert.match(building, /商铺 · 底商3号/);
  const unit = await (await router.route(get(`/app/units/${change.record_id}`))).text();
  assert.match(unit, /91310000MA1FL4B24G/);
  assert.match(unit, /href="tel:13812345678"/);
});

test('a wrong credit code, a bad phone and a missing name are refused at their fields, nothing queued', async () => {
  const { router, storage } = await world();
  const fields = SHOP.map(([k, v]) => [k, { name: '', credit_code: '91350100M000100Y44', contact_phone: '12345' }[k] ?? v]);
  const answer = await router.route(post('/app/buildings/b1/units/new', fields));
  assert.equal(answer.status, 422);
  const text = await answer.text();
  assert.match(text, /统一社会信用代码校验位错误，请核对/);
  assert.match(text, /电话号码格式不正确/);
  assert.match(text, /必填/);
  assert.equal((await storage.outbox('pending')).filter((c) => c.entity === 'unit').length, 0);
});

test('an edit queues only the changed fields, and names are escaped', async () => {
  const { router, storage } = await world();
  await router.route(post('/app/buildings/b1/units/new', SHOP.map(([k, v]) => [k, k === 'name' ? XSS : v])));
  const [created] = (await storage.outbox('pending')).filter((c) => c.entity === 'unit');
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assertNoRawXss(building, 'building view');
  assert.ok(building.includes(XSS_ESCAPED));
  const edit = await (await router.route(get(`/app/units/${created.record_id}/edit`))).text();
  assertNoRawXss(edit, 'unit form');
  const values = SHOP.map(([k, v]) => [k, { name: XSS, status: 'closed' }[k] ?? v]);
  assert.equal((await router.route(post(`/app/units/${created.record_id}/edit`, values))).status, 200);
  const changes = (await storage.outbox('pending')).filter((c) => c.entity === 'unit' && c.record_id === created.record_id);
  assert.deepEqual(changes.map((c) => c.fields).at(-1), { status: 'closed' });
});
