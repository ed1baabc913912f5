// Another website cannot change anything through the service worker (formguard.js): every POST
// route of the router refuses a foreign Origin, a cross-site Sec-Fetch-Site, a navigation without
// Origin, and a missing or wrong form token, with a 403 screen naming the code, and nothing
// reaches the outbox or the store; the app's own forms carry the token and keep working.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { formToken, refusal, stampForms, TOKEN_FIELD } from '../src/sw/formguard.js';
import { routeTable } from '../src/sw/router.js';
import { ORIGIN, asNavigation, get, post } from './support/requests.mjs';
import { world } from './support/screens.mjs';

const EVIL = 'https://evil.example';

/** A request that would change something on each POST route, were it accepted. */
function attacks(rejectedId) {
  return {
    login: ['/app/login', [['username', 'attacker'], ['password', 'x']]],
    logout: ['/app/logout', [['confirm', '1']]],
    lang: ['/app/lang', [['lang', 'en'], ['next', '/app/']]],
    visit: ['/app/households/h1/visits', [['method', 'in_person'], ['outcome', 'normal']]],
    visitFix: ['/app/visits/v1/fix', [['method', 'phone'], ['outcome', 'normal'], ['notes', 'forged']]],
    residentNew: ['/app/residents/new?household=h1', [['name', '伪造'], ['sex', 'male'], ['birth_date', '1990-01-01'], ['relation', 'other']]],
    residentEdit: ['/app/residents/r2/edit', [['name', '伪造'], ['sex', 'male'], ['birth_date', '1950-01-01'], ['relation', 'spouse']]],
    unitNew: ['/app/buildings/b1/units/new', [['name', '伪造的单位'], ['kind', 'shop'], ['contact_phone', '13800000000']]],
    unitEdit: ['/app/units/u1/edit', [['name', '伪造'], ['kind', 'company'], ['status', 'closed']]],
    householdNew: ['/app/households/new?building=b1&unit=1&floor=9&room=901', [['housing_use', 'rented'], ['r.name', '伪造'], ['r.sex', 'male']]],
    birth: ['/app/households/h1/birth', [['name', '伪造'], ['sex', 'male'], ['birth_date', '2026-01-01']]],
    householdStatus: ['/app/households/h1/status', [['state', 'demolished']]],
    residentMoveOut: ['/app/residents/r2/move-out', [['moved_out_on', '2026-01-01'], ['moved_out_to', '伪造']]],
    residentDeath: ['/app/residents/r2/death', [['moved_out_on', '2026-01-01']]],
    patrolNew: ['/app/patrol/new', [['category', 'safety_gas'], ['description', '紧急：伪造的发现'], ['urgency', 'emergency']]],
    patrolCheck: ['/app/patrol/f1/check', [['result', 'verified'], ['opinion', 'forged']]],
    syncRun: ['/app/sync/run', [['next', '/app/']]],
    resend: [`/app/sync/rejected/${rejectedId}`, [['f.id_number', '110105195001010018']]],
    redo: [`/app/sync/rejected/${rejectedId}/redo`, []],
    discard: [`/app/sync/rejected/${rejectedId}/discard`, [['confirm', '1']]],
    dismissNotice: ['/app/sync/notices/1/dismiss', [['next', '/app/']]],
    unlock: ['/app/unlock', [['secret', '000000']]],
    pin: ['/app/pin', [['pin', '111111'], ['confirm', '111111'], ['minutes', '1']]],
  };
}

// Every way a request from elsewhere can arrive, each with the valid token unless the variant is
// about the token: the origin checks do not lean on the token, nor the token on them.
const VARIANTS = {
  'foreign Origin (navigation)': (path, entries) => post(path, entries, false, { headers: { Origin: EVIL } }),
  'opaque Origin "null"': (path, entries) => post(path, entries, false, { headers: { Origin: 'null' } }),
  'foreign Origin (fetch)': (path, entries) => post(path, entries, true, { headers: { Origin: EVIL } }),
  'Sec-Fetch-Site: cross-site': (path, entries) => post(path, entries, true, { headers: { 'Sec-Fetch-Site': 'cross-site' } }),
  'Sec-Fetch-Site: same-site': (path, entries) => post(path, entries, true, { headers: { 'Sec-Fetch-Site': 'same-site' } }),
  'navigation without Origin': (path, entries) => {
    const request = post(path, entries, false);
    request.headers.delete('Origin');
    return request;
  },
  'no token': (path, entries) => post(path, entries, false, { token: null }),
  'wrong token': (path, entries) => post(path, entries, true, { token: 'f'.repeat(64) }),
  'empty token': (path, entries) => post(path, entries, true, { token: '' }),
  'text/plain body (no form token)': (path) => asNavigation(new Request(`${ORIGIN}${path}`, {
    method: 'POST', body: `${TOKEN_FIELD}=x&lang=en`, headers: { Origin: ORIGIN, 'Content-Type': 'text/plain' },
  })),
};

