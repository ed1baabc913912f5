// The service worker's router on a fake-indexeddb store with the real storage module and engine,
// no network: the route table, fragments and full pages, who may see what, and the sync screen
// (rejected changes, log-out, the sync button). Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { matchRoute } from '../src/sw/router.js';
import { ORIGIN, get, post } from './support/requests.mjs';
import { assertNoRawXss, world } from './support/screens.mjs';

test('route table: every screen URL of the contract, GET and POST', () => {
  const id = '01a20809-6489-7252-8d37-4b4a33092f4c';
  for (const [method, path, name] of [
    ['GET', '/app/login', 'login'], ['POST', '/app/login', 'login'], ['GET', '/app/', 'home'],
    ['GET', `/app/buildings/${id}`, 'building'], ['GET', `/app/households/${id}`, 'household'],
    ['GET', `/app/households/${id}/visit`, 'visitSheet'], ['POST', `/app/households/${id}/visits`, 'visit'],
    ['GET', '/app/residents/new', 'residentNew'], ['POST', '/app/residents/new', 'residentNew'],
    ['GET', `/app/residents/${id}/edit`, 'residentEdit'], ['POST', `/app/residents/${id}/edit`, 'residentEdit'],
    ['GET', '/app/residents/check-id', 'checkId'], ['GET', '/app/due', 'due'], ['GET', '/app/patrol', 'patrol'],
    ['GET', '/app/patrol/new', 'patrolNew'], ['POST', '/app/patrol/new', 'patrolNew'], ['GET', '/app/search', 'search'],
    ['GET', '/app/sync', 'sync'], ['POST', '/app/sync/run', 'syncRun'], ['POST', `/app/sync/rejected/${id}`, 'resend'],
    ['POST', `/app/sync/rejected/${id}/discard`, 'discard'], ['POST', '/app/logout', 'logout'],
  ]) {
    assert.equal(matchRoute(method, path)?.route.name, name, `${method} ${path}`);
  }
  assert.equal(matchRoute('GET', '/app/nope'), null);
  assert.equal(matchRoute('GET', '/app/app.js'), null);
  assert.equal(matchRoute('DELETE', '/app/'), null);
});

