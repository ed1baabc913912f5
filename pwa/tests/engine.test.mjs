// The JS sync engine (pwa/src/sync/engine.js) against the REAL Python server: pwa/tests/support/server.py
// serves tests/conftest.py's world (make_app + build_world on a temporary SQLite database) on a free
// port; a second instance runs with WANGGE_MIN_APP_VERSION=9.0.0 for "update required".
// Each engine has its own fake-indexeddb database. Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';

import { sha256Hex } from '../src/core/sha256.js';
import { createStore } from '../src/storage/db.js';
import {
  DeviceRevoked, Offline, SyncError, UpdateRequired, createEngine,
} from '../src/sync/engine.js';
import { APP_VERSION, PROTOCOL_VERSION } from '../src/version.js';
import { parse as parseClock } from '../src/core/hlc.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = `${REPO}.venv/bin/python`;
const SERVER_SCRIPT = fileURLToPath(new URL('./support/server.py', import.meta.url));

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function startServer(env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SERVER_SCRIPT], {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${err}`)), 30000);
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        const info = JSON.parse(line);
        resolve({ ...info, child, base: `http://127.0.0.1:${info.port}` });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${err}`));
    });
  });
}

let server;
let oldAppServer;

before(async () => {
  assert.ok(existsSync(PYTHON), `the project's venv python is needed: ${PYTHON}`);
  [server, oldAppServer] = await Promise.all([startServer(), startServer({ WANGGE_MIN_APP_VERSION: '9.0.0' })]);
});

after(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
  }
});

// A network the test can switch off, or make lose the next responses after the server handled them.
function network() {
  const net = { offline: false, loseNext: 0, log: [], headers: [], inflight: 0, maxInflight: 0 };
  net.fetch = async (url, init) => {
    net.log.push(`${init.method} ${new URL(url).pathname}`);
    net.headers.push(init.headers);
    if (net.offline) throw new TypeError('fetch failed');
    net.inflight += 1;
    net.maxInflight = Math.max(net.maxInflight, net.inflight);
    try {
      const response = await fetch(url, init);
      if (net.loseNext > 0) {
        net.loseNext -= 1;
        await response.arrayBuffer(); // the server has answered; the answer never arrives
        throw new TypeError('connection reset');
      }
      return response;
    } finally {
      net.inflight -= 1;
    }
  };
  return net;
}

let devices = 0;
async function device(username = 'worker', { on = () => server, ...options } = {}) {
  const net = network();
  const store = createStore({ indexedDB: new IDBFactory(), name: `device-${devices++}` });
  const engine = createEngine({ storage: store, fetch: net.fetch, baseUrl: on().base, ...options });
  if (username) await engine.login(username, server.password);
  return { engine, store, net };
}

const countsOf = async (store) => ({ records: await store.replicaCount(), pending: await store.outboxCount('pending') });

// A real 1x1 PNG.
const PNG = Uint8Array.from(atob(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
), (c) => c.charCodeAt(0));

// -- tests ---------------------------------------------------------------------------------

