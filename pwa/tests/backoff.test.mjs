// The retry schedule (src/sync/backoff.js): how often a phone may knock on a server that is down.
// Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  RETRY_DEFAULTS, allowedAt, allows, delayAfter, failed, initialState, nextWake, scaled, succeeded,
} from '../src/sync/backoff.js';

const S = RETRY_DEFAULTS;

test('the wait doubles its ceiling per failure up to the cap, never below the minimum gap', () => {
  assert.equal(delayAfter(1, S, () => 0), S.minGap);
  assert.equal(delayAfter(1, S, () => 0.999999) < S.base + 1, true);
  assert.equal(Math.round(delayAfter(3, S, () => 1)), S.base * 4);
  assert.equal(delayAfter(30, S, () => 1), S.cap);
  assert.equal(delayAfter(30, S, () => 0), S.minGap);
  // Full jitter: the middle of the range is reachable, not only its ends.
  const mid = delayAfter(4, S, () => 0.5);
  assert.ok(mid > S.minGap && mid < S.base * 8, String(mid));
});

test('a server down for an hour gets at most a few attempts a minute, whatever the dice say', () => {
  for (const random of [() => 0, () => 0.5, Math.random]) {
    let state = initialState();
    const attempts = [];
    // Callers knock every second (several tabs, probes, writes); only the allowed ones try.
    for (let now = 0; now < 3600000; now += 1000) {
      for (const reason of ['probe', 'write', 'visible', 'load']) {
        if (allows(state, reason, S, now)) {
          attempts.push(now);
          state = failed(state, S, now, random);
        }
      }
    }
    const firstMinute = attempts.filter((t) => t < 60000).length;
    assert.ok(firstMinute <= 12, `first minute: ${firstMinute}`);
    const lastHalf = attempts.filter((t) => t >= 1800000).length;
    // At the cap: about two a minute (the floor's worst case, random 0, is one per minGap).
    if (random() !== 0) assert.ok(lastHalf / 30 <= 3, `last half hour: ${lastHalf}`);
    for (let i = 1; i < attempts.length; i += 1) assert.ok(attempts[i] - attempts[i - 1] >= S.minGap);
  }
});

test('with the real dice the average wait grows to about half the cap', () => {
  let state = initialState();
  let now = 0;
  const waits = [];
  for (let i = 0; i < 200; i += 1) {
    state = failed(state, S, now);
    waits.push(state.nextAt - now);
    now = state.nextAt;
  }
  const late = waits.slice(50);
  const mean = late.reduce((a, b) => a + b, 0) / late.length;
  assert.ok(mean > S.cap * 0.35 && mean < S.cap * 0.65, String(mean));
});

test('success resets the schedule: the next request runs at once', () => {
  let state = failed(failed(initialState(), S, 0, () => 1), S, 10000, () => 1);
  assert.equal(allows(state, 'probe', S, 11000), false);
  state = succeeded(12000);
  assert.equal(allows(state, 'probe', S, 12001), true);
  assert.equal(allows(state, 'write', S, 12001), true);
});

test('a person asking syncs at once; `online` waits only for the minimum gap; the rest wait for the slot', () => {
  const state = failed(failed(failed(initialState(), S, 0), S, 1000), S, 2000, () => 1); // slot 2 s + 20 s
  assert.equal(allowedAt(state, 'button', S, 2500), 2500);
  assert.equal(allowedAt(state, 'login', S, 2500), 2500);
  assert.equal(allowedAt(state, 'online', S, 2500), 2000 + S.minGap);
  assert.equal(allowedAt(state, 'online', S, 9000), 9000);
  assert.equal(allowedAt(state, 'probe', S, 9000), 22000);
  assert.equal(allowedAt(state, 'write', S, 9000), 22000);
  assert.equal(allows(state, 'probe', S, 22000), true);
});

test('an open page wakes at the slot while failing, probes slowly while something waits, sleeps otherwise', () => {
  const state = failed(initialState(), S, 1000, () => 1);
  assert.equal(nextWake(state, 3, S, 2000), state.nextAt);
  assert.equal(nextWake(state, 3, S, state.nextAt + 50), state.nextAt + 50);
  assert.equal(nextWake(initialState(), 3, S, 2000), 2000 + S.probe);
  assert.equal(nextWake(state, 0, S, 2000), null);
});

test('a test scale shortens every time unit alike', () => {
  const fast = scaled(S, 0.1);
  for (const key of Object.keys(S)) assert.equal(fast[key], S[key] * 0.1);
  assert.deepEqual(scaled(S, 0), { ...S });
  assert.deepEqual(scaled(S, Number.NaN), { ...S });
});
