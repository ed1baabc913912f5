// Field-level last-writer-wins merge with conflict detection (protocol section 6), the same
// rules as sync/merge.py, in JS for pwa/tests/core.test.mjs to check against tests/vectors/merge.json.
//
// A test aid, not app code: the field app never merges. The server merges every push; the phone
// replaces its replica with the records it pulls and lays its own pending changes over them in
// order (storage/records.js), as the Python reference client does. This port keeps the vectors
// proven in JS for a client that would one day merge on the device.
//
// Every field of a record carries the clock of the write that set it. An incoming change wins a
// field when its clock is greater, so every replica picks the same winner in any arrival order.
// A conflict is recorded when the losing write's author had not seen the winning one: the change
// carries `base`, the clock of each field as its author last saw it.

import { compareCodePoints } from '../../src/core/canonical.js';

export const DELETED = '_deleted';

const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

// Own data properties only: a field called "__proto__" or "constructor" is just a field.
function put(object, key, value) {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

function copy(object) {
  const out = {};
  for (const key of Object.keys(object)) put(out, key, object[key]);
  return out;
}

// Python's dict.get(): missing (or an inherited name) is None.
function get(object, key) {
  return hasOwn(object, key) ? object[key] : null;
}

/**
 * Python's == on JSON values: numbers compare by value and booleans are the numbers 1 and 0
 * (True == 1, False == 0.0), lists element by element, objects by key set regardless of order.
 */
export function pyEqual(a, b) {
  if (a === b) return true;
  const numeric = (v) => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aList = Array.isArray(a);
  if (aList !== Array.isArray(b)) return false;
  if (aList) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEqual(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!hasOwn(b, key) || !pyEqual(a[key], b[key])) return false;
  }
  return true;
}

// Python's bool(): empty strings, lists and objects, 0 and null are false (NaN is true).
function pyTruthy(value) {
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function clockOrder(incoming, current) {
  if (typeof incoming !== 'string' || typeof current !== 'string') {
    throw new TypeError('field clocks must be strings');
  }
  return compareCodePoints(incoming, current);
}

/**
 * Merge `incoming` (all written at clock `hlc`) into a record's `values` and field `clocks`.
 *
 * Pure: returns new objects. `base` maps field -> the clock its author had seen ("" or missing
 * for a field the author had never seen set). Fields are taken in sorted (code point) order.
 * Returns {values, clocks, applied, ignored, conflicts, changed}; each conflict is
 * {field, winner_value, winner_hlc, loser_value, loser_hlc, incoming_won} (sync/merge.py's names).
 */
export function merge(values, clocks, incoming, hlc, base) {
  base = base || {};
  const out = { values: copy(values), clocks: copy(clocks), applied: [], ignored: [], conflicts: [] };
  for (const name of Object.keys(incoming).sort(compareCodePoints)) {
    const next = incoming[name];
    const currentClock = get(clocks, name);
    if (currentClock === null || currentClock === undefined) {
      put(out.values, name, next);
      put(out.clocks, name, hlc);
      out.applied.push(name);
      continue;
    }
    if (hlc === currentClock) {
      // The same write seen again (a replayed change or our own echo): nothing to do.
      out.ignored.push(name);
      continue;
    }
    const seen = get(base, name) === currentClock;
    const old = get(values, name);
    if (clockOrder(hlc, currentClock) > 0) {
      put(out.values, name, next);
      put(out.clocks, name, hlc);
      out.applied.push(name);
      if (!seen && !pyEqual(old, next)) {
        out.conflicts.push(conflict(name, next, hlc, old, currentClock, true));
      }
    } else {
      out.ignored.push(name);
      if (!pyEqual(old, next)) {
        out.conflicts.push(conflict(name, old, currentClock, next, hlc, false));
      }
    }
  }
  out.changed = out.applied.length > 0;
  return out;
}

function conflict(field, winnerValue, winnerHlc, loserValue, loserHlc, incomingWon) {
  return {
    field,
    winner_value: winnerValue,
    winner_hlc: winnerHlc,
    loser_value: loserValue,
    loser_hlc: loserHlc,
    incoming_won: incomingWon,
  };
}

/** Whether a record's values mark it as a tombstone (Python truthiness of values._deleted). */
export function isDeleted(values) {
  return pyTruthy(get(values, DELETED));
}