test('login and the initial pull: pages with progress, checksum verified, only the user\'s scope', async () => {
  const { engine, store, net } = await device('worker', { pullLimit: 7 });
  const user = await store.getMeta('user');
  assert.equal(user.username, 'worker');
  assert.equal(user.role, 'grid_worker');
  assert.ok(await store.getMeta('token'));
  assert.equal(typeof await store.getMeta('server_time_offset'), 'number');

  const progress = [];
  const result = await engine.pull((p) => progress.push(p));
  assert.equal(result.verified, true);
  assert.equal(result.repairs, 0);
  assert.ok(result.pages >= 3, `pages: ${result.pages}`);
  assert.equal(progress.length, result.pages);
  assert.deepEqual(progress.map((p) => p.pages), progress.map((_, i) => i + 1));
  assert.equal(progress.at(-1).records, result.records);
  assert.equal(await store.replicaCount(), result.records);
  assert.equal((await engine.checksum()).count, result.records);

  // the worker's grid, not the other grid's
  const [grid, otherGrid] = server.grids;
  assert.deepEqual((await store.listByRef('building', grid)).map((b) => b.id), [server.buildings[0]]);
  assert.deepEqual(await store.listByRef('building', otherGrid), []);
  assert.deepEqual((await store.listByRef('household', server.buildings[0])).map((h) => h.id), [server.households[0]]);
  assert.equal((await store.view('resident', server.residents[0])).fields.name, '张秀英');
  assert.equal(await store.view('resident', server.residents[1]), null);
  assert.ok((await store.listByEntity('care_tag_type')).some((t) => t.id === 'elderly_alone'));

  // every request spoke the protocol; the device clock observed the server's and was persisted
  for (const headers of net.headers) {
    assert.equal(headers['X-Wangge-Protocol'], String(PROTOCOL_VERSION));
    assert.equal(headers['X-Wangge-App'], APP_VERSION);
  }
  assert.ok(net.headers.slice(1).every((h) => /^Bearer \S{40,}$/.test(h.Authorization)));
  const stamp = parseClock(await store.getMeta('hlc'));
  assert.equal(stamp.node, await store.getMeta('device_id'));
  assert.ok(Math.abs(stamp.millis - Date.now()) < 60000);

  // nothing new: one page, still verified
  const again = await engine.pull();
  assert.deepEqual([again.pages, again.records, again.verified], [1, 0, true]);
});

test('an offline edit stays in the outbox and shows in the view; it syncs when the network is back', async () => {
  const { engine, store, net } = await device();
  await engine.sync();
  const resident = server.residents[0];
  net.offline = true;
  const change = await engine.createChange('resident', resident, { notes: '独居，女儿每周来一次' });
  assert.equal(change.status, 'pending');
  assert.equal(parseClock(change.hlc).node, await store.getMeta('device_id'));
  assert.equal(await store.getMeta('hlc'), change.hlc);
  await assert.rejects(engine.sync(), Offline);
  await assert.rejects(engine.pull(), Offline);
  assert.deepEqual((await store.outbox()).map((c) => c.id), [change.id]);
  assert.equal((await store.view('resident', resident)).fields.notes, '独居，女儿每周来一次');
  assert.equal((await store.serverRecord('resident', resident)).fields.notes, null);

  net.offline = false;
  const result = await engine.sync();
  assert.equal(result.pushed.length, 1);
  assert.equal(result.pushed[0].status, 'accepted');
  assert.equal(result.pulled.verified, true);
  assert.equal(await store.outboxCount(), 0);
  const stored = await store.serverRecord('resident', resident);
  assert.equal(stored.fields.notes, '独居，女儿每周来一次');
  assert.equal(stored.clocks.notes, change.hlc);
  assert.ok(await store.getMeta('last_sync'));
});

test('a lost push response: the retry applies nothing twice and a second device sees it once', async () => {
  const { engine, store, net } = await device();
  await engine.pull();
  const household = server.households[0];
  const { id: residentId } = await engine.createRecord('resident', {
    household_id: household, name: '刘建国', sex: 'male', birth_date: '1948-03-02', relation: 'spouse',
  });
  const { id: visitId } = await engine.createRecord('visit', {
    household_id: household, resident_ids: [residentId], visited_at: '2026-11-21T09:30:00+08:00',
    method: 'in_person', outcome: 'normal', notes: '老人身体状况良好',
  });
  // both show at once under their household, before any sync
  assert.ok((await store.listByRef('resident', household)).some((r) => r.id === residentId));
  assert.deepEqual((await store.listByRef('visit', household)).map((v) => v.id), [visitId]);

  net.loseNext = 1;
  await assert.rejects(engine.push(), Offline);
  assert.equal(await store.outboxCount(), 2, 'the outbox only shrinks on a received result');
  assert.ok(net.log.includes('POST /api/sync/push'));

  const results = await engine.push();
  assert.deepEqual(results.map((r) => [r.status, r.replayed]), [['accepted', true], ['accepted', true]]);
  assert.equal(await store.outboxCount(), 0);

  // a lost pull answer costs nothing: the cursor did not move
  const cursor = await store.getMeta('cursor');
  net.loseNext = 1;
  await assert.rejects(engine.pull(), Offline);
  assert.equal(await store.getMeta('cursor'), cursor);
  assert.equal((await engine.pull()).verified, true);
  assert.equal((await store.serverRecord('visit', visitId)).fields.visited_at, '2026-11-21T01:30:00Z');

  const other = await device('worker2');
  assert.equal((await other.engine.pull()).verified, true);
  const residents = (await other.store.listByRef('resident', household)).filter((r) => r.fields.name === '刘建国');
  assert.deepEqual(residents.map((r) => r.id), [residentId]);
  const visits = await other.store.listByRef('visit', household);
  assert.deepEqual(visits.map((v) => v.id), [visitId]);
  assert.deepEqual(visits[0].fields.resident_ids, [residentId]);
});

