// The field app's local store, the only code that touches IndexedDB: the replica, the outbox, the
// photos and the small meta values, behaving like the Python reference client (sync/client.py).
//
// Not encrypted yet: everything sits in IndexedDB as plain values, protected only by the phone's
// own lock and the browser's origin isolation. Encryption is planned behind this module, so that
// callers will not change when it comes.
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
import { metaApi } from './meta.js';
import { outboxApi } from './outbox.js';
import { recordsApi } from './records.js';

/**
 * A store on one IndexedDB database. Options (all optional): `indexedDB` (an IDBFactory, default
 * the global), `IDBKeyRange` (default the global), `name` (default "wangge"). Every method is
 * async; the connection opens on the first call.
 */
export function createStore({ indexedDB, IDBKeyRange, name = DB_NAME } = {}) {
  const connection = connect({ indexedDB, IDBKeyRange, name });
  return {
    name,
    /** The open connection (idb-wrapped); mostly for tests. */
    db: connection.db,
    close: connection.close,
    ...metaApi(connection),
    ...recordsApi(connection),
    ...outboxApi(connection),
    ...blobsApi(connection),
  };
}

/** A store, opened (upgrade run) before it is returned. Options as createStore. */
export async function openStore(options) {
  const store = createStore(options);
  await store.db();
  return store;
}

/** The device's store, on the global indexedDB (page and service worker). */
export const storage = createStore();
