// UUIDv7 (RFC 9562, protocol section 4.1): the same bit layout as sync/ids.py.
//
//   48 bits Unix milliseconds | version 7 (4 bits) | 12 random bits | variant 10 (2 bits) | 62 random bits
//
// written in the canonical lower-case hyphenated form. Needs only crypto.getRandomValues, so it runs
// in the page, the service worker and Node alike.

const MASK48 = (1n << 48n) - 1n;

/** A new UUIDv7; `millis` (default: now) is the time part, kept to its low 48 bits as in Python. */
export function uuid7(millis = Date.now()) {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes.subarray(6));
  let ms = BigInt(Math.trunc(millis)) & MASK48;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(ms & 0xffn);
    ms >>= 8n;
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7 over the top nibble of the 12 random bits' byte
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The milliseconds a UUIDv7 was made at (its first 48 bits). */
export function uuid7Millis(id) {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
