// Canonical JSON, record hashes and scope checksums (protocol section 8).
//
// Byte for byte what sync/canonical.py produces: Python's
//   json.dumps(normalised, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
// Checked against tests/vectors/canonical.json and tests/vectors/checksum.json.
//
// Where a plain JSON.stringify of a key-sorted copy would differ from Python:
// - keys sort by code point (Python), not by UTF-16 code unit (JS): they differ for keys with
//   characters above U+FFFF against keys with characters in U+E000..U+FFFF;
// - integral numbers of 2**53 and more are written with all their digits (Python's int of the
//   float), not JS's shortest digits padded with zeros (2**60 is 1152921504606846976, not
//   1152921504606847000), and 1e21 and more in full, not as 1e+21;
// - non-integral numbers below 1e-4 use Python's exponent form with at least two exponent digits
//   (1e-05, 1.5e-07), where JS writes 0.00001 and 1.5e-7;
// - lone surrogates are left raw (JSON.stringify escapes them); a record holding one has no hash
//   (Python refuses to encode it as UTF-8, and so do we rather than hashing U+FFFD).

/** Compare two strings by Unicode code point, as Python compares str. Returns -1, 0 or 1. */
export function compareCodePoints(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
  }
  if (a.length === b.length) return 0;
  return a.length < b.length ? -1 : 1;
}

const ESCAPES = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(text) {
  // Python escapes only '"', '\' and U+0000..U+001F; everything else is written as itself.
  // eslint-disable-next-line no-control-regex
  return '"' + text.replace(/[\u0000-\u001f"\\]/g, (c) =>
    ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

function formatNumber(x) {
  if (!Number.isFinite(x)) throw new RangeError('non-finite numbers have no canonical form');
  // Integral: Python prints int(x), every digit of the double's exact value (and -0 as 0).
  if (Number.isInteger(x)) return BigInt(x).toString();
  const abs = Math.abs(x);
  // Non-integral doubles are below 2**52, so from 1e-4 up both languages write plain decimals
  // with the same shortest round-tripping digits.
  if (abs >= 1e-4) return String(x);
  // Below 1e-4 Python's repr uses d.ddde-XX. Take the shortest digits from JS and re-spell them.
  const s = String(abs);
  let digits;
  let exp;
  const e = s.indexOf('e');
  if (e >= 0) {
    digits = s.slice(0, e).replace('.', '');
    exp = Number(s.slice(e + 1));
  } else {
    const frac = s.slice(s.indexOf('.') + 1);
    const zeros = frac.length - frac.replace(/^0+/, '').length;
    digits = frac.slice(zeros);
    exp = -(zeros + 1);
  }
  const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const sign = exp < 0 ? '-' : '+';
  return (x < 0 ? '-' : '') + mantissa + 'e' + sign + String(Math.abs(exp)).padStart(2, '0');
}

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function encode(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatNumber(value);
    case 'string':
      return quote(value);
    case 'object':
      if (Array.isArray(value)) {
        const items = [];
        for (let i = 0; i < value.length; i++) items.push(encode(value[i]));
        return '[' + items.join(',') + ']';
      }
      if (isPlainObject(value)) {
        const keys = Object.keys(value).sort(compareCodePoints);
        return '{' + keys.map((k) => quote(k) + ':' + encode(value[k])).join(',') + '}';
      }
      break;
    default:
      break;
  }
  const kind = value === undefined ? 'undefined' : (value?.constructor?.name ?? typeof value);
  throw new TypeError(`cannot canonicalise ${kind}`);
}

/** The canonical JSON text of a value (a string; hash its UTF-8 bytes). */
export function canonicalJSON(value) {
  return encode(value);
}

function isWellFormed(text) {
  if (typeof text.isWellFormed === 'function') return text.isWellFormed();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * 64-bit hash of a record's visible state: the first 8 bytes, big-endian, of
 * sha256(utf8(canonicalJSON({e: entity, f: fields, id}))). Resolves to a BigInt.
 */
export async function recordHash(entity, id, fields) {
  const text = canonicalJSON({ e: entity, f: fields, id });
  if (!isWellFormed(text)) {
    throw new TypeError('a lone surrogate cannot be encoded as UTF-8 (the record has no hash)');
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return new DataView(digest).getBigUint64(0, false);
}

const MASK64 = (1n << 64n) - 1n;

/** A 64-bit hash as 16 lower-case hex digits. */
export function hashHex(hash) {
  return (BigInt(hash) & MASK64).toString(16).padStart(16, '0');
}

/**
 * Order-independent checksum of many record hashes (BigInts, or safe integers):
 * {value: hex of the sum mod 2**64 as 16 digits, count}.
 */
export function combine(hashes) {
  let total = 0n;
  let count = 0;
  for (const h of hashes) {
    if (typeof h !== 'bigint' && !Number.isSafeInteger(h)) throw new TypeError('a hash is a BigInt or a safe integer');
    total = (total + BigInt(h)) & MASK64;
    count += 1;
  }
  return { value: total.toString(16).padStart(16, '0'), count };
}
