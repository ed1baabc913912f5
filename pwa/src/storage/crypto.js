// The WebCrypto pieces of the encrypted store: a random AES-GCM data key, wrapped (AES-KW) by keys
// derived with PBKDF2-SHA256 from the worker's password and PIN, and the sealing of single values
// (a fresh 96-bit IV per value, kept beside the ciphertext).
//
// Unlocking costs one PBKDF2 derivation and one unwrap; every value after that is one AES-GCM call
// with the data key, which never leaves memory unwrapped.

const subtle = () => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available (needs a secure context: https or 127.0.0.1)');
  return s;
};

// OWASP's figure for PBKDF2-SHA256. Measured (bench/pwa_crypto.mjs): ~0.2 s on the 2-core build
// box, so about a second on a slow phone; the unlock screen shows that it is working.
export const PBKDF2_ITERATIONS = 310000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const randomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

/** A new data key: AES-256-GCM, extractable only so that it can be wrapped. */
export function newDataKey() {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}

/** The key-wrapping key for a secret (password or PIN), its salt and iteration count. */
export async function deriveWrappingKey(secret, salt, iterations) {
  const base = await subtle().importKey('raw', encoder.encode(String(secret)), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey'],
  );
}

/** {salt, iterations, wrapped}: the data key wrapped under `secret`. */
export async function wrapUnder(secret, dataKey, iterations = PBKDF2_ITERATIONS) {
  const salt = randomBytes(16);
  const kek = await deriveWrappingKey(secret, salt, iterations);
  const wrapped = new Uint8Array(await subtle().wrapKey('raw', dataKey, kek, 'AES-KW'));
  return { salt, iterations, wrapped };
}

/** The data key from a slot of wrapUnder, or null when `secret` is wrong (AES-KW checks it). */
export async function unwrapWith(secret, slot) {
  const kek = await deriveWrappingKey(secret, slot.salt, slot.iterations);
  try {
    return await subtle().unwrapKey('raw', slot.wrapped, kek, 'AES-KW', { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  } catch {
    return null;
  }
}

/** Bytes sealed with the data key: {iv, data}. */
export async function sealBytes(key, bytes) {
  const iv = randomBytes(12);
  const data = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, bytes));
  return { iv, data };
}

/** The bytes of a sealed box (throws if they were changed or the key is another one). */
export async function openBytes(key, box) {
  return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: box.iv }, key, box.data));
}

/** A JSON value sealed: {iv, data}. */
export function seal(key, value) {
  return sealBytes(key, encoder.encode(JSON.stringify(value ?? null)));
}

/** The JSON value of a sealed box. */
export async function open(key, box) {
  return JSON.parse(decoder.decode(await openBytes(key, box)));
}
