// pwa/src/storage/ on fake-indexeddb, and pwa/src/core/ids.js. Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import { createStore, openStore, storage } from '../src/storage/db.js';
import { refOf } from '../src/storage/records.js';
import { UUID_PATTERN, uuid7, uuid7Millis } from '../src/core/ids.js';
import { TEST_VAULT } from './support/vault.mjs';

let counter = 0;
// A fresh database per test (its own IDBFactory, so nothing leaks between tests).
const fresh = () => openStore({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: `t${counter++}`, ...TEST_VAULT });

const SCOPE_G1 = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
const SCOPE_G2 = { grid_id: 'g2', community_id: 'c1', street_id: 's1', reporter_id: null };
const clock = (n, node = 'dev') => `${String(1795430516000 + n).padStart(15, '0')}-00000-${node}`;

function rec(entity, id, fields, scope = SCOPE_G1, clocks) {
  return {
    entity, id, deleted: false, fields, scope,
    clocks: clocks ?? Object.fromEntries(Object.keys(fields).map((k) => [k, clock(0, 'server')])),
  };
}

async function seeded() {
  const s = await fresh();
  await s.applyPullPage({
    cursor: 'c1',
    records: [
      rec('building', 'b1', { grid_id: 'g1', number: '1' }),
      rec('household', 'h1', { building_id: 'b1', unit: 1, floor: 5, room: '501' }),
      rec('household', 'h2', { building_id: 'b1', unit: 1, floor: 6, room: '601' }),
      rec('resident', 'r1', { household_id: 'h1', name: '张秀英', sex: 'female', phone: null }),
      rec('area', 'g1', { level: 'grid', name: '第1网格', parent_id: 'c1' }),
      rec('area', 'g2', { level: 'grid', name: '第2网格', parent_id: 'c1' }, SCOPE_G2),
      rec('building', 'b2', { grid_id: 'g2', number: '2' }, SCOPE_G2),
      rec('care_tag_type', 'elderly_alone', { name_zh: '独居老人' }, { grid_id: null, community_id: null, street_id: null, reporter_id: null }),
    ],
  });
  return s;
}

// -- ids ---------------------------------------------------------------------------------

test('uuid7: layout of sync/ids.py (version 7, variant 10, 48-bit millis), unique, time-ordered', () => {
  const ids = Array.from({ length: 2000 }, () => uuid7());
  for (const id of ids) {
    assert.match(id, UUID_PATTERN);
    assert.equal(id[14], '7');
    assert.ok('89ab'.includes(id[19]), id);
  }
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(uuid7Millis(uuid7(1795430516719)), 1795430516719);
  assert.ok(uuid7(1000) < uuid7(1001));
  assert.equal(uuid7(0).slice(0, 13), '00000000-0000');
  assert.equal(uuid7(2 ** 48 + 5).slice(0, 13), '00000000-0005'); // low 48 bits, as in Python
  assert.equal(uuid7(0x0123456789ab).slice(0, 13), '01234567-89ab');
});

// -- meta, device id ---------------------------------------------------------------------

test('meta: get/set/remove; ensureDeviceId is made once', async () => {
  const s = await fresh();
  assert.equal(await s.getMeta('token'), undefined);
  await s.setMeta('user', { id: 'u1', role: 'grid_worker' });
  assert.deepEqual(await s.getMeta('user'), { id: 'u1', role: 'grid_worker' });
  await s.setMeta('user', undefined);
  assert.equal(await s.getMeta('user'), undefined);
  const [a, b] = await Promise.all([s.ensureDeviceId(), s.ensureDeviceId()]);
  assert.match(a, UUID_PATTERN);
  assert.equal(a, b);
  assert.equal(await s.ensureDeviceId(), a);
});

test('on the global indexedDB a store opens through idb\'s openDB', async () => {
  const s = createStore({ name: 'global-factory' });
  await s.setMeta('k', 1);
  assert.equal(await s.getMeta('k'), 1);
  assert.deepEqual([...(await s.db()).objectStoreNames].sort(), ['blobs', 'meta', 'outbox', 'records']);
  await s.close();
});

test('the device\'s store is a store on the global indexedDB, database "wangge"', async () => {
  assert.equal(storage.name, 'wangge');
  if ((await storage.lockState()) !== 'open') await storage.createVault('pw');
  await storage.setMeta('token', 'abc');
  assert.equal(await storage.getMeta('token'), 'abc');
  const change = await storage.enqueue({ entity: 'resident', record_id: 'r9', op: 'upsert', fields: { name: 'x' }, hlc: clock(1) });
  assert.deepEqual((await storage.view('resident', 'r9')).fields, { name: 'x' });
  assert.deepEqual((await storage.outbox()).map((c) => c.id), [change.id]);
  await storage.close();
});

