// The JS sync engine (pwa/src/sync/engine.js) against the REAL Python server
// (support/sync_server.mjs): login and pull, offline edits, lost answers, rejected changes,
// conflicts and photos. Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sha256Hex } from '../src/core/sha256.js';
import { Offline } from '../src/sync/engine.js';
import { APP_VERSION, PROTOCOL_VERSION } from '../src/version.js';
import { parse as parseClock } from '../src/core/hlc.js';
import {
  PNG, countsOf, device, server, useServers,
} from './support/sync_server.mjs';

useServers();

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

  // the server has the photo
  const headers = {
    'X-Wangge-Protocol': '1', 'X-Wangge-App': APP_VERSION, Authorization: `Bearer ${await store.getMeta('token')}`,
  };
  const download = await fetch(`${server.base}/api/blobs/${good}`, { headers });
  assert.equal(download.status, 200);
  // re-encoded by the server (metadata stripped): a JPEG now, under the phone's hash
  assert.deepEqual([...new Uint8Array(await download.arrayBuffer()).slice(0, 3)], [0xff, 0xd8, 0xff]);

  // offline: the photo stays waiting
  const later = await store.putBlob(null, new Blob([PNG, new Uint8Array([0])], { type: 'image/png' }));
  net.offline = true;
  await assert.rejects(engine.uploadBlobs(), Offline);
  assert.deepEqual(await store.pendingBlobs(), [later]);
  net.offline = false;
  assert.equal(await engine.uploadBlobs(), 1);
});