test('a rejected change is kept with its code, does not sink its batch, and can be replaced and accepted', async () => {
  const { engine, store } = await device();
  await engine.pull();
  const resident = server.residents[0];
  const bad = await engine.createChange('resident', resident, { phone: '12345' });
  const good = await engine.createChange('resident', resident, { ethnicity: '汉族' });
  const { pushed } = await engine.sync();
  assert.deepEqual(pushed.map((r) => r.status), ['rejected', 'accepted']);
  assert.equal(await store.outboxCount('pending'), 0);
  const [kept] = await store.outbox('rejected');
  assert.equal(kept.id, bad.id);
  assert.equal(kept.result.code, 'validation_failed');
  assert.equal(kept.result.fields.phone.code, 'phone_format');
  assert.ok(kept.result.message);
  assert.equal((await store.serverRecord('resident', resident)).fields.ethnicity, '汉族');
  assert.notEqual((await store.view('resident', resident)).fields.phone, '12345');
  assert.ok(good.id);

  // pushing again does not resend it
  assert.deepEqual(await engine.push(), []);

  const fixed = await engine.replaceRejected(bad.id, { phone: '13912345678' });
  assert.notEqual(fixed.id, bad.id);
  assert.ok(fixed.hlc > bad.hlc);
  assert.equal((await store.view('resident', resident)).fields.phone, '13912345678');
  const second = await engine.sync();
  assert.deepEqual(second.pushed.map((r) => [r.id, r.status]), [[fixed.id, 'accepted']]);
  assert.equal(await store.outboxCount(null), 0);
  assert.equal((await store.serverRecord('resident', resident)).fields.phone, '13912345678');
});

test('conflicting offline edits from two devices converge to the same values, and the conflict is reported', async () => {
  const a = await device('worker');
  const b = await device('worker2');
  await Promise.all([a.engine.sync(), b.engine.sync()]);
  const resident = server.residents[0];
  a.net.offline = true;
  b.net.offline = true;
  await a.engine.createChange('resident', resident, { phone: '13800001111', notes: 'A 的备注' });
  await b.engine.createChange('resident', resident, { phone: '13900002222', ethnicity: '回族' });
  a.net.offline = false;
  b.net.offline = false;
  const first = await a.engine.sync();
  const second = await b.engine.sync();
  assert.equal(first.pushed[0].status, 'accepted');
  assert.equal(second.pushed[0].status, 'accepted');
  assert.deepEqual(second.pushed[0].conflicts, ['phone']);
  await a.engine.sync();

  const viewA = await a.store.view('resident', resident);
  const viewB = await b.store.view('resident', resident);
  assert.deepEqual(viewA.fields, viewB.fields);
  assert.equal(viewA.fields.notes, 'A 的备注'); // different fields both survive
  assert.equal(viewA.fields.ethnicity, '回族');
  assert.equal(viewA.fields.phone, '13900002222'); // the later clock wins
  assert.deepEqual(await a.engine.checksum(), await b.engine.checksum());
  assert.deepEqual(await countsOf(a.store), await countsOf(b.store));
});

