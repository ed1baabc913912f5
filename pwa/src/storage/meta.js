// The store's small values (the `meta` object store): session (token, user), sync state (cursor,
// last sync, the device clock), the permanent device id and the interface language; and the
// wipe that ends a session or a revoked device.
//
// The session values (SEALED_META) are sealed with the data key; the others hold no personal data
// and stay readable while the store is locked (the sync state, the lock itself, the language).

import { compare as compareClocks } from '../core/hlc.js';
import { uuid7 } from '../core/ids.js';

function maxClock(a, b) {
  if (!a) return b;
  if (!b) return a;
  return compareClocks(a, b) >= 0 ? a : b;
}

/** The device clock's last stored value, inside a transaction on `meta`. */
export async function storedClock(meta) {
  return (await meta.get('hlc'))?.value ?? null;
}

/** Store `hlc` as the device clock unless a later value is stored already (protocol 4.3). */
export async function persistClock(tx, hlc) {
  const meta = tx.objectStore('meta');
  const last = await storedClock(meta);
  await meta.put({ key: 'hlc', value: maxClock(last, String(hlc)) });
}

/** Meta values sealed at rest: the bearer token, the signed-in user (name, phone), and the notices
 * of overwritten edits (records and colleagues' names). */
export const SEALED_META = new Set(['token', 'user', 'notices']);

// Settings and device facts a wipe leaves in place.
const KEPT_ON_WIPE = ['lang', 'lock_minutes'];

/** The meta and device part of a store, on a connection from connect() and its keyring. */
export function metaApi({ db, run }, keyring) {
  return {
    /** A meta value; a sealed one (SEALED_META) throws Locked while the store is locked. */
    async getMeta(key) {
      const value = (await (await db()).get('meta', key))?.value;
      if (value === undefined || !SEALED_META.has(key)) return value;
      return keyring.open(value);
    },

    /** Set a meta value; `undefined` removes the key. */
    async setMeta(key, value) {
      const stored = value !== undefined && SEALED_META.has(key) ? await keyring.seal(value) : value;
      const conn = await db();
      if (stored === undefined) await conn.delete('meta', key);
      else await conn.put('meta', { key, value: stored });
    },

    /** Whether a sealed meta value is stored (readable while locked). */
    async hasMeta(key) {
      return (await (await db()).getKey('meta', key)) !== undefined;
    },

    /** This installation's permanent device id, made (UUIDv7) the first time it is asked for. */
    async ensureDeviceId() {
      return run(['meta'], 'readwrite', async (tx) => {
        const meta = tx.objectStore('meta');
        const existing = (await meta.get('device_id'))?.value;
        if (existing) return existing;
        const id = uuid7();
        await meta.put({ key: 'device_id', value: id });
        return id;
      });
    },

    /**
     * Erase everything (replica, outbox, photos, token, cursor, user, clock). The device id stays
     * unless {keepDeviceId: false}: a revoked phone must stay known as revoked, while a phone
     * handed to another worker after a log-out is a new device to the server. The interface
     * language and the lock delay stay too: they are the phone's settings, not grid data. The
     * data key and its wrapped copies go with the data.
     */
    async wipe({ keepDeviceId = true } = {}) {
      keyring.set(null);
      return run(['records', 'outbox', 'blobs', 'meta'], 'readwrite', async (tx, track) => {
        const meta = tx.objectStore('meta');
        const kept = await Promise.all([keepDeviceId ? 'device_id' : null, ...KEPT_ON_WIPE].map((k) => k && meta.get(k)));
        track(tx.objectStore('records').clear());
        track(tx.objectStore('outbox').clear());
        track(tx.objectStore('blobs').clear());
        track(meta.clear());
        for (const row of kept) if (row) track(meta.put(row));
      });
    },

    /** navigator.storage.estimate() where the browser has it, else null. */
    async estimate() {
      const storage = globalThis.navigator?.storage;
      return typeof storage?.estimate === 'function' ? storage.estimate() : null;
    },
  };
}