// -- views and the overlay ---------------------------------------------------------------

test('refOf: the parent each entity is listed under', () => {
  assert.equal(refOf('building', { grid_id: 'gX' }, { grid_id: 'g1' }), 'g1');
  assert.equal(refOf('building', { grid_id: 'gX' }, null), 'gX');
  assert.equal(refOf('household', { building_id: 'b' }), 'b');
  assert.equal(refOf('resident', { household_id: 'h' }), 'h');
  assert.equal(refOf('resident_tag', { resident_id: 'r' }), 'r');
  assert.equal(refOf('visit', { household_id: 'h' }), 'h');
  assert.equal(refOf('case_step', { finding_id: 'f' }), 'f');
  assert.equal(refOf('finding', { grid_id: 'g' }), null);
  assert.equal(refOf('area', {}), null);
});

test('view: server copy with pending changes laid over in order; a pending delete hides it', async () => {
  const s = await seeded();
  const server = await s.serverRecord('resident', 'r1');
  assert.equal(server.ref, 'h1');
  assert.deepEqual(server.scope, SCOPE_G1);
  assert.equal(await s.serverRecord('resident', 'nope'), null);
  assert.equal(await s.view('resident', 'nope'), null);

  const plain = await s.view('resident', 'r1');
  assert.deepEqual(plain, { entity: 'resident', id: 'r1', fields: server.fields, scope: SCOPE_G1, pending: false });

  await s.enqueue({ entity: 'resident', record_id: 'r1', op: 'upsert', fields: { phone: '13912345678' }, hlc: clock(1) });
  await s.enqueue({ entity: 'resident', record_id: 'r1', op: 'upsert', fields: { phone: '13800001111', notes: 'n' }, hlc: clock(2) });
  const viewed = await s.view('resident', 'r1');
  assert.equal(viewed.fields.phone, '13800001111');
  assert.equal(viewed.fields.notes, 'n');
  assert.equal(viewed.fields.name, '张秀英');
  assert.equal(viewed.pending, true);
  // the replica is untouched
  assert.equal((await s.serverRecord('resident', 'r1')).fields.phone, null);

  await s.enqueue({ entity: 'resident_tag', record_id: 't1', op: 'upsert', fields: { resident_id: 'r1', tag: 'elderly_alone' }, hlc: clock(3) });
  assert.equal((await s.view('resident_tag', 't1')).fields.tag, 'elderly_alone');
  await s.enqueue({ entity: 'resident_tag', record_id: 't1', op: 'delete', fields: { ignored: 1 }, hlc: clock(4) });
  assert.equal(await s.view('resident_tag', 't1'), null);
  const del = (await s.outbox()).at(-1);
  assert.equal(del.op, 'delete');
  assert.deepEqual(del.fields, {});
});

test('enqueue: base from the replica clocks, then earlier pending changes; ids and clock persisted', async () => {
  const s = await seeded();
  const server = await s.serverRecord('resident', 'r1');
  const first = await s.enqueue({ entity: 'resident', record_id: 'r1', op: 'upsert', fields: { phone: '13912345678', notes: 'a' }, hlc: clock(5) });
  assert.match(first.id, UUID_PATTERN);
  assert.deepEqual(first.base, { phone: server.clocks.phone }); // notes never seen: omitted
  assert.equal(first.status, 'pending');
  assert.equal(await s.getMeta('hlc'), clock(5));
  const second = await s.enqueue({ entity: 'resident', record_id: 'r1', op: 'upsert', fields: { phone: '13800001111', name: 'x' }, hlc: clock(6) });
  assert.deepEqual(second.base, { phone: clock(5), name: server.clocks.name });
  assert.deepEqual(await s.viewClocks('resident', 'r1'), { ...server.clocks, phone: clock(6), notes: clock(5), name: clock(6) });
  // a create has no base
  const create = await s.enqueue({ entity: 'resident', record_id: 'new', op: 'upsert', fields: { name: 'y' }, hlc: clock(7) });
  assert.deepEqual(create.base, {});
  // the stored clock never goes backwards
  await s.enqueue({ entity: 'resident', record_id: 'new', op: 'upsert', fields: { notes: 'z' }, hlc: clock(3) });
  assert.equal(await s.getMeta('hlc'), clock(7));
  // a tick function sees the stored clock inside the transaction
  let seen;
  const ticked = await s.enqueue({ entity: 'resident', record_id: 'new', fields: { notes: 'w' }, tick: (last) => { seen = last; return clock(8); } });
  assert.equal(seen, clock(7));
  assert.equal(ticked.hlc, clock(8));
  assert.equal(ticked.op, 'upsert');
  await assert.rejects(s.enqueue({ entity: 'resident', record_id: 'new', fields: {}, hlc: 'not-a-clock' }), TypeError);
  await assert.rejects(s.enqueue({ entity: 'resident', record_id: 'new', op: 'merge', fields: {}, hlc: clock(9) }), TypeError);
  assert.equal(await s.outboxCount(), 5);
});