test('photos: the record syncs first; uploads mark 1, a refused photo -1 and the rest go on', async () => {
  const { engine, store, net } = await device();
  await engine.pull();
  const good = await store.putBlob(null, new Blob([PNG], { type: 'image/png' }));
  const refused = await store.putBlob(null, new Blob(['not an image']), 'image/jpeg');
  assert.equal(good, await sha256Hex(PNG));
  const { id: visitId } = await engine.createRecord('visit', {
    household_id: server.households[0], visited_at: new Date().toISOString(), method: 'doorstep',
    outcome: 'issue_found', photos: [good, refused],
  });
  const result = await engine.sync();
  assert.equal(result.pushed[0].status, 'accepted');
  assert.equal(result.uploaded, 1);
  const push = net.log.indexOf('POST /api/sync/push');
  assert.ok(push >= 0 && push < net.log.findIndex((l) => l.startsWith('PUT /api/blobs/')), net.log.join(', '));
  assert.deepEqual(await store.blobsByState(1), [good]);
  assert.deepEqual(await store.blobsByState(-1), [refused]);
  assert.deepEqual(await store.pendingBlobs(), []);
  assert.deepEqual((await store.serverRecord('visit', visitId)).fields.photos, [good, refused]);

  // the server has the bytes
  const headers = {
    'X-Wangge-Protocol': '1', 'X-Wangge-App': APP_VERSION, Authorization: `Bearer ${await store.getMeta('token')}`,
  };
  const download = await fetch(`${server.base}/api/blobs/${good}`, { headers });
  assert.equal(download.status, 200);
  assert.deepEqual(new Uint8Array(await download.arrayBuffer()), PNG);

  // offline: the photo stays waiting
  const later = await store.putBlob(null, new Blob([PNG, new Uint8Array([0])], { type: 'image/png' }));
  net.offline = true;
  await assert.rejects(engine.uploadBlobs(), Offline);
  assert.deepEqual(await store.pendingBlobs(), [later]);
  net.offline = false;
  assert.equal(await engine.uploadBlobs(), 1);
});

test('a diverged replica is repaired by the checksum (at most twice per pull)', async () => {
  const { engine, store } = await device();
  await engine.pull();
  const count = await store.replicaCount();
  const cursor = await store.getMeta('cursor');
  const real = await store.serverRecord('resident', server.residents[0]);
  // silently corrupt the replica: a changed value and a record the server never sent
  await store.applyPullPage({
    cursor,
    records: [
      { ...real, deleted: false, fields: { ...real.fields, name: '错误的名字' } },
      { entity: 'building', id: 'ghost', deleted: false, fields: { grid_id: server.grids[0] }, clocks: {}, scope: real.scope },
    ],
  });
  const result = await engine.pull();
  assert.equal(result.repairs, 1);
  assert.equal(result.verified, true);
  assert.equal(await store.replicaCount(), count);
  assert.equal(await store.serverRecord('building', 'ghost'), null);
  assert.equal((await store.serverRecord('resident', server.residents[0])).fields.name, '张秀英');
  assert.equal(engine.repairs, 1);

  // an undecodable cursor: start again from nothing, keep the outbox
  await engine.createChange('resident', server.residents[0], { notes: '保留' });
  await store.setMeta('cursor', 'not-a-cursor');
  const reset = await engine.pull();
  assert.equal(reset.repairs, 1);
  assert.equal(reset.verified, true);
  assert.equal(await store.outboxCount(), 1);
  assert.equal((await store.view('resident', server.residents[0])).fields.notes, '保留');
});

test('sync is single-flight: two triggers never run two syncs at once', async () => {
  const { engine, store, net } = await device();
  await engine.createChange('resident', server.residents[0], { notes: '单次' });
  const first = engine.sync();
  const second = engine.sync();
  assert.equal(first, second);
  assert.equal(engine.isSyncing(), true);
  const result = await first;
  assert.equal(engine.isSyncing(), false);
  assert.equal(net.maxInflight, 1);
  assert.equal(result.pulled.verified, true);
  assert.equal(await store.outboxCount(), 0);
  // a sync that fails lets the next one run
  net.offline = true;
  await assert.rejects(engine.sync(), Offline);
  net.offline = false;
  assert.equal((await engine.sync()).pulled.verified, true);
});