async function rejectedWorld() {
  const w = await world();
  const change = await w.engine.createChange('resident', 'r2', { id_number: '110105195001010019' });
  await w.storage.resolvePushResults([{ id: change.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过' }]);
  return { ...w, rejectedId: change.id };
}

/** What a refused request must leave as it was. */
async function snapshot({ storage, syncs }) {
  const [pending, rejected, lang, user, token, notices] = await Promise.all([
    storage.outbox('pending'), storage.outbox('rejected'),
    ...['lang', 'user', 'token', 'notices'].map((key) => storage.getMeta(key)),
  ]);
  return JSON.stringify({ pending, rejected, lang, user, token, notices, syncs: syncs.length });
}

test('the route table: every POST route is attacked below', () => {
  const posts = routeTable().filter(([method]) => method !== 'GET').map(([, , name]) => name).sort();
  assert.deepEqual(posts, Object.keys(attacks('x')).sort(), 'a new POST route needs its attack here');
});

test('every POST route refuses every cross-site variant: 403 with the code, nothing written', async () => {
  const w = await rejectedWorld();
  let attempts = 0;
  for (const [name, [path, entries]] of Object.entries(attacks(w.rejectedId))) {
    for (const [variant, build] of Object.entries(VARIANTS)) {
      const before = await snapshot(w);
      const answer = await w.router.route(build(path, entries));
      const where = `${name} ${path} / ${variant}`;
      assert.equal(answer.status, 403, where);
      const text = await answer.text();
      const code = /token/.test(variant) ? 'form_token_invalid' : 'cross_site_refused';
      assert.match(text, new RegExp(`data-code="${code}"`), where);
      assert.match(text, /没有保存任何内容/, where);
      assert.equal(await snapshot(w), before, `${where}: the store changed`);
      attempts += 1;
    }
  }
  assert.equal(attempts, 23 * Object.keys(VARIANTS).length);
});

test('the app\'s own posts go through: htmx (no Origin) and a same-origin navigation, with the token', async () => {
  const w = await rejectedWorld();
  const { visit, patrolNew, lang } = attacks(w.rejectedId);
  const before = (await w.storage.outbox('pending')).length;
  const htmx = await w.router.route(post(...visit));
  assert.equal(htmx.status, 200);
  const plain = await w.router.route(post(...patrolNew, false));
  assert.equal(plain.status, 303);
  assert.equal((await w.storage.outbox('pending')).length, before + 2);
  const same = await w.router.route(post(...lang, true, { headers: { Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' } }));
  assert.equal(same.status, 204);
  assert.equal(await w.storage.getMeta('lang'), 'en');
});

test('every POST form the worker renders carries the token; the search form (GET) does not', async () => {
  const w = await rejectedWorld();
  const token = await formToken(w.storage);
  assert.match(token, /^[0-9a-f]{64}$/);
  let forms = 0;
  for (const path of ['/app/', '/app/households/h1', '/app/households/h1/visit', '/app/residents/new?household=h1',
    '/app/residents/r1/edit', '/app/patrol/new', '/app/patrol/f1/check', '/app/sync', '/app/login', '/app/search?q=zs',
    '/app/visits/v1/fix']) {
    for (const htmx of [true, false]) {
      const text = await (await w.router.route(get(path, htmx))).text();
      for (const [tag] of text.matchAll(/<form\b[^>]*>(<input[^>]*>)?/g)) {
        if (/method="post"/.test(tag)) {
          assert.ok(tag.endsWith(`<input type="hidden" name="${TOKEN_FIELD}" value="${token}">`), `${path}: ${tag}`);
          forms += 1;
        } else {
          assert.ok(!tag.includes(TOKEN_FIELD), `${path}: a GET form must not put the token in a URL`);
        }
      }
    }
  }
  assert.ok(forms >= 10, `only ${forms} POST forms seen`);
});

test('log-out renews the token: a form from before it no longer posts', async () => {
  const w = await world();
  const old = await formToken(w.storage);
  const out = await w.router.route(post('/app/logout', [['confirm', '1']]));
  assert.equal(out.status, 200);
  const renewed = await formToken(w.storage);
  assert.notEqual(renewed, old);
  assert.equal(await w.storage.getMeta('form_token'), renewed, 'kept in the store for a restarted worker');
  const stale = await w.router.route(post('/app/lang', [['lang', 'en']], true, { token: old }));
  assert.equal(stale.status, 403);
  assert.equal(await w.storage.getMeta('lang'), undefined);
});

test('stampForms: only POST form tags, whatever the attribute order or case', () => {
  const out = stampForms('<form class="x" METHOD=post action="/a"><form method="get"><p>&lt;form method="post"&gt;</p>', 'T');
  assert.equal(out, `<form class="x" METHOD=post action="/a"><input type="hidden" name="${TOKEN_FIELD}" value="T"><form method="get"><p>&lt;form method="post"&gt;</p>`);
});

test('refusal reads the body from a clone: the handler still gets the form', async () => {
  const w = await world();
  const request = post('/app/lang', [['lang', 'en']]);
  assert.equal(await refusal(request, w.storage), null);
  assert.equal((await request.formData()).get('lang'), 'en');
});
