// The phone's data at rest (pwa/src/storage/crypto.js, vault.js and the sealed stores) and the lock
// through the router: what IndexedDB holds is no personal text, a new context starts locked, the
// PIN and the password open it offline, wrong tries wipe after a warning, the idle delay locks.
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import { Locked, createStore, openStore } from '../src/storage/db.js';
import { MAX_FAILURES } from '../src/storage/vault.js';
import { createRouter } from '../src/sw/router.js';
import { createEngine } from '../src/sync/engine.js';
import { get, post, useFormToken } from './support/requests.mjs';
import { TEST_VAULT } from './support/vault.mjs';

const NAME = '张秀英';
const ID_NUMBER = '110101195003011234';
const PHONE = '13800001111';
const NOTE = '女儿每周六来看望';
const TOKEN = 'tok-Secret-Bearer-Value-0123456789abcdef';
const SCOPE = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: null };
const clock = (n) => `${String(1795430516000 + n).padStart(15, '0')}-00000-dev`;
const resident = (id, fields) => ({ entity: 'resident', id, deleted: false, fields, scope: SCOPE, clocks: {} });

let counter = 0;
const place = () => ({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: `vault${counter++}` });

// Every store and index of the database as text: values with their byte arrays read as UTF-8 and
// Latin-1, so a clear string cannot hide inside a typed array.
async function dumpDatabase(store) {
  const conn = await store.db();
  const parts = [];
  const bytes = (value) => {
    const u8 = value instanceof Uint8Array ? value : new Uint8Array(value);
    return `${new TextDecoder().decode(u8)}|${String.fromCharCode(...u8)}`;
  };
  const text = (value) => JSON.stringify(value, (k, v) => (v instanceof Uint8Array || v instanceof ArrayBuffer ? bytes(v) : v));
  for (const name of conn.objectStoreNames) {
    const tx = conn.transaction(name);
    const os = tx.objectStore(name);
    parts.push(text(await os.getAll()), text(await os.getAllKeys()));
    for (const index of os.indexNames) parts.push(text(await os.index(index).getAllKeys()));
    await tx.done;
  }
  return parts.join('\n');
}

async function filledStore(options = place()) {
  const store = await openStore({ ...options, ...TEST_VAULT });
  await store.applyPullPage({
    cursor: 'c1',
    records: [
      { entity: 'building', id: 'b1', deleted: false, fields: { grid_id: 'g1', number: '3', units: 2, floors: 6, rooms_per_floor: 2 }, scope: SCOPE, clocks: {} },
      { entity: 'household', id: 'h1', deleted: false, fields: { building_id: 'b1', unit: 2, floor: 5, room: '501' }, scope: SCOPE, clocks: {} },
      resident('r1', { household_id: 'h1', name: NAME, id_number: ID_NUMBER, phone: PHONE, notes: NOTE }),
      resident('r2', { household_id: 'h1', name: NAME, id_number: ID_NUMBER, phone: PHONE, notes: NOTE }),
    ],
  });
  await store.enqueue({ entity: 'resident', record_id: 'r1', fields: { phone: '13900002222', notes: `${NOTE}!` }, hlc: clock(1) });
  await store.enqueue({ entity: 'resident', record_id: 'r3', fields: { household_id: 'h1', name: '李新', id_number: ID_NUMBER }, hlc: clock(2) });
  await store.putBlob(null, new TextEncoder().encode(`photo of ${NAME} ${ID_NUMBER}`), 'image/jpeg');
  await store.setMeta('token', TOKEN);
  await store.setMeta('user', { id: 'u1', username: 'wgy1', name: '王网格', phone: PHONE, role: 'grid_worker' });
  await store.setPin('135790');
  await store.ensureDeviceId();
  return store;
}

test('at rest: no name, ID number, phone, note or token in any store or index; reads give them back', async () => {
  const store = await filledStore();
  const raw = await dumpDatabase(store);
  for (const secret of [NAME, ID_NUMBER, PHONE, NOTE, TOKEN, '王网格', '李新', '13900002222', 'photo of']) {
    assert.equal(raw.includes(secret), false, `${secret} is in clear text`);
  }
  // The keys the indexes need are still there.
  assert.match(raw, /"r1"/);
  assert.equal((await store.view('resident', 'r1')).fields.phone, '13900002222');
  assert.equal((await store.serverRecord('resident', 'r2')).fields.id_number, ID_NUMBER);
  assert.deepEqual((await store.listByRef('resident', 'h1')).map((r) => r.fields.name), [NAME, NAME, '李新']);
  assert.equal((await store.outbox())[0].fields.notes, `${NOTE}!`);
  assert.equal(await store.getMeta('token'), TOKEN);
  const [sha] = await store.pendingBlobs();
  assert.equal(await (await store.getBlob(sha)).blob.text(), `photo of ${NAME} ${ID_NUMBER}`);
  // A fresh IV per value: the same fields sealed twice differ.
  const [a, b] = await (await store.db()).getAll('records');
  assert.notDeepEqual(a.box.iv, b.box.iv);
  assert.notDeepEqual(a.box.data, b.box.data);
});

