// The JS sync engine (pwa/src/sync/engine.js) against the REAL Python server
// (support/sync_server.mjs) when things go wrong: checksum repair, single flight, push batches,
// revocation, an app too old for the server, an expired token. Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DeviceRevoked, Offline, SyncError, UpdateRequired, createEngine,
} from '../src/sync/engine.js';
import {
  PNG, device, oldAppServer, server, useServers,
} from './support/sync_server.mjs';

useServers({ oldApp: true });

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
  // The dead token is forgotten and the reason kept for the sign-in screen; the outbox stays.
  assert.equal(await store.hasMeta('token'), false);
  assert.equal(await store.getMeta('session_ended'), 'token_invalid');
  assert.equal(await store.outboxCount(), 1);
  assert.equal(await store.replicaCount(), records);
  await engine.login('worker', server.password);
  assert.equal(await store.getMeta('session_ended'), undefined);
  assert.equal((await engine.sync()).pushed[0].status, 'accepted');
  await assert.rejects(engine.login('worker', 'wrong'), (err) => err.code === 'invalid_credentials');
});
