// The registry on the phone, offline, through the router on a fake-indexeddb store: registering a
// household at an unregistered door, moving a resident in and out, a birth, a death and a
// household's status and lease. Every write lands in the outbox and the screens follow at once.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { get, post } from './support/requests.mjs';
import { world } from './support/screens.mjs';

const changes = async (storage, entity) => (await storage.outbox('pending')).filter((c) => c.entity === entity);

test('an unregistered door opens a form that registers the household and its first resident', async () => {
  const { router, storage } = await world();
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  const href = /<a class="door door-unregistered" href="([^"]+)"/.exec(building.replaceAll('&amp;', '&'))[1];
  assert.match(href, /^\/app\/households\/new\?building=b1&unit=1&floor=6&room=601$/);
  const form = await (await router.route(get(href))).text();
  assert.match(form, /3号楼1单元601/);
  const saved = await router.route(post(href, [
    ['housing_use', 'rented'], ['registration_status', 'present_unregistered'], ['contact_phone', '13800138000'],
    ['landlord_name', '刘房东'], ['landlord_phone', ''], ['lease_end', '2026-06-20'],
    ['r.name', '王租客'], ['r.sex', 'male'], ['r.birth_date', '1990-03-04'], ['r.id_number', ''], ['r.phone', ''],
    ['r.relation', 'tenant'], ['r.arrived_by', 'move_in'], ['r.moved_in_on', '2026-06-01'], ['r.moved_in_from', '河南省周口市'],
  ]));
  assert.equal(saved.status, 200);
  const page = await saved.text();
  assert.match(page, /已登记住户/);
  assert.match(page, /王租客/);
  assert.match(page, /租约到期，请核实租户/);
  const [household] = await changes(storage, 'household');
  assert.deepEqual({ ...household.fields }, {
    unit: 1, floor: 6, room: '601', building_id: 'b1', status: 'active', housing_use: 'rented',
    registration_status: 'present_unregistered', contact_phone: '13800138000', landlord_name: '刘房东', lease_end: '2026-06-20',
  });
  const [resident] = await changes(storage, 'resident');
  assert.equal(resident.fields.household_id, household.record_id);
  assert.equal(resident.fields.arrived_by, 'move_in');
  assert.equal(resident.fields.moved_in_from, '河南省周口市');
  // The door is registered now, and the home screen reminds of the lease.
  const after = await (await router.route(get('/app/buildings/b1'))).text();
  assert.ok(after.includes(`href="/app/households/${household.record_id}"`));
  const home = await (await router.route(get('/app/'))).text();
  assert.match(home, /租约到期，请核实租户（1）/);
  assert.match(await (await router.route(get('/app/due'))).text(), /租约到期，请核实租户（1）/);
  // The same door again is refused, and so is a lease on a home that is not rented.
  const again = await router.route(post(href, [['housing_use', 'owner_occupied'], ['lease_end', '2026-07-01']]));
  assert.equal(again.status, 422);
  const text = await again.text();
  assert.match(text, /这个房间已经登记过住户/);
  assert.match(text, /租约到期日仅适用于出租房屋/);
  assert.equal((await storage.outbox('pending')).length, 2);
});

test('moving out keeps the record under 已迁出 with its dates; the count counts current residents', async () => {
  const { router, storage } = await world();
  const form = await (await router.route(get('/app/residents/r2/move-out'))).text();
  assert.match(form, /迁出：张三/);
  const future = await router.route(post('/app/residents/r2/move-out', [['moved_out_on', '2026-06-16'], ['moved_out_to', '上海']]));
  assert.equal(future.status, 422);
  assert.match(await future.text(), /日期不能晚于今天/);
  const before = await router.route(post('/app/residents/r2/move-out', [['moved_out_on', '1949-12-31'], ['moved_out_to', '上海']]));
  assert.match(await before.text(), /日期不能早于出生日期/);
  const saved = await router.route(post('/app/residents/r2/move-out', [['moved_out_on', '2026-06-10'], ['moved_out_to', '上海']]));
  assert.equal(saved.status, 200);
  const page = await saved.text();
  assert.match(page, /居民（1）/);
  assert.match(page, /已迁出（1）/);
  assert.match(page, /张三<\/strong> <span class="muted">迁出 2026-06-10，迁往上海/);
  const [change] = await changes(storage, 'resident');
  assert.deepEqual({ ...change.fields }, { left_by: 'move_out', moved_out_on: '2026-06-10', moved_out_to: '上海' });
});

