// The field app's protocol core against the shared vectors in tests/vectors/, which
// tests/vectors/generate.py writes from the Python reference (sync/) and tests/sync/test_vectors.py
// checks on the Python side. Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { Clock, MAX_COUNTER, Timestamp, compare, format, isValid, parse } from '../src/core/hlc.js';
import { DELETED, isDeleted, merge } from './support/merge.mjs';
import { canonicalJSON, combine, compareCodePoints, hashHex, recordHash } from '../src/core/canonical.js';

const load = (name) => JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), 'utf8'));
const HLC = load('hlc.json');
const MERGE = load('merge.json');
const CANONICAL = load('canonical.json');
const CHECKSUM = load('checksum.json');
const SPECIALS = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

const show = (v) => JSON.stringify(v);

test('every vector file has cases', () => {
  for (const list of [HLC.format, HLC.parse, HLC.compare, HLC.sequences, MERGE.cases, MERGE.is_deleted,
    CANONICAL.values, CANONICAL.records, CANONICAL.python_only, CHECKSUM.scopes, CHECKSUM.combine]) {
    assert.ok(Array.isArray(list) && list.length > 0);
  }
});

// --- hlc --------------------------------------------------------------------------------

test('hlc: MAX_COUNTER', () => {
  assert.equal(MAX_COUNTER, HLC.max_counter);
});

test('hlc: format', () => {
  for (const c of HLC.format) {
    const stamp = new Timestamp(c.millis, c.counter, c.node);
    assert.equal(String(stamp), c.text, show(c));
    assert.equal(format(stamp), c.text, show(c));
    assert.equal(isValid(c.text), c.valid, show(c));
  }
});

test('hlc: parse and isValid', () => {
  for (const c of HLC.parse) {
    assert.equal(isValid(c.text), c.valid, show(c));
    if (c.valid) {
      const stamp = parse(c.text);
      assert.deepEqual([stamp.millis, stamp.counter, stamp.node], [c.millis, c.counter, c.node], show(c));
      assert.equal(String(Timestamp.parse(c.text)), c.text);
    } else {
      assert.throws(() => parse(c.text), show(c));
    }
  }
});

test('hlc: compare', () => {
  for (const c of HLC.compare) {
    assert.equal(compare(c.a, c.b), c.result, show(c));
    assert.equal(compare(parse(c.a), parse(c.b)), c.result, show(c));
    // Valid clock strings order like the values they stand for, with plain JS comparison too.
    assert.equal(c.a < c.b ? -1 : c.a > c.b ? 1 : 0, c.result, show(c));
  }
});

test('hlc: tick/observe sequences with a scripted wall clock', async (t) => {
  for (const seq of HLC.sequences) {
    await t.test(seq.name, () => {
      let wall = null;
      let reads = 0;
      const clock = new Clock(seq.node, () => { reads += 1; return wall; });
      if (seq.last) clock.last = parse(seq.last);
      seq.ops.forEach((op, i) => {
        wall = op.wall;
        if (op.error) {
          assert.throws(() => clock.observe(op.remote), `op ${i}`);
          assert.equal(String(clock.last), op.expect_last, `op ${i}`);
          return;
        }
        const got = op.op === 'tick' ? clock.tick() : clock.observe(op.remote);
        assert.equal(String(got), op.expect, `op ${i}`);
        assert.equal(clock.last, got);
      });
      assert.equal(reads, seq.wall_reads);
    });
  }
});

test('hlc: the default wall clock is Date.now', () => {
  const before = Date.now();
  const stamp = new Clock('dev').tick();
  assert.ok(stamp.millis >= before && stamp.millis <= Date.now());
  assert.ok(isValid(String(stamp)));
});

// --- merge ------------------------------------------------------------------------------

test('merge: DELETED', () => {
  assert.equal(DELETED, MERGE.deleted_field);
});

test('merge: cases', async (t) => {
  for (const c of MERGE.cases) {
    await t.test(c.name, () => {
      const before = JSON.stringify(c);
      const result = 'base' in c
        ? merge(c.values, c.clocks, c.incoming, c.hlc, c.base)
        : merge(c.values, c.clocks, c.incoming, c.hlc);
      // Strict: true is not 1 here, so a value keeps exactly the type it was written with.
      assert.deepStrictEqual(result.values, c.expect.values);
      assert.deepStrictEqual(result.clocks, c.expect.clocks);
      assert.deepStrictEqual(result.applied, c.expect.applied);
      assert.deepStrictEqual(result.ignored, c.expect.ignored);
      assert.deepStrictEqual(result.conflicts, c.expect.conflicts);
      assert.equal(result.changed, c.expect.changed);
      assert.equal(JSON.stringify(c), before, 'merge must not modify its arguments');
      assert.equal(Object.getPrototypeOf(result.values), Object.prototype);
      assert.equal(({}).polluted, undefined);
    });
  }
});

