// pwa/src/core/doors.js against tests/vectors/doors.json, which tests/vectors/generate_doors.py
// writes from server/areas/doors.py: the phone draws the doors the console set up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { expand, allDoors, layout, patternError, roomName, standardAddress } from '../src/core/doors.js';

const DATA = JSON.parse(readFileSync(new URL('../../tests/vectors/doors.json', import.meta.url), 'utf8'));

test('door patterns are judged and rendered as on the server', () => {
  for (const c of DATA.patterns) {
    assert.equal(patternError(c.pattern), c.code, `pattern ${c.pattern}`);
    if (c.rooms) {
      assert.deepEqual([[1, 1, 1], [2, 12, 3], [1, 9, 10]].map(([u, f, n]) => roomName(c.pattern, u, f, n)), c.rooms, `pattern ${c.pattern}`);
    }
  }
});

test('buildings expand to the same doors, layout and standard addresses', () => {
  for (const c of DATA.buildings) {
    assert.deepEqual(expand(c.building), c.doors, `building ${c.building.number}`);
    assert.deepEqual(allDoors(c.building), c.all, `building ${c.building.number}`);
    assert.deepEqual(layout(c.building), c.layout, `building ${c.building.number}`);
    assert.deepEqual(c.doors.slice(0, 3).map((d) => standardAddress(c.building, d.unit, d.room)), c.addresses);
    // a synced record carries its values under `fields`
    assert.deepEqual(expand({ id: 'b', fields: c.building }), c.doors);
  }
});