test('a death ends the person\'s open care tags, so no visit falls due', async () => {
  const { router, storage } = await world();
  const form = await (await router.route(get('/app/residents/r1/death'))).text();
  assert.match(form, /以下关爱标签将于该日结束/);
  const saved = await router.route(post('/app/residents/r1/death', [['moved_out_on', '2026-06-14']]));
  assert.equal(saved.status, 200);
  assert.deepEqual({ ...(await changes(storage, 'resident'))[0].fields }, { left_by: 'death', moved_out_on: '2026-06-14', moved_out_to: null });
  const [tag] = await changes(storage, 'resident_tag');
  assert.equal(tag.record_id, 't1');
  assert.deepEqual({ ...tag.fields }, { ended_on: '2026-06-14' });
  const due = await (await router.route(get('/app/due'))).text();
  assert.match(due, /近期没有需要走访的关爱对象/);
});

test('a birth adds a baby born here and offers to end the mother\'s 孕产妇 tag', async () => {
  const { router, storage, engine } = await world();
  await engine.createChange('resident_tag', 'tp', { resident_id: 'r1', tag: 'pregnant', detail: {}, started_on: '2026-01-01' });
  const form = await (await router.route(get('/app/households/h1/birth'))).text();
  assert.match(form, /name="end_tags" value="tp" checked/);
  const saved = await router.route(post('/app/households/h1/birth', [['name', '小宝'], ['sex', 'female'], ['birth_date', '2026-06-12'], ['end_tags', 'tp']]));
  assert.equal(saved.status, 200);
  assert.match(await saved.text(), /已登记 小宝 出生/);
  const baby = (await changes(storage, 'resident'))[0];
  assert.equal(baby.fields.arrived_by, 'birth');
  assert.equal(baby.fields.moved_in_on, '2026-06-12');
  assert.equal(baby.fields.birth_date, '2026-06-12');
  const ended = (await changes(storage, 'resident_tag')).filter((c) => c.record_id === 'tp').at(-1);
  assert.equal(ended.fields.ended_on, '2026-06-12');
  const tomorrow = await router.route(post('/app/households/h1/birth', [['name', '小宝'], ['sex', 'female'], ['birth_date', '2026-06-16']]));
  assert.equal(tomorrow.status, 422);
});

test('moving in re-uses the new-resident form with the arrival preset', async () => {
  const { router, storage } = await world();
  const household = await (await router.route(get('/app/households/h1'))).text();
  assert.ok(household.includes('/app/residents/new?household=h1&arrival=move_in'));
  const form = await (await router.route(get('/app/residents/new?household=h1&arrival=move_in'))).text();
  assert.match(form, /<option value="move_in" selected>/);
  const saved = await router.route(post('/app/residents/new?household=h1', [
    ['name', '李迁入'], ['sex', 'female'], ['arrived_by', 'move_in'], ['moved_in_on', '2026-06-01'], ['moved_in_from', '北京市海淀区'],
  ]));
  assert.equal(saved.status, 200);
  const [change] = await changes(storage, 'resident');
  assert.equal(change.fields.moved_in_from, '北京市海淀区');
  const birthMismatch = await router.route(post('/app/residents/new?household=h1', [
    ['name', '婴儿'], ['sex', 'female'], ['birth_date', '2026-06-01'], ['arrived_by', 'birth'], ['moved_in_on', '2026-06-02'],
  ]));
  assert.equal(birthMismatch.status, 422);
  assert.match(await birthMismatch.text(), /出生登记的迁入日期应与出生日期相同/);
});

test('a household\'s status: vacant, demolished, or merged into another household of the grid', async () => {
  const { router, storage } = await world();
  const form = await (await router.route(get('/app/households/h1/status'))).text();
  assert.match(form, /<option value="h2">3号楼1单元102<\/option>/);
  const noTarget = await router.route(post('/app/households/h1/status', [['state', 'merged'], ['merged_into_id', '']]));
  assert.equal(noTarget.status, 422);
  assert.match(await noTarget.text(), /请选择合并到的住户/);
  const self = await router.route(post('/app/households/h1/status', [['state', 'merged'], ['merged_into_id', 'h1']]));
  assert.match(await self.text(), /不能合并到本户/);
  const merged = await router.route(post('/app/households/h1/status', [['state', 'merged'], ['merged_into_id', 'h2'], ['housing_use', 'owner_occupied']]));
  assert.equal(merged.status, 200);
  const page = await merged.text();
  assert.match(page, /已合并/);
  assert.match(page, /href="\/app\/households\/h2">3号楼1单元102/);
  assert.deepEqual({ ...(await changes(storage, 'household'))[0].fields }, { status: 'merged', merged_into_id: 'h2' });
  const vacant = await router.route(post('/app/households/h1/status', [['state', 'vacant']]));
  assert.equal(vacant.status, 200);
  assert.deepEqual({ ...(await changes(storage, 'household'))[1].fields }, { status: 'active', merged_into_id: null, housing_use: 'vacant' });
  const building = await (await router.route(get('/app/buildings/b1'))).text();
  assert.match(building, /door door-vacant" href="\/app\/households\/h1"/);
});