test('router: htmx gets the fragment, a navigation gets the shell with the screen inside', async () => {
  const { router } = await world();
  const fragment = await router.route(get('/app/households/h1'));
  assert.equal(fragment.status, 200);
  const text = await fragment.text();
  assert.ok(text.startsWith('<title>3号楼2单元501 · 网格通</title>'));
  assert.ok(!text.includes('<html'));
  assertNoRawXss(text, 'household via router');
  const page = await router.route(get('/app/households/h1', false));
  const full = await page.text();
  assert.match(full, /^<!doctype html>/);
  assert.match(full, /<title>3号楼2单元501 · 网格通<\/title>/);
  assert.match(full, /<main id="screen" aria-live="polite">\s*<div class="screen">/);
  assertNoRawXss(full, 'household full page');
  const restore = await router.route(new Request(`${ORIGIN}/app/due`, { headers: { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' } }));
  assert.match(await restore.text(), /^<!doctype html>/);
  assert.equal(await router.route(get('/app/unknown')), null);
});

test('router: every GET screen renders and escapes the resident name', async () => {
  const { router } = await world();
  for (const path of ['/app/', '/app/buildings/b1', '/app/households/h1', '/app/households/h1/visit',
    '/app/residents/new?household=h1', '/app/residents/r1/edit', '/app/due', '/app/patrol', '/app/patrol/new',
    '/app/search?q=img', '/app/search?q=zs', '/app/sync', '/app/login', '/app/residents/check-id?id_number=110105199003071238']) {
    const response = await router.route(get(path));
    assert.equal(response.status, 200, path);
    const text = await response.text();
    assert.ok(!text.includes('<img'), `${path}: raw <img>`);
  }
  const due = await (await router.route(get('/app/due'))).text();
  assertNoRawXss(due, 'due via router');
  assert.match(due, /逾期 19 天/); // visited 05-20, high risk → weekly, due 05-27
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /door door-overdue" href="\/app\/households\/h1"/);
  assert.match(building, /door door-vacant" href="\/app\/households\/h2"/);
  const search = await (await router.route(get('/app/search?q=zs'))).text();
  assert.match(search, /张三/);
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /<span class="count">1<\/span>逾期未访/);
  assert.match(home, /href="\/app\/buildings\/b1"/);
  const patrol = await (await router.route(get('/app/patrol'))).text();
  assert.match(patrol, /楼道燃气味/);
  assert.match(patrol, /处置中/);
  assert.equal(await (await router.route(get('/app/households/nope'))).text().then((t) => t.includes('未找到')), true);
});

test('a patrol volunteer sees only the patrol screens', async () => {
  const { router } = await world({ role: 'patrol_volunteer' });
  for (const path of ['/app/buildings/b1', '/app/households/h1', '/app/due', '/app/search?q=zs', '/app/residents/r1/edit']) {
    const text = await (await router.route(get(path))).text();
    assert.match(text, /无权限/, path);
    assert.ok(!text.includes('张三'), path);
  }
  const denied = await (await router.route(post('/app/households/h1/visits', [['method', 'in_person']]))).text();
  assert.match(denied, /无权限/);
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /上报巡查发现/);
  assert.ok(!home.includes('/app/buildings/'));
  for (const path of ['/app/patrol', '/app/patrol/new', '/app/sync']) {
    assert.ok(!(await (await router.route(get(path))).text()).includes('无权限'), path);
  }
});

test('logged out: screens answer the login form (htmx) or redirect to it (navigation)', async () => {
  const { router, storage } = await world();
  await storage.wipe();
  const fragment = await router.route(get('/app/due'));
  assert.equal(fragment.headers.get('HX-Push-Url'), '/app/login');
  assert.match(await fragment.text(), /name="password"/);
  const nav = await router.route(get('/app/due', false));
  assert.equal(nav.status, 303);
  assert.equal(nav.headers.get('Location'), '/app/login');
  const login = await router.route(post('/app/login', [['username', 'wgy1'], ['password', 'x']]));
  assert.equal(login.status, 422);
  assert.match(await login.text(), /首次登录需要联网/);
});

test('rejected change: shown with its reason, fixed and resent as a new change; logout warns first', async () => {
  const { router, storage, engine } = await world();
  const change = await engine.createChange('resident', 'r2', { id_number: '110105195001010018' });
  await storage.resolvePushResults([{
    id: change.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过',
    fields: { id_number: { code: 'id_number_checksum', message: '身份证号校验位错误，请核对' } },
  }]);
  const page = await (await router.route(get('/app/sync'))).text();
  assert.match(page, /未被接受的修改（1）/);
  assert.match(page, /3号楼2单元501 的居民 张三/);
  assert.match(page, /有内容不符合要求，请按下面的提示修改/);
  assert.ok(!page.includes('被退回'), '退回 is the community returning a visit, not a refused change');
  // Sent back unchanged it would be refused again: the phone keeps it and says so.
  const same = await router.route(post(`/app/sync/rejected/${change.id}`, [['f.id_number', '110105195001010018']]));
  assert.equal(same.status, 422);
  assert.match(await same.text(), /内容没有修改/);
  assert.equal((await storage.outbox('rejected')).length, 1);
  assert.match(page, /身份证号校验位错误，请核对/);
  const action = `/app/sync/rejected/${change.id}`;
  assert.ok(page.includes(`action="${action}"`));
  const fixed = await router.route(post(action, [['f.id_number', '11010519500101001x']]));
  assert.equal(fixed.status, 200);
  assert.match(await fixed.text(), /已修改并重新提交/);
  assert.equal((await storage.outbox('rejected')).length, 0);
  const [resent] = await storage.outbox('pending');
  assert.notEqual(resent.id, change.id);
  assert.deepEqual({ ...resent.fields }, { id_number: '11010519500101001X' });

  // A care-tag detail error is reported as detail.<name>: the fix writes inside `detail`.
  const tagChange = await engine.createChange('resident_tag', 't1', { detail: { risk_level: 'high', kin_phone: '12345' } });
  await storage.resolvePushResults([{
    id: tagChange.id, status: 'rejected', code: 'validation_failed', message: '内容校验未通过',
    fields: { 'detail.kin_phone': { code: 'phone_format', message: '电话号码格式不正确（手机11位，座机需带区号）' } },
  }]);
  const tagPage = await (await router.route(get('/app/sync'))).text();
  assert.match(tagPage, /name="f.detail.kin_phone" value="12345"/);
  await router.route(post(`/app/sync/rejected/${tagChange.id}`, [['f.detail.kin_phone', '13912345678']]));
  const resentTag = (await storage.outbox('pending')).find((c) => c.entity === 'resident_tag');
  assert.deepEqual({ ...resentTag.fields.detail }, { risk_level: 'high', kin_phone: '13912345678' });
  const discardable = await engine.createChange('resident', 'r2', { phone: '1' });
  await storage.resolvePushResults([{ id: discardable.id, status: 'rejected', code: 'validation_failed', message: 'x', fields: {} }]);
  const asked = await (await router.route(post(`/app/sync/rejected/${discardable.id}/discard`, []))).text();
  assert.match(asked, /确定放弃吗？/);
  assert.equal((await storage.outbox('rejected')).length, 1, 'given up only once confirmed');
  await router.route(post(`/app/sync/rejected/${discardable.id}/discard`, [['confirm', '1']]));
  assert.equal((await storage.outbox('rejected')).length, 0);

  const warn = await (await router.route(post('/app/logout', []))).text();
  assert.match(warn, /还有 2 条修改没有同步到服务器/);
  assert.equal(await storage.getMeta('token'), 't0ken');
  const out = await router.route(post('/app/logout', [['confirm', '1']]));
  assert.equal(out.headers.get('HX-Replace-Url'), '/app/login');
  assert.equal(await storage.getMeta('token'), undefined);
  assert.equal((await storage.outbox('pending')).length, 0);
});

test('sync button without the page script: waits for the sync and says what happened', async () => {
  const { router, syncs } = await world();
  const response = await router.route(post('/app/sync/run', [['next', '/app/sync']]));
  assert.equal(response.headers.get('HX-Replace-Url'), '/app/sync');
  assert.match(await response.text(), /网络不可用：修改已保存在本机/);
  assert.deepEqual(syncs, ['button']);
});

test('first open: just the sign-in form, no "请先登录" and no tab bar; an expired session still says so', async () => {
  const { router, storage } = await world();
  await storage.wipe();
  const first = await (await router.route(get('/app/'))).text();
  assert.match(first, /name="password"/);
  assert.ok(!first.includes('请先登录'), 'nobody has tried to sign in yet');
  assert.match(first, /<div class="screen" data-hide-nav>/, 'the shell hides its tab bar for this screen');
  await storage.setMeta('session_ended', true);
  const expired = await (await router.route(get('/app/due'))).text();
  assert.match(expired, /登录已过期，请重新登录/);
});

test('a stale case step: the card names the case, says why, and redoes the step once the case is back at its stage', async () => {
  const { router, storage, engine } = await world();
  const scope = { grid_id: 'g1', community_id: 'c1', street_id: 's1', reporter_id: 'u1' };
  const finding = (status) => ({ entity: 'finding', id: 'f9', deleted: false, scope, clocks: {}, fields: {
    grid_id: 'g1', reporter_id: 'u1', category: 'safety_gas', description: '墙皮脱落', status, number: 'XF-20260601-0003',
    reported_at: '2026-06-01T01:00:00Z', urgency: 'normal', photos: [] } });
  await storage.applyPullPage({ cursor: 'c2', records: [finding('resolved')] });
  const step = await engine.createChange('case_step', 's9', { finding_id: 'f9', from_status: 'resolved', to_status: 'verified', photos: [], at: '2026-06-15T03:00:00Z' });
  // Meanwhile staff sent the case back to 处置中: the server refuses the check as stale.
  await storage.applyPullPage({ cursor: 'c3', records: [finding('in_progress')] });
  await storage.resolvePushResults([{ id: step.id, status: 'rejected', code: 'stale_transition', message: 'stale', current_status: 'in_progress', fields: {} }]);
  const card = await (await router.route(get('/app/sync'))).text();
  assert.match(card, /事件 XF-20260601-0003 墙皮脱落 的「核查通过」/);
  assert.match(card, /已被别人改到了别的阶段/);
  assert.match(card, /这件事现在：<strong>处置中<\/strong>/);
  assert.match(card, /要等处置单位再次反馈办结后才能核查/);
  assert.ok(!card.includes(`/app/sync/rejected/${step.id}"`), 'the identical change is never offered again');
  assert.ok(!card.includes(`/app/sync/rejected/${step.id}/redo`), 'no redo button while the case is not at a stage to check');
  const early = await (await router.route(post(`/app/sync/rejected/${step.id}/redo`, []))).text();
  assert.match(early, /要等处置单位再次反馈办结后才能核查/);
  assert.equal((await storage.outbox('rejected')).length, 1);
  // The unit reports it handled again: after that pull the step can be redone from 已反馈.
  await storage.applyPullPage({ cursor: 'c4', records: [finding('resolved')] });
  const ready = await (await router.route(get('/app/sync'))).text();
  assert.ok(ready.includes(`action="/app/sync/rejected/${step.id}/redo"`));
  assert.match(ready, /这件事现在：<strong>已反馈<\/strong>/);
  const redone = await router.route(post(`/app/sync/rejected/${step.id}/redo`, []));
  assert.match(await redone.text(), /已按现在的状态重做这一步/);
  assert.equal((await storage.outbox('rejected')).length, 0);
  const [queued] = await storage.outbox('pending');
  assert.equal(queued.record_id, 's9');
  assert.equal(queued.fields.from_status, 'resolved');
  assert.equal(queued.fields.to_status, 'verified');
});
