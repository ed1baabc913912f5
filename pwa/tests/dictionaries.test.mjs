// A community's dictionary on the phone: its tuned visit intervals time the 待访 list, its own tags
// and categories are offered, switched-off ones are not, and another community's rows never apply.
// The same rule as server/core/dictionary.py. Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { dictionaryIndex, pickable, resolveDictionary, TUNABLE } from '../src/core/dictionaries.js';
import { careStatus } from '../src/sw/views/care.js';
import { get } from './support/requests.mjs';
import { TAG_TYPES, TODAY, rec, world } from './support/screens.mjs';

const inCommunity = (community) => ({ grid_id: null, community_id: community, street_id: 's1', reporter_id: null });

function tuned(id, community, base, fields, tunedNames) {
  const baseRow = TAG_TYPES.find((t) => t.id === base);
  return rec('care_tag_type', id, { ...baseRow.fields, ...fields, community_id: community, base, tuned: tunedNames },
    { scope: inCommunity(community) });
}

const VETERAN = rec('care_tag_type', 'cveteran', {
  name_zh: '退役军人', interval_days: 60, sort: 1000, detail_fields: [], community_id: 'c1', base: null, tuned: null, active: true,
}, { scope: inCommunity('c1') });

test('resolution: the community tunes only the fields it names; other communities keep the installation', () => {
  const rows = [
    ...TAG_TYPES,
    // A copy of 7 in interval_days that is not tuned: ignored, so the installation's later value would apply.
    tuned('o1', 'c1', 'elderly_alone', { interval_days: 99, active: false }, ['active']),
    tuned('o2', 'c1', 'elderly_empty_nest', { interval_days: 14 }, ['interval_days']),
    tuned('o3', 'c2', 'elderly_empty_nest', { interval_days: 3 }, ['interval_days']),
    VETERAN,
  ];
  const mine = new Map(resolveDictionary(rows, 'c1').map((e) => [e.id, e]));
  assert.equal(mine.get('elderly_alone').fields.interval_days, 7);
  assert.equal(mine.get('elderly_alone').fields.active, false);
  assert.equal(mine.get('elderly_empty_nest').fields.interval_days, 14);
  assert.equal(mine.get('cveteran').fields.name_zh, '退役军人');
  assert.ok(!mine.has('o1') && !mine.has('o2'), 'tuning rows are not entries of their own');
  const theirs = new Map(resolveDictionary(rows, 'c2').map((e) => [e.id, e]));
  assert.equal(theirs.get('elderly_empty_nest').fields.interval_days, 3);
  assert.equal(theirs.get('elderly_alone').fields.active, undefined);
  assert.ok(!theirs.has('cveteran'));
  const installation = new Map(resolveDictionary(rows, null).map((e) => [e.id, e]));
  assert.equal(installation.get('elderly_empty_nest').fields.interval_days, 30);
  // The picker leaves a switched-off tag out, unless the resident already has it.
  const offered = pickable([...mine.values()]).map((e) => e.id);
  assert.ok(!offered.includes('elderly_alone') && offered.includes('elderly_empty_nest') && offered.at(-1) === 'cveteran');
  assert.ok(pickable([...mine.values()], new Set(['elderly_alone'])).some((e) => e.id === 'elderly_alone'));
  // Categories tune only `active`.
  assert.deepEqual(TUNABLE.finding_category, ['active']);
  assert.equal(dictionaryIndex(rows)('c1').get('elderly_empty_nest').fields.interval_days, 14);
});

test('due computation: each resident is timed by their own community\'s interval', () => {
  const resident = (id, community) => rec('resident', id, { household_id: `h-${id}`, name: id },
    { scope: { grid_id: `g-${community}`, community_id: community } });
  const tag = (id, rid) => rec('resident_tag', id, { resident_id: rid, tag: 'elderly_empty_nest', detail: {}, started_on: null });
  const visit = (id, rid) => rec('visit', id, { household_id: `h-${rid}`, resident_ids: [rid], visited_at: '2026-06-05T02:00:00Z', outcome: 'normal' });
  const rows = [...TAG_TYPES, tuned('o2', 'c1', 'elderly_empty_nest', { interval_days: 7 }, ['interval_days'])];
  const status = careStatus({
    residents: [resident('near', 'c1'), resident('far', 'c2')],
    tags: [tag('t1', 'near'), tag('t2', 'far')],
    visits: [visit('v1', 'near'), visit('v2', 'far')],
    tagTypes: rows,
    today: TODAY,
  });
  const byId = new Map(status.map((e) => [e.resident.id, e]));
  assert.equal(byId.get('near').interval, 7);
  assert.equal(byId.get('near').dueOn, '2026-06-12');
  assert.equal(byId.get('near').overdue, true);
  assert.equal(byId.get('far').interval, 30);
  assert.equal(byId.get('far').overdue, false);
});

test('the resident form offers the community\'s own tag and not a switched-off one', async () => {
  const { router, storage } = await world();
  await storage.applyPullPage({
    cursor: 'c2',
    records: [
      { entity: 'care_tag_type', id: 'o1', deleted: false, clocks: {}, scope: inCommunity('c1'),
        fields: { ...TAG_TYPES[1].fields, community_id: 'c1', base: 'elderly_empty_nest', tuned: ['active'], active: false } },
      { entity: 'care_tag_type', id: 'cveteran', deleted: false, clocks: {}, scope: inCommunity('c1'), fields: VETERAN.fields },
      { entity: 'care_tag_type', id: 'cfar', deleted: false, clocks: {}, scope: inCommunity('c9'),
        fields: { ...VETERAN.fields, name_zh: '他社区标签', community_id: 'c9' } },
    ],
  });
  const page = await (await router.route(get('/app/residents/new?household=h1'))).text();
  assert.ok(page.includes('退役军人'), 'the community\'s own tag is offered');
  assert.ok(!page.includes('他社区标签'), 'another community\'s tag is not');
  assert.ok(!page.includes('空巢老人'), 'a tag the community switched off is not offered');
  assert.ok(page.includes('独居老人'));
  // r1 already has elderly_alone: still there on the edit form.
  const edit = await (await router.route(get('/app/residents/r1/edit'))).text();
  assert.ok(edit.includes('独居老人') && edit.includes('退役军人'));
});

test('a drop of the community key removes only that community\'s dictionary rows', async () => {
  const { storage } = await world();
  await storage.applyPullPage({
    cursor: 'c2',
    records: [{ entity: 'care_tag_type', id: 'cveteran', deleted: false, clocks: {}, scope: inCommunity('c1'), fields: VETERAN.fields }],
  });
  await storage.applyPullPage({ cursor: 'c3', drop: ['d:c1'] });
  const tags = await storage.listByEntity('care_tag_type');
  assert.ok(!tags.some((t) => t.id === 'cveteran'));
  assert.ok(tags.some((t) => t.id === 'elderly_alone'), 'the installation\'s tags stay');
  assert.ok(await storage.view('household', 'h1'), 'records of the grids in that community are not the key\'s');
});