test('a new context (the service worker restarted) is locked; PIN or password open it offline', async () => {
  const options = place();
  const first = await filledStore(options);
  await first.close();
  const store = createStore(options);
  assert.equal(await store.lockState(), 'locked');
  await assert.rejects(store.view('resident', 'r1'), Locked);
  await assert.rejects(store.getMeta('token'), Locked);
  await assert.rejects(store.enqueue({ entity: 'resident', record_id: 'r1', fields: { phone: '1' }, hlc: clock(3) }), Locked);
  assert.equal(await store.outboxCount('pending'), 2); // counts stay readable for the warning
  assert.deepEqual(await store.unlock('135790', 'pin'), { ok: true });
  assert.equal((await store.view('resident', 'r1')).fields.phone, '13900002222');
  store.lock();
  assert.equal(await store.lockState(), 'locked');
  // What was opened before is not kept past the lock either.
  await assert.rejects(store.view('resident', 'r1'), Locked);
  await assert.rejects(store.listByEntity('resident'), Locked);
  assert.deepEqual(await store.unlock(TEST_VAULT.password, 'password'), { ok: true });
  assert.equal(await store.getMeta('token'), TOKEN);
});

test(`wrong PINs are counted on disk; the ${MAX_FAILURES}th wipes the phone; a right one resets the count`, async () => {
  const options = place();
  await (await filledStore(options)).close();
  let store = createStore(options);
  assert.deepEqual(await store.unlock('000000', 'pin'), { ok: false, failures: 1, left: MAX_FAILURES - 1 });
  assert.deepEqual(await store.unlock('000001', 'pin'), { ok: false, failures: 2, left: MAX_FAILURES - 2 });
  await store.close();
  store = createStore(options); // a restart does not reset the count
  assert.deepEqual(await store.unlockFailures(), { failures: 2, left: MAX_FAILURES - 2 });
  assert.deepEqual(await store.unlock('135790', 'pin'), { ok: true });
  assert.deepEqual(await store.unlockFailures(), { failures: 0, left: MAX_FAILURES });
  store.lock();
  for (let i = 1; i < MAX_FAILURES; i += 1) assert.equal((await store.unlock('999999', 'pin')).left, MAX_FAILURES - i);
  assert.deepEqual(await store.unlock('999999', 'pin'), { ok: false, wiped: true });
  assert.equal(await store.lockState(), 'none');
  assert.equal(await store.outboxCount(null), 0);
  assert.equal(await store.replicaCount(), 0);
  assert.deepEqual(await store.pendingBlobs(), []);
  assert.equal(await store.hasMeta('token'), false);
  assert.ok(await store.getMeta('device_id'));
});

test('an older app\'s clear rows: the outbox and photos are sealed in place, the replica downloads again', async () => {
  const options = place();
  const store = createStore(options);
  const conn = await store.db();
  await conn.put('records', { entity: 'resident', id: 'r1', fields: { name: NAME }, clocks: {}, scope: SCOPE, ref: 'h1' });
  await conn.put('outbox', {
    id: 'c1', entity: 'resident', record_id: 'r1', op: 'upsert', hlc: clock(1), fields: { phone: PHONE }, base: {}, status: 'pending', result: null,
  });
  await conn.put('blobs', { sha256: 'a'.repeat(64), blob: new Blob([ID_NUMBER]), type: 'image/jpeg', uploaded: 0 });
  await conn.put('meta', { key: 'token', value: TOKEN });
  await conn.put('meta', { key: 'cursor', value: 'old' });
  await store.createVault('pw');
  const raw = await dumpDatabase(store);
  for (const secret of [NAME, PHONE, ID_NUMBER, TOKEN]) assert.equal(raw.includes(secret), false, secret);
  assert.deepEqual((await store.outbox()).map((c) => c.fields), [{ phone: PHONE }]);
  assert.equal(await (await store.getBlob('a'.repeat(64))).blob.text(), ID_NUMBER);
  assert.equal(await store.replicaCount(), 0);
  assert.equal(await store.getMeta('cursor'), undefined);
});

// --- through the router --------------------------------------------------------------------

async function phone({ now }) {
  const options = place();
  const storage = await filledStore(options);
  const engine = createEngine({ storage, fetch: () => Promise.reject(new TypeError('offline')), useLocks: false });
  const router = createRouter({
    storage, engine, shell: async (fragment) => new Response(fragment), requestSync: async () => ({}),
    registerBackgroundSync: async () => {}, now,
  });
  await useFormToken(storage); // the app's own forms carry it (formguard.js)
  return { storage, router };
}

