// A building moved to another grid (pwa/tests/support/server.py's move hook, as staff do on the
// console): the old grid's phone removes it and everything in it at its next pull, from the
// departure tombstones the server serves (docs/sync-protocol.md 7.8), and still verifies; the new
// grid's phone gets it all. Run: node --test pwa/tests/moves.test.mjs
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { device, server, useServers } from './support/sync_server.mjs';

useServers();

test('a moved building leaves the old grid\'s phone and reaches the new grid\'s, both verified', async () => {
  const a = await device('worker');
  const b = await device('worker_b');
  assert.equal((await a.engine.pull()).verified, true);
  assert.equal((await b.engine.pull()).verified, true);
  const [building] = server.buildings;
  const [household] = server.households;
  const [resident] = server.residents;
  assert.ok(await a.store.view('household', household));
  assert.equal(await b.store.view('building', building), null);

  const reply = await fetch(`${server.base}/__test__/move/${building}/${server.grids[1]}`, { method: 'POST' });
  assert.deepEqual(await reply.json(), { building: 1, household: 1, resident: 1, resident_tag: 0, unit: 0, visit: 0 });

  const pulled = await a.engine.pull();
  assert.deepEqual([pulled.verified, pulled.repairs], [true, 0]);
  for (const [entity, id] of [['building', building], ['household', household], ['resident', resident]]) {
    assert.equal(await a.store.view(entity, id), null, `${entity} still on the old grid's phone`);
  }
  assert.deepEqual(await a.store.listByRef('building', server.grids[0]), []);

  const got = await b.engine.pull();
  assert.deepEqual([got.verified, got.repairs], [true, 0]);
  assert.equal((await b.store.view('resident', resident)).fields.name, '张秀英');
  assert.deepEqual((await b.store.listByRef('building', server.grids[1])).map((x) => x.id).sort(),
    [building, server.buildings[1]].sort());
});
