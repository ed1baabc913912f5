// pwa/src/core/registry_rules.js against tests/vectors/registry_rules.json (server/registry/rules.py
// runs the same file). Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { householdErrors, leaseReminder, movementErrors } from '../src/core/registry_rules.js';

const DATA = JSON.parse(readFileSync(new URL('../../tests/vectors/registry_rules.json', import.meta.url), 'utf8'));

test('registry_rules.js matches server/registry/rules.py on residents', () => {
  for (const c of DATA.resident) assert.deepEqual(movementErrors(c.state, { today: DATA.today }), c.errors, c.why);
});

test('registry_rules.js matches server/registry/rules.py on households', () => {
  for (const c of DATA.household) assert.deepEqual(householdErrors(c.state, { id: c.id, target: c.target }), c.errors, c.why);
});

test('a lease reminds from 14 days before its end, and after it, for rented homes only', () => {
  const h = (fields) => ({ fields: { housing_use: 'rented', status: 'active', ...fields } });
  assert.equal(leaseReminder(h({ lease_end: '2026-12-21' }), '2026-12-07'), 14);
  assert.equal(leaseReminder(h({ lease_end: '2026-12-22' }), '2026-12-07'), null);
  assert.equal(leaseReminder(h({ lease_end: '2026-12-01' }), '2026-12-07'), -6);
  assert.equal(leaseReminder(h({ lease_end: '2026-12-10', housing_use: 'owner_occupied' }), '2026-12-07'), null);
  assert.equal(leaseReminder(h({ lease_end: '2026-12-10', status: 'demolished' }), '2026-12-07'), null);
});