test('push sends the outbox in order in batches of at most pushBatch', async () => {
  const { engine, store, net } = await device('worker', { pushBatch: 2 });
  const household = server.households[0];
  const made = [];
  for (let i = 0; i < 5; i++) {
    // each resident depends on nothing, each visit on the resident before it: order matters
    const { id } = await engine.createRecord('resident', { household_id: household, name: `批量${i}`, sex: 'female' });
    made.push(id);
  }
  const results = await engine.push();
  assert.equal(results.length, 5);
  assert.ok(results.every((r) => r.status === 'accepted'));
  assert.equal(net.log.filter((l) => l === 'POST /api/sync/push').length, 3);
  assert.equal(await store.outboxCount(), 0);
  await engine.pull();
  for (const id of made) assert.ok(await store.serverRecord('resident', id));
});

test('revocation: the next request wipes the store (keeping the device id) and throws DeviceRevoked', async () => {
  const { engine, store } = await device();
  await engine.sync();
  const deviceId = await store.getMeta('device_id');
  await engine.createChange('resident', server.residents[0], { notes: '未同步' });
  await store.putBlob(null, new Blob([PNG]), 'image/png');
  const revoked = await fetch(`${server.base}/__test__/revoke/${deviceId}`, { method: 'POST' });
  assert.equal(revoked.status, 200);

  const error = await engine.sync().catch((err) => err);
  assert.ok(error instanceof DeviceRevoked, String(error));
  assert.ok(error instanceof SyncError);
  assert.equal(error.status, 401);
  assert.equal(error.body.wipe, true);
  assert.equal(await store.replicaCount(), 0);
  assert.equal(await store.outboxCount(null), 0);
  assert.deepEqual(await store.pendingBlobs(), []);
  for (const key of ['token', 'user', 'cursor', 'hlc']) assert.equal(await store.getMeta(key), undefined, key);
  assert.equal(await store.getMeta('device_id'), deviceId);
  // the device id can never sign in again
  await assert.rejects(engine.login('worker', server.password), DeviceRevoked);
});

test('update required: an app below the server minimum stops with UpdateRequired and keeps its data', async () => {
  const { engine, store } = await device(null, { on: () => oldAppServer });
  await assert.rejects(engine.login('worker', oldAppServer.password), (err) => {
    assert.ok(err instanceof UpdateRequired);
    assert.equal(err.status, 426);
    assert.equal(err.body.min_app_version, '9.0.0');
    return true;
  });
  // the same store signed in by an updated app; the old app still cannot sync, and loses nothing
  const updated = createEngine({ storage: store, baseUrl: oldAppServer.base, appVersion: '9.0.0' });
  await updated.login('worker', oldAppServer.password);
  await updated.pull();
  const records = await store.replicaCount();
  const change = await engine.createChange('resident', oldAppServer.residents[0], { notes: '等待更新' });
  await assert.rejects(engine.sync(), UpdateRequired);
  assert.deepEqual((await store.outbox()).map((c) => c.id), [change.id]);
  assert.equal(await store.replicaCount(), records);
  assert.ok(await store.getMeta('token'));
  // after the update it syncs as usual
  const result = await updated.sync();
  assert.equal(result.pushed[0].status, 'accepted');
  assert.equal(await store.outboxCount(), 0);
});

test('401 token_invalid keeps the data (sign in again), other errors are SyncError with the code', async () => {
  const { engine, store } = await device();
  await engine.pull();
  await engine.createChange('resident', server.residents[0], { notes: '保留令牌' });
  const records = await store.replicaCount();
  await store.setMeta('token', 'x'.repeat(43));
  const error = await engine.sync().catch((err) => err);
  assert.ok(error instanceof SyncError && !(error instanceof DeviceRevoked));
  assert.equal(error.code, 'token_invalid');
  assert.equal(error.needsLogin, true);
  assert.equal(await store.outboxCount(), 1);
  assert.equal(await store.replicaCount(), records);
  await engine.login('worker', server.password);
  assert.equal((await engine.sync()).pushed[0].status, 'accepted');
  await assert.rejects(engine.login('worker', 'wrong'), (err) => err.code === 'invalid_credentials');
});