test('listByRef / listByEntity include records that exist only as pending creates, and follow moves', async () => {
  const s = await seeded();
  // a resident created offline shows up in its household at once
  await s.enqueue({ entity: 'resident', record_id: 'r-new', op: 'upsert', fields: { household_id: 'h1', name: '刘建国', sex: 'male' }, hlc: clock(1) });
  let inH1 = await s.listByRef('resident', 'h1');
  assert.deepEqual(inH1.map((r) => r.id), ['r-new', 'r1'].sort());
  const created = inH1.find((r) => r.id === 'r-new');
  assert.equal(created.pending, true);
  assert.equal(created.scope, null);
  assert.equal(created.fields.name, '刘建国');

  // a pending move to h2: listed under h2, no longer under h1
  await s.enqueue({ entity: 'resident', record_id: 'r1', op: 'upsert', fields: { household_id: 'h2' }, hlc: clock(2) });
  inH1 = await s.listByRef('resident', 'h1');
  assert.deepEqual(inH1.map((r) => r.id), ['r-new']);
  assert.deepEqual((await s.listByRef('resident', 'h2')).map((r) => r.id), ['r1']);

  // a building created offline in the grid; listed by grid (its fields.grid_id until pulled)
  await s.enqueue({ entity: 'building', record_id: 'b-new', op: 'upsert', fields: { grid_id: 'g1', number: '9' }, hlc: clock(3) });
  assert.deepEqual((await s.listByRef('building', 'g1')).map((r) => r.id), ['b-new', 'b1'].sort());
  assert.deepEqual((await s.listByRef('building', 'g2')).map((r) => r.id), ['b2']);

  const all = await s.listByEntity('resident');
  assert.deepEqual(all.map((r) => r.id), ['r-new', 'r1'].sort());
  assert.equal(all.find((r) => r.id === 'r1').fields.household_id, 'h2');
  assert.deepEqual((await s.listByEntity('area')).map((r) => r.id), ['g1', 'g2']);
  assert.deepEqual(await s.listByRef('resident', null), []);

  // a rejected create disappears from the view (only pending changes are laid over)
  const [first] = await s.outbox();
  await s.resolvePushResults([{ id: first.id, status: 'rejected', code: 'validation_failed' }]);
  assert.deepEqual((await s.listByRef('resident', 'h1')).map((r) => r.id), []);
  // a pending delete hides a replica record from lists
  await s.applyPullPage({ cursor: 'c2', records: [rec('resident_tag', 't1', { resident_id: 'r1', tag: 'elderly_alone' })] });
  assert.equal((await s.listByRef('resident_tag', 'r1')).length, 1);
  await s.enqueue({ entity: 'resident_tag', record_id: 't1', op: 'delete', hlc: clock(4) });
  assert.deepEqual(await s.listByRef('resident_tag', 'r1'), []);
  assert.deepEqual(await s.listByEntity('resident_tag'), []);
});

