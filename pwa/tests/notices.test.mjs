// Overwritten-edit notices (src/sync/notices.js, sw/features/notices.js): collected after a sync,
// kept sealed, shown on the sync screen and as home's one-line banner, dismissed with 知道了.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { collectNotices, listNotices } from '../src/sync/notices.js';
import { get, post } from './support/requests.mjs';
import { NOW, XSS_ESCAPED, assertNoRawXss, world } from './support/screens.mjs';

/** An engine whose server knows `items` (conflict ids ascending) and answers pages of `page`. */
function serverOf(items, page = 2) {
  const asked = [];
  return {
    asked,
    overwritten: async (after) => {
      asked.push(after);
      const rest = items.filter((i) => i.id > after);
      const batch = rest.slice(0, page);
      return { items: batch, last: batch.length ? batch.at(-1).id : after, has_more: rest.length > page };
    },
  };
}

const lostNotes = { id: 7, entity: 'resident', record_id: 'r2', field: 'notes', at: NOW - 3600000, by: '王芳' };
const lostPhone = { id: 9, entity: 'resident', record_id: 'r1', field: 'phone', at: NOW, by: null };

test('collected page by page, kept sealed, asked again only for what is new', async () => {
  const { storage } = await world();
  const server = serverOf([lostNotes, { ...lostNotes, id: 8, field: 'ethnicity' }, lostPhone]);
  assert.equal(await collectNotices(server, storage), 3);
  assert.deepEqual(server.asked, [0, 8]);
  assert.deepEqual((await listNotices(storage)).map((n) => n.id), [9, 8, 7]);
  assert.equal(await storage.getMeta('notices_after'), 9);
  assert.equal(await collectNotices(server, storage), 0);
  assert.deepEqual(server.asked, [0, 8, 9]);
  assert.equal((await listNotices(storage)).length, 3);
  // Sealed like the session: unreadable once the phone locks, while the plain counter stays readable.
  storage.lock();
  await assert.rejects(storage.getMeta('notices'), (error) => error.name === 'Locked');
  assert.equal(await storage.getMeta('notices_after'), 9);
});

test('the sync screen words each notice with its record, field, who and when, linked to the record', async () => {
  const { storage, router } = await world();
  await collectNotices(serverOf([lostNotes, lostPhone]), storage);
  const text = await (await router.route(get('/app/sync'))).text();
  assert.match(text, /被替换的修改（2）/);
  assert.match(text, /<a href="\/app\/households\/h1">你对 居民 张三 的「备注」修改被 王芳（2026-06-15 11:00）的修改替换<\/a>/);
  // Who is unknown (a write the server cannot attribute): said plainly, not guessed.
  assert.match(text, new RegExp(`你对 居民 ${XSS_ESCAPED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} 的「联系电话」修改被其他人的修改替换`));
  assertNoRawXss(text, 'sync screen with notices');
});

test('home shows the newest as one line with how many more; 知道了 removes it there and on the sync screen', async () => {
  const { storage, router } = await world();
  await collectNotices(serverOf([lostNotes, lostPhone]), storage);
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /overwritten-banner[\s\S]*的「联系电话」修改被其他人的修改替换[\s\S]*还有 1 条/);
  const answer = await router.route(post('/app/sync/notices/9/dismiss', [['next', '/app/']]));
  assert.equal(answer.status, 200);
  const after = await answer.text();
  assert.match(after, /的「备注」修改被 王芳/);
  assert.ok(!after.includes('联系电话」修改'));
  assert.ok(!after.includes('还有 1 条'));
  await router.route(post('/app/sync/notices/7/dismiss', [['next', '/app/sync']]));
  const sync = await (await router.route(get('/app/sync'))).text();
  assert.ok(!sync.includes('被替换的修改'));
  assert.ok(!(await (await router.route(get('/app/'))).text()).includes('overwritten-banner'));
});
