// Hybrid logical clock (protocol section 4), the same rules as sync/hlc.py.
//
// A timestamp is (wall milliseconds, counter, node), written MMMMMMMMMMMMMMM-CCCCC-node with
// fixed-width numbers, so plain string comparison of valid values orders them like the tuple.
// Checked against tests/vectors/hlc.json.

import { compareCodePoints } from './canonical.js';

// ASCII digits only (a full-width digit would sort after every real clock and win every merge);
// without the m flag, $ matches only at the very end (Python needs \Z for that).
const PATTERN = /^([0-9]{15})-([0-9]{5})-([0-9A-Za-z_.:-]{1,64})$/;
export const MAX_COUNTER = 99999;

// Python's f"{n:0{width}d}": the sign counts towards the width, wider numbers are not cut.
function padded(n, width) {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer clock component: ${n}`);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).padStart(width - sign.length, '0');
}

export class Timestamp {
  constructor(millis, counter, node) {
    this.millis = millis;
    this.counter = counter;
    this.node = node;
    Object.freeze(this);
  }

  toString() {
    return format(this);
  }

  static parse(text) {
    return parse(text);
  }
}

/** The text form of a timestamp. */
export function format(stamp) {
  return `${padded(stamp.millis, 15)}-${padded(stamp.counter, 5)}-${stamp.node}`;
}

/** Parse a clock string; throws on anything that is not exactly the format. */
export function parse(text) {
  const match = typeof text === 'string' ? PATTERN.exec(text) : null;
  if (!match) throw new Error(`not a hybrid logical clock value: ${JSON.stringify(text) ?? String(text)}`);
  return new Timestamp(Number(match[1]), Number(match[2]), match[3]);
}

export function isValid(text) {
  return typeof text === 'string' && PATTERN.test(text);
}

function asTimestamp(value) {
  if (typeof value === 'string') return parse(value);
  if (value instanceof Timestamp) return value;
  throw new TypeError('expected a clock string or a Timestamp');
}

/** Order two clock values (strings or Timestamps) as (millis, counter, node): -1, 0 or 1. */
export function compare(a, b) {
  const x = asTimestamp(a);
  const y = asTimestamp(b);
  if (x.millis !== y.millis) return x.millis < y.millis ? -1 : 1;
  if (x.counter !== y.counter) return x.counter < y.counter ? -1 : 1;
  return compareCodePoints(x.node, y.node);
}

export function nowMillis() {
  return Date.now();
}

/** One replica's clock. `wall` is injectable so tests can skew a device's time. */
export class Clock {
  constructor(node, wall = nowMillis) {
    this.node = node;
    this.wall = wall;
    this.last = new Timestamp(0, 0, node);
  }

  /** Before every local write: a value greater than anything produced or seen so far. */
  tick() {
    const physical = this.wall();
    if (physical > this.last.millis) {
      this.last = new Timestamp(physical, 0, this.node);
    } else {
      this.last = this._bump(this.last.millis, this.last.counter + 1);
    }
    return this.last;
  }

  /** Merge a clock value seen from another replica so our next tick sorts after it. */
  observe(remote) {
    const other = asTimestamp(remote); // refused before the wall clock is read, as in Python
    const physical = this.wall();
    const last = this.last;
    const top = Math.max(physical, last.millis, other.millis);
    let counter;
    if (top === last.millis && top === other.millis) {
      counter = Math.max(last.counter, other.counter) + 1;
    } else if (top === last.millis) {
      counter = last.counter + 1;
    } else if (top === other.millis) {
      counter = other.counter + 1;
    } else {
      counter = 0;
    }
    this.last = this._bump(top, counter);
    return this.last;
  }

  _bump(millis, counter) {
    // A counter overflow borrows the next millisecond instead of breaking the fixed width.
    if (counter > MAX_COUNTER) return new Timestamp(millis + 1, 0, this.node);
    return new Timestamp(millis, counter, this.node);
  }
}