test('outbox order, push results: accepted leave, rejected are kept with their result and replaceable', async () => {
  const s = await seeded();
  const a = await s.enqueue({ entity: 'resident', record_id: 'r1', fields: { phone: '123' }, hlc: clock(1) });
  const b = await s.enqueue({ entity: 'resident', record_id: 'r1', fields: { notes: 'ok' }, hlc: clock(2) });
  const c = await s.enqueue({ entity: 'household', record_id: 'h1', fields: { notes: 'ok' }, hlc: clock(3) });
  assert.deepEqual((await s.outbox()).map((x) => x.id), [a.id, b.id, c.id]);
  assert.deepEqual((await s.outbox('pending', 2)).map((x) => x.id), [a.id, b.id]);
  const rejection = {
    id: a.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过', message_en: 'Some fields are not valid',
    fields: { phone: { code: 'phone_format', message: '电话号码格式不正确', message_en: 'Not a valid phone number' } },
  };
  await s.resolvePushResults([rejection, { id: b.id, status: 'accepted' }, { id: 'unknown', status: 'accepted' }], { hlc: clock(10, 'dev') });
  assert.equal(await s.getMeta('hlc'), clock(10, 'dev'));
  assert.deepEqual((await s.outbox()).map((x) => x.id), [c.id]);
  const [kept] = await s.outbox('rejected');
  assert.equal(kept.id, a.id);
  assert.deepEqual(kept.result, rejection);
  assert.equal((await s.change(a.id)).status, 'rejected');
  assert.equal(await s.outboxCount('rejected'), 1);
  assert.equal(await s.outboxCount(null), 2);
  // a rejected change is not laid over the view
  assert.equal((await s.view('resident', 'r1')).fields.phone, null);

  const fixed = await s.replaceRejected(a.id, { phone: '13912345678' }, clock(11));
  assert.notEqual(fixed.id, a.id);
  assert.equal(fixed.entity, 'resident');
  assert.equal(fixed.record_id, 'r1');
  assert.equal(fixed.op, 'upsert');
  assert.equal(fixed.hlc, clock(11));
  assert.equal(await s.change(a.id), null);
  assert.deepEqual((await s.outbox()).map((x) => x.id), [c.id, fixed.id]);
  assert.equal((await s.view('resident', 'r1')).fields.phone, '13912345678');
  await assert.rejects(s.replaceRejected(c.id, {}, clock(12)), /no rejected change/); // pending: not replaceable
  await assert.rejects(s.replaceRejected('nope', {}, clock(12)), /no rejected change/);

  await s.resolvePushResults([{ id: c.id, status: 'rejected', code: 'forbidden' }]);
  await s.discardRejected(c.id);
  assert.deepEqual((await s.outbox(null)).map((x) => x.id), [fixed.id]);
});

// -- pull pages --------------------------------------------------------------------------

test('applyPullPage: drops by scope key, then records (tombstones delete), then cursor and clock', async () => {
  const s = await seeded();
  await s.setMeta('hlc', clock(1, 'dev'));
  await s.applyPullPage({
    cursor: 'c2',
    drop: ['a:g2', 'bogus', 'x:1'],
    records: [
      { entity: 'household', id: 'h2', deleted: true, scope: SCOPE_G1 },
      { entity: 'household', id: 'never-had', deleted: true, scope: SCOPE_G1 },
      rec('resident', 'r1', { household_id: 'h1', name: '张秀英', sex: 'female', phone: '13912345678' }),
    ],
    hlc: clock(5, 'dev'),
  });
  assert.equal(await s.getMeta('cursor'), 'c2');
  assert.equal(await s.getMeta('hlc'), clock(5, 'dev'));
  // a:g2 drops only the area row of g2, not the building of g2
  assert.equal(await s.serverRecord('area', 'g2'), null);
  assert.ok(await s.serverRecord('building', 'b2'));
  assert.ok(await s.serverRecord('area', 'g1'));
  assert.equal(await s.serverRecord('household', 'h2'), null);
  assert.equal((await s.serverRecord('resident', 'r1')).fields.phone, '13912345678');

  // g:g2 drops everything of the grid; the dictionaries (no grid) stay
  await s.applyPullPage({ cursor: 'c3', drop: ['g:g2'], records: [] });
  assert.equal(await s.serverRecord('building', 'b2'), null);
  assert.ok(await s.serverRecord('care_tag_type', 'elderly_alone'));
  // drops come before the records of the same page: a record re-sent in the page survives
  await s.applyPullPage({ cursor: 'c4', drop: ['c:c1'], records: [rec('building', 'b1', { grid_id: 'g1', number: '1' })] });
  assert.deepEqual((await s.replicaChecksumInputs()).map((r) => `${r.entity}/${r.id}`).sort(),
    ['building/b1', 'care_tag_type/elderly_alone']);
  assert.equal(await s.replicaCount(), 2);
  // a clock older than the stored one is not persisted
  await s.applyPullPage({ cursor: 'c5', records: [], hlc: clock(2, 'dev') });
  assert.equal(await s.getMeta('hlc'), clock(5, 'dev'));
  await assert.rejects(s.applyPullPage({ records: [] }), TypeError);
});

