// The store's small values (the `meta` object store): session (token, user), sync state (cursor,
// last sync, the device clock), the permanent device id and the interface language; and the
// wipe that ends a session or a revoked device.

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

/** The meta and device part of a store, on a connection from connect(). */
export function metaApi({ db, run }) {
  return {
    async getMeta(key) {
      return (await (await db()).get('meta', key))?.value;
    },

    /** Set a meta value; `undefined` removes the key. */
    async setMeta(key, value) {
      const conn = await db();
      if (value === undefined) await conn.delete('meta', key);
      else await conn.put('meta', { key, value });
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
     * language stays too: it is the phone's setting, not grid data.
     */
    async wipe({ keepDeviceId = true } = {}) {
      return run(['records', 'outbox', 'blobs', 'meta'], 'readwrite', async (tx, track) => {
        const meta = tx.objectStore('meta');
        const [device, lang] = await Promise.all([keepDeviceId ? meta.get('device_id') : null, meta.get('lang')]);
        track(tx.objectStore('records').clear());
        track(tx.objectStore('outbox').clear());
        track(tx.objectStore('blobs').clear());
        track(meta.clear());
        if (device) track(meta.put(device));
        if (lang) track(meta.put(lang));
      });
    },

    /** navigator.storage.estimate() where the browser has it, else null. */
    async estimate() {
      const storage = globalThis.navigator?.storage;
      return typeof storage?.estimate === 'function' ? storage.estimate() : null;
    },
  };
}