test('router: idle past the delay locks; every screen then answers the unlock screen; the PIN pad opens it', async () => {
  let t = 1_000_000;
  const { storage, router } = await phone({ now: () => t });
  assert.equal((await router.route(get('/app/households/h1'))).status, 200);
  t += 4 * 60000;
  assert.equal((await router.route(get('/app/search?q=zxy'))).status, 200); // a request is use
  t += 5 * 60000 + 1;
  const locked = await router.route(get('/app/households/h1'));
  assert.equal(await storage.lockState(), 'locked');
  const html = await locked.text();
  assert.match(html, /已锁定/);
  assert.match(html, /data-wangge-pin-key="7"/);
  assert.equal(html.includes(NAME), false);
  assert.equal(locked.headers.get('HX-Push-Url'), '/app/unlock?next=%2Fapp%2Fhouseholds%2Fh1');
  // A plain navigation is sent to the unlock screen; a POST while locked changes nothing.
  assert.equal((await router.route(get('/app/', false))).headers.get('Location'), '/app/unlock?next=%2Fapp%2F');
  await router.route(post('/app/households/h1/visits', [['method', 'in_person'], ['outcome', 'normal']]));
  assert.equal(await storage.outboxCount('pending'), 2);

  const wrong = await router.route(post('/app/unlock', [['kind', 'pin'], ['secret', '111111'], ['next', '/app/households/h1']]));
  assert.equal(wrong.status, 422);
  const warning = await wrong.text();
  assert.match(warning, /还可再试 4 次/);
  assert.match(warning, /其中 2 条未同步的修改会丢失/);
  const right = await router.route(post('/app/unlock', [['kind', 'pin'], ['secret', '135790'], ['next', '/app/households/h1']]));
  assert.equal(right.status, 204);
  assert.equal(right.headers.get('HX-Redirect'), '/app/households/h1');
  assert.match(await (await router.route(get('/app/households/h1'))).text(), new RegExp(NAME));
});

test('router: the lock delay is a setting; GET /app/lock locks at once; an outside next is refused', async () => {
  let t = 0;
  const { storage, router } = await phone({ now: () => t });
  await router.route(post('/app/pin', [['pin', '135790'], ['confirm', '135790'], ['minutes', '1']]));
  assert.equal(await storage.lockMinutes(), 1);
  t += 61000;
  assert.match(await (await router.route(get('/app/'))).text(), /已锁定/);
  await storage.unlock('135790');
  const bye = await router.route(get('/app/lock?next=//evil.example/x', false));
  assert.equal(bye.headers.get('Location'), '/app/unlock?next=%2Fapp%2F');
  assert.equal(await storage.lockState(), 'locked');
  // The unlock screen of an unlocked phone sends the worker on.
  await router.route(post('/app/unlock', [['kind', 'pin'], ['secret', '135790']]));
  assert.equal((await router.route(get('/app/unlock?next=/app/sync', false))).headers.get('Location'), '/app/sync');
});

test('router: the last wrong PIN wipes and says so; the login screen follows', async () => {
  const { storage, router } = await phone({ now: () => 0 });
  storage.lock();
  for (let i = 1; i < MAX_FAILURES; i += 1) await router.route(post('/app/unlock', [['kind', 'pin'], ['secret', '000000']]));
  const last = await (await router.route(post('/app/unlock', [['kind', 'pin'], ['secret', '000000']]))).text();
  assert.match(last, /解锁失败次数过多，本机数据已清除/);
  assert.equal(await storage.outboxCount(null), 0);
  assert.match(await (await router.route(get('/app/'))).text(), /name="password"/);
});

test('PIN setting: six digits typed twice', async () => {
  const { router } = await phone({ now: () => 0 });
  assert.match(await (await router.route(post('/app/pin', [['pin', '12345'], ['confirm', '12345']]))).text(), /PIN 应为 6 位数字/);
  assert.match(await (await router.route(post('/app/pin', [['pin', '123456'], ['confirm', '123457']]))).text(), /两次输入的 PIN 不一致/);
});

test('router: after the server refused the token, every screen asks to sign in again and says the outbox is kept', async () => {
  const { storage, router } = await phone({ now: () => 0 });
  await storage.setMeta('token', undefined);
  await storage.setMeta('session_ended', 'token_expired');
  const page = await (await router.route(get('/app/households/h1'))).text();
  assert.match(page, /登录已过期，请重新登录。本机 2 条未同步的修改已保留/);
  assert.match(page, /name="username" value="wgy1"/);
  assert.equal(await storage.outboxCount('pending'), 2);
});

test('SyncError: 401 token_expired needs a sign-in like token_invalid', async () => {
  const { SyncError } = await import('../src/sync/engine.js');
  assert.equal(new SyncError(401, { code: 'token_expired' }).needsLogin, true);
  assert.equal(new SyncError(401, { code: 'invalid_credentials' }).needsLogin, false);
});