test('applyPullPage is one transaction: a failing record leaves drops, records and cursor untouched', async () => {
  const s = await seeded();
  const before = (await s.replicaChecksumInputs()).length;
  await assert.rejects(s.applyPullPage({
    cursor: 'moved',
    drop: ['g:g1', 's:s1'],
    records: [
      rec('resident', 'r2', { household_id: 'h1', name: 'x', sex: 'male' }),
      { entity: 'resident', deleted: false, fields: {}, clocks: {}, scope: SCOPE_G1 }, // no id: not a valid key
    ],
    hlc: clock(99),
  }));
  assert.equal(await s.getMeta('cursor'), 'c1');
  assert.equal(await s.getMeta('hlc'), undefined);
  assert.equal((await s.replicaChecksumInputs()).length, before);
  assert.ok(await s.serverRecord('building', 'b1'));
  assert.equal(await s.serverRecord('resident', 'r2'), null);
  // the store still works afterwards
  await s.applyPullPage({ cursor: 'c2', records: [rec('resident', 'r2', { household_id: 'h1', name: 'x', sex: 'male' })] });
  assert.equal(await s.getMeta('cursor'), 'c2');
});

test('resetReplica keeps the outbox; wipe keeps only the device id', async () => {
  const s = await seeded();
  const device = await s.ensureDeviceId();
  await s.setMeta('token', 't');
  await s.setMeta('user', { id: 'u' });
  await s.enqueue({ entity: 'resident', record_id: 'r1', fields: { notes: 'x' }, hlc: clock(1) });
  const sha = await s.putBlob(null, new Uint8Array([0xff, 0xd8, 0xff, 1]), 'image/jpeg');
  assert.match(sha, /^[0-9a-f]{64}$/);

  await s.resetReplica();
  assert.equal(await s.replicaCount(), 0);
  assert.equal(await s.getMeta('cursor'), undefined);
  assert.equal(await s.outboxCount(), 1);
  assert.equal(await s.getMeta('token'), 't');
  assert.deepEqual((await s.view('resident', 'r1')).fields, { notes: 'x' });

  await s.applyPullPage({ cursor: 'c9', records: [rec('building', 'b1', { grid_id: 'g1', number: '1' })] });
  await s.wipe();
  assert.equal(await s.replicaCount(), 0);
  assert.equal(await s.outboxCount(null), 0);
  assert.equal(await s.getBlob(sha), null);
  for (const key of ['token', 'user', 'cursor', 'hlc']) assert.equal(await s.getMeta(key), undefined, key);
  assert.equal(await s.getMeta('device_id'), device);
  assert.equal(await s.ensureDeviceId(), device);

  // Logging out: the next worker to sign in on this phone is a new device to the server.
  await s.wipe({ keepDeviceId: false });
  assert.equal(await s.getMeta('device_id'), undefined);
  assert.notEqual(await s.ensureDeviceId(), device);
});

test('blobs: kept until uploaded, a stored photo is not replaced, states 0 / 1 / -1', async () => {
  const s = await fresh();
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const sha = await s.putBlob(null, new Blob([bytes], { type: 'image/png' }));
  const again = await s.putBlob(sha, new Blob([new Uint8Array([9])]), 'image/jpeg');
  assert.equal(again, sha);
  const stored = await s.getBlob(sha);
  assert.equal(stored.type, 'image/png');
  assert.equal(stored.uploaded, 0);
  assert.deepEqual(new Uint8Array(await stored.blob.arrayBuffer()), bytes);
  const other = await s.putBlob('a'.repeat(64), new Uint8Array([1]), 'image/jpeg');
  assert.deepEqual((await s.pendingBlobs()).sort(), [sha, other].sort());
  await s.markBlob(sha, 1);
  await s.markBlob(other, -1);
  await s.markBlob('nope', 1);
  assert.deepEqual(await s.pendingBlobs(), []);
  assert.deepEqual(await s.blobsByState(1), [sha]);
  assert.deepEqual(await s.blobsByState(-1), [other]);
  assert.equal(await s.getBlob('nope'), null);
  assert.equal(await s.estimate(), null); // no navigator.storage in Node
});

test('a store reopened on the same database sees what was written (survives a reload)', async () => {
  const factory = new IDBFactory();
  const first = await openStore({ indexedDB: factory, name: 'reload', ...TEST_VAULT });
  const change = await first.enqueue({ entity: 'visit', record_id: 'v1', fields: { household_id: 'h1' }, hlc: clock(1) });
  await first.applyPullPage({ cursor: 'cur', records: [] });
  await first.close();
  const second = createStore({ indexedDB: factory, name: 'reload' });
  // A new context (the service worker restarted) starts locked; the password opens it offline.
  assert.equal(await second.lockState(), 'locked');
  assert.deepEqual(await second.unlock(TEST_VAULT.password, 'password'), { ok: true });
  assert.deepEqual((await second.outbox()).map((c) => c.id), [change.id]);
  assert.equal(await second.getMeta('cursor'), 'cur');
  assert.deepEqual((await second.listByRef('visit', 'h1')).map((v) => v.id), ['v1']);
  await second.close();
});