test('merge: isDeleted', () => {
  for (const c of MERGE.is_deleted) assert.equal(isDeleted(c.values), c.expect, show(c));
});

// --- canonical JSON ---------------------------------------------------------------------

const special = (c) => (c.wrap ?? []).reduce((value, key) => ({ [key]: value }), SPECIALS[c.value_special]);

test('canonical: values', async (t) => {
  for (const c of CANONICAL.values) {
    await t.test(c.name, () => {
      if (c.error) assert.throws(() => canonicalJSON(special(c)), RangeError);
      else assert.equal(canonicalJSON(c.value), c.canonical);
    });
  }
});

test('canonical: integers beyond 2**53 that only Python holds are out of reach of JSON.parse', () => {
  const unsafe = (v) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);
  for (const c of CANONICAL.python_only) {
    assert.ok(unsafe(c.value), `${c.name}: now representable, move it to "values"`);
    assert.notEqual(canonicalJSON(c.value), c.canonical, `${c.name}: now matches, move it to "values"`);
  }
});

test('canonical: the vectors cover where a sorted JSON.stringify would be wrong', () => {
  const naive = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
  const differing = CANONICAL.values.filter((c) => !c.error && naive(c.value) !== c.canonical).map((c) => c.name);
  for (const name of ['2**60 int: JSON.stringify writes 1152921504606847000', '1e21 float: written in full',
    '1e-5 gets a two-digit exponent', '1e-7', 'key order: code point, not UTF-16',
    'lone surrogates stay raw in the string']) {
    assert.ok(differing.includes(name), name);
  }
});

test('canonical: code point order', () => {
  assert.equal(compareCodePoints('\uff5a', '\u{1f600}'), -1); // UTF-16 order says the opposite
  assert.equal(compareCodePoints('\u{1f600}', '\u{20000}'), -1);
  assert.equal(compareCodePoints('\ud800', '\u{10000}'), -1);
  assert.equal(compareCodePoints('\u{10000}', '\ud800x'), 1);
  assert.equal(compareCodePoints('a', 'ab'), -1);
  assert.equal(compareCodePoints('ab', 'ab'), 0);
});

test('canonical: values JSON cannot carry are refused', () => {
  for (const bad of [undefined, () => 1, Symbol('s'), 1n, new Date(0), new Map(), [undefined], { a: undefined }]) {
    assert.throws(() => canonicalJSON(bad), TypeError);
  }
});

test('canonical: record hashes', async (t) => {
  for (const c of CANONICAL.records) {
    await t.test(c.name, async () => {
      assert.equal(canonicalJSON({ e: c.entity, f: c.fields, id: c.id }), c.canonical);
      if (c.hash_error) {
        await assert.rejects(recordHash(c.entity, c.id, c.fields), TypeError);
      } else {
        const hash = await recordHash(c.entity, c.id, c.fields);
        assert.equal(typeof hash, 'bigint');
        assert.equal(hashHex(hash), c.hash);
      }
    });
  }
});

// --- checksums --------------------------------------------------------------------------

test('checksum: scopes', async (t) => {
  for (const c of CHECKSUM.scopes) {
    await t.test(c.name, async () => {
      const hashes = await Promise.all(c.records.map((r) => recordHash(r.entity, r.id, r.fields)));
      assert.deepEqual(hashes.map(hashHex), c.hashes);
      assert.deepEqual(combine(hashes), { value: c.value, count: c.count });
      assert.deepEqual(combine([...hashes].reverse()), { value: c.value, count: c.count });
    });
  }
});

test('checksum: combine', () => {
  for (const c of CHECKSUM.combine) {
    const hashes = c.hashes.map((h) => BigInt(`0x${h}`));
    assert.deepEqual(combine(hashes), { value: c.value, count: c.count }, show(c));
    assert.deepEqual(combine(new Set(hashes).size === hashes.length ? new Set(hashes) : hashes),
      { value: c.value, count: c.count }, 'any iterable');
  }
  assert.deepEqual(combine([1, 2]), { value: '0000000000000003', count: 2 });
  assert.throws(() => combine(['1']), TypeError);
  assert.throws(() => combine([2 ** 64]), TypeError);
});
