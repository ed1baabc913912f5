// The field app's local store, the only code that touches IndexedDB: the replica, the outbox, the
// photos and the small meta values, behaving like the Python reference client (sync/client.py).
//
// Encrypted at rest: records' fields, outbox changes, photos and the session (token, user) are
// sealed with AES-GCM under a data key that lives only in memory while the store is unlocked
// (vault.js, crypto.js). Keys and ids the indexes need stay readable; no personal text does.
// While locked, reading or writing sealed values throws Locked.
//
// Two copies of the data are kept apart, as in the reference client:
// - `records` is the replica: exactly what the server sent (fields, clocks, scope), so it can be
//   checksummed against the server (records.js);
// - `outbox` holds the worker's own changes until the server has answered them; every read lays
//   the pending ones over the replica in order (`view`, `listByEntity`, `listByRef`; outbox.js).
// Photos are in blobs.js, the meta values, device id and wipe in meta.js, the schema and the
// transactions in connection.js.
//
// `storage` is the device's store (the global indexedDB of the page or the service worker). Node
// tests make their own stores with createStore()/openStore(); idb needs the IDB* globals, so a
// test imports 'fake-indexeddb/auto' first.

import { blobsApi } from './blobs.js';
import { DB_NAME, connect } from './connection.js';
import { sealClearRows } from './legacy.js';
import { metaApi } from './meta.js';
import { outboxApi } from './outbox.js';
import { recordsApi } from './records.js';
import { Locked, createKeyring, vaultApi } from './vault.js';

export { Locked };

/**
 * A store on one IndexedDB database. Options (all optional): `indexedDB` (an IDBFactory, default
 * the global), `IDBKeyRange` (default the global), `name` (default "wangge"), `iterations`
 * (PBKDF2 iterations for new wrapped keys; tests lower it). Every method is async; the
 * connection opens on the first call. The store starts locked.
 */
export function createStore({ indexedDB, IDBKeyRange, name = DB_NAME, iterations } = {}) {
  const connection = connect({ indexedDB, IDBKeyRange, name });
  const keyring = createKeyring();
  const meta = metaApi(connection, keyring);
  const vault = vaultApi(connection, keyring, { wipe: () => meta.wipe(), iterations });
  return {
    name,
    /** The open connection (idb-wrapped); mostly for tests. */
    db: connection.db,
    close: connection.close,
    ...meta,
    ...recordsApi(connection, keyring),
    ...outboxApi(connection, keyring),
    ...blobsApi(connection, keyring),
    ...vault,
    /** First sign-in: a new data key under `password`; clear rows of an older app get sealed. */
    async createVault(password) {
      await vault.createVault(password);
      return sealClearRows(connection, keyring);
    },
  };
}

/**
 * A store, opened (upgrade run) before it is returned. Options as createStore, and `password`:
 * create a data key under it, so the store comes back unlocked (tests).
 */
export async function openStore({ password, ...options } = {}) {
  const store = createStore(options);
  await store.db();
  if (password !== undefined) await store.createVault(password);
  return store;
}

/** The device's store, on the global indexedDB (page and service worker). */
export const storage = createStore();
