// The IndexedDB database behind the store: its schema, the connection (reopened after another
// version of the app asked to upgrade) and short transactions.
//
// Transactions stay short: only IndexedDB requests are awaited inside one (never fetch, never
// crypto), so none of them auto-commits half-way.

import { openDB, wrap } from 'idb';

export const DB_NAME = 'wangge';
const DB_VERSION = 1;

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    const records = db.createObjectStore('records', { keyPath: ['entity', 'id'] });
    records.createIndex('entity', 'entity');
    records.createIndex('ref', ['entity', 'ref']);
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('record', ['entity', 'record_id']);
    outbox.createIndex('status', 'status');
    outbox.createIndex('id', 'id', { unique: true });
    const blobs = db.createObjectStore('blobs', { keyPath: 'sha256' });
    blobs.createIndex('uploaded', 'uploaded');
    db.createObjectStore('meta', { keyPath: 'key' });
  }
  // Later versions: add `if (oldVersion < 2) {...}` steps here; never drop `outbox` (it must
  // survive app updates).
}

// idb's openDB on an injected factory (idb itself always uses the global indexedDB).
function openWith(factory, name, version, { upgrade: onUpgrade, blocking, terminated }) {
  const request = factory.open(name, version);
  const opening = wrap(request);
  request.addEventListener('upgradeneeded', (event) => {
    onUpgrade(wrap(request.result), event.oldVersion, event.newVersion, wrap(request.transaction), event);
  });
  opening.then((db) => {
    db.addEventListener('close', () => terminated());
    db.addEventListener('versionchange', () => blocking());
  }).catch(() => {});
  return opening;
}

const mute = (promise) => {
  promise.catch(() => {});
  return promise;
};

/**
 * A lazily opened connection: {db, close, run, entityRange}. Options as createStore's
 * (`indexedDB`, `IDBKeyRange`, `name`).
 */
export function connect({ indexedDB: factory, IDBKeyRange: KeyRange, name }) {
  let connection = null;

  function db() {
    if (!connection) {
      const handlers = {
        upgrade,
        // A newer version of the app (in another tab or the new service worker) wants to upgrade:
        // let it, and reopen on the next call.
        blocking() {
          const stale = connection;
          connection = null;
          stale?.then((c) => c.close(), () => {});
        },
        terminated() {
          connection = null;
        },
      };
      const idbFactory = factory ?? globalThis.indexedDB;
      if (!idbFactory) throw new Error('IndexedDB is not available');
      const opening = factory && factory !== globalThis.indexedDB
        ? openWith(factory, name, DB_VERSION, handlers)
        : openDB(name, DB_VERSION, handlers);
      connection = opening;
      opening.catch(() => {
        if (connection === opening) connection = null;
      });
    }
    return connection;
  }

  function close() {
    const open = connection;
    connection = null;
    return open ? open.then((c) => c.close(), () => {}) : Promise.resolve();
  }

  function keyRange() {
    const range = KeyRange ?? globalThis.IDBKeyRange;
    if (!range) throw new Error('IDBKeyRange is not available');
    return range;
  }

  // [entity] .. [entity, []]: every compound key starting with entity (arrays sort after strings).
  const entityRange = (entity) => keyRange().bound([entity], [entity, []]);

  /**
   * One transaction. `body(tx, track)` may await IndexedDB requests only; requests it does not
   * await go through `track` so their failures are seen. Any error aborts the whole transaction.
   */
  async function run(stores, mode, body) {
    const tx = (await db()).transaction(stores, mode);
    mute(tx.done);
    const tracked = [];
    const track = (request) => {
      tracked.push(mute(request));
      return request;
    };
    try {
      const result = await body(tx, track);
      await Promise.all(tracked);
      await tx.done;
      return result;
    } catch (err) {
      try {
        tx.abort();
      } catch {
        // already committed or aborted
      }
      await Promise.allSettled(tracked);
      throw err;
    }
  }

  return { db, close, run, entityRange };
}
