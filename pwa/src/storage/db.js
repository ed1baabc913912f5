// The field app's local store: THE ONLY module that touches IndexedDB (on-device encryption will be
// added here). Layout and API: /tmp/notes/pwa-contract.md; behaviour: sync/client.py.
//
// Two copies of the data are kept apart, as in the reference client:
// - `records` is the replica: exactly what the server sent (fields, clocks, scope), so it can be
//   checksummed against the server;
// - `outbox` holds the worker's own changes until the server has answered them; every read lays
//   the pending ones over the replica in order (`view`, `listByEntity`, `listByRef`).
//
// Every exported function is async and uses the module's default store (the global indexedDB of
// the page or the service worker). Node tests make their own stores with createStore()/openStore()
// or swap the default with configure(); idb needs the IDB* globals, so a test imports
// 'fake-indexeddb/auto' first.
//
// Transactions stay short: only IndexedDB requests are awaited inside one (never fetch, never
// crypto), so none of them auto-commits half-way.

import { openDB, wrap } from 'idb';

import { compare as compareClocks, isValid as isValidClock } from '../core/hlc.js';
import { uuid7 } from '../core/ids.js';

export const DB_NAME = 'wangge';
export const DB_VERSION = 1;

/** Drop keys (protocol 7.7): the scope field a key's records are matched on. */
export const SCOPE_COLUMNS = { g: 'grid_id', c: 'community_id', s: 'street_id', r: 'reporter_id', a: 'grid_id' };

const REF_FIELDS = {
  household: 'building_id',
  resident: 'household_id',
  resident_tag: 'resident_id',
  visit: 'household_id',
  case_step: 'finding_id',
};

/** The parent id a record is listed under (the `ref` index); null for entities without one. */
export function refOf(entity, fields, scope) {
  if (entity === 'building') return scope?.grid_id ?? fields?.grid_id ?? null;
  const name = REF_FIELDS[entity];
  return name ? (fields?.[name] ?? null) : null;
}

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

function maxClock(a, b) {
  if (!a) return b;
  if (!b) return a;
  return compareClocks(a, b) >= 0 ? a : b;
}

// The viewed record: server fields with the pending changes laid over in seq order
// (sync/client.py get()). A pending delete hides the record; a later upsert starts it afresh.
function overlay(entity, id, server, changes) {
  let fields = server ? server.fields : null;
  for (const change of changes) {
    fields = change.op === 'delete' ? null : { ...(fields ?? {}), ...change.fields };
  }
  if (fields === null) return null;
  return { entity, id, fields, scope: server?.scope ?? null, pending: changes.length > 0 };
}

function byId(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A store on one IndexedDB database. Options (all optional): `indexedDB` (an IDBFactory, default
 * the global), `IDBKeyRange` (default the global), `name` (default "wangge").
 */
export function createStore({ indexedDB: factory, IDBKeyRange: KeyRange, name = DB_NAME } = {}) {
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

  async function pendingFor(outbox, entity, recordId) {
    const rows = await outbox.index('record').getAll([entity, recordId]);
    return rows.filter((row) => row.status === 'pending'); // index order within a record: seq
  }

  async function pendingByRecord(outbox, entity) {
    const rows = await outbox.index('record').getAll(entityRange(entity));
    const groups = new Map();
    for (const row of rows.sort((a, b) => a.seq - b.seq)) {
      if (row.status !== 'pending') continue;
      if (!groups.has(row.record_id)) groups.set(row.record_id, []);
      groups.get(row.record_id).push(row);
    }
    return groups;
  }

  function clocksOf(server, changes) {
    const clocks = { ...(server?.clocks ?? {}) };
    for (const change of changes) {
      for (const field of Object.keys(change.fields ?? {})) clocks[field] = change.hlc;
    }
    return clocks;
  }

  async function storedClock(meta) {
    return (await meta.get('hlc'))?.value ?? null;
  }

  // Put a change into the outbox inside an open transaction on records, outbox and meta; the
  // device clock's last value is persisted with it (protocol 4.3).
  async function enqueueIn(tx, { entity, record_id: recordId, op = 'upsert', fields = {}, hlc, tick }) {
    if (typeof entity !== 'string' || !entity) throw new TypeError('enqueue: entity is required');
    if (typeof recordId !== 'string' || !recordId) throw new TypeError('enqueue: record_id is required');
    if (op !== 'upsert' && op !== 'delete') throw new TypeError(`enqueue: unknown op ${op}`);
    const written = op === 'delete' ? {} : fields;
    const outbox = tx.objectStore('outbox');
    const meta = tx.objectStore('meta');
    const server = await tx.objectStore('records').get([entity, recordId]);
    const changes = await pendingFor(outbox, entity, recordId);
    const last = await storedClock(meta);
    const stamp = typeof tick === 'function' ? String(tick(last)) : hlc;
    if (!isValidClock(stamp)) throw new TypeError(`enqueue: not a clock value: ${stamp}`);
    const clocks = clocksOf(server, changes);
    const base = {};
    for (const field of Object.keys(written)) {
      if (field in clocks) base[field] = clocks[field];
    }
    const change = {
      id: uuid7(), entity, record_id: recordId, op, hlc: stamp, fields: written, base, status: 'pending', result: null,
    };
    change.seq = await outbox.add(change);
    await meta.put({ key: 'hlc', value: maxClock(last, stamp) });
    return change;
  }

  const store = {
    name,

    /** The open connection (idb-wrapped); mostly for tests. */
    db,

    close() {
      const open = connection;
      connection = null;
      return open ? open.then((c) => c.close(), () => {}) : Promise.resolve();
    },

    // -- meta ----------------------------------------------------------------------------
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

    // -- reads ---------------------------------------------------------------------------
    /** The replica's copy {entity, id, fields, clocks, scope, ref}, or null. */
    async serverRecord(entity, id) {
      return (await (await db()).get('records', [entity, id])) ?? null;
    },

    /**
     * The record as the worker sees it: {entity, id, fields, scope, pending} with the pending
     * outbox changes laid over the server copy in order; null if unknown or pending deleted.
     * `scope` is null for a record only the outbox knows; `pending` says it has unsynced changes.
     */
    async view(entity, id) {
      return run(['records', 'outbox'], 'readonly', async (tx) => {
        const server = await tx.objectStore('records').get([entity, id]);
        const changes = await pendingFor(tx.objectStore('outbox'), entity, id);
        return overlay(entity, id, server, changes);
      });
    },

    /** Every viewed record of an entity (replica and pending creates), sorted by id. */
    async listByEntity(entity) {
      return run(['records', 'outbox'], 'readonly', async (tx) => {
        const servers = await tx.objectStore('records').index('entity').getAll(entity);
        const groups = await pendingByRecord(tx.objectStore('outbox'), entity);
        const out = [];
        for (const server of servers) {
          const viewed = overlay(entity, server.id, server, groups.get(server.id) ?? []);
          groups.delete(server.id);
          if (viewed) out.push(viewed);
        }
        for (const [id, changes] of groups) {
          const viewed = overlay(entity, id, undefined, changes);
          if (viewed) out.push(viewed);
        }
        return out.sort(byId);
      });
    },

    /**
     * The viewed records of an entity under one parent (see refOf), including those only the
     * outbox knows and those a pending change moved here; sorted by id.
     */
    async listByRef(entity, ref) {
      if (ref === null || ref === undefined) return [];
      return run(['records', 'outbox'], 'readonly', async (tx) => {
        const records = tx.objectStore('records');
        const servers = await records.index('ref').getAll([entity, ref]);
        const groups = await pendingByRecord(tx.objectStore('outbox'), entity);
        const known = new Map(servers.map((s) => [s.id, s]));
        for (const id of groups.keys()) {
          if (!known.has(id)) known.set(id, await records.get([entity, id]));
        }
        const out = [];
        for (const [id, server] of known) {
          const viewed = overlay(entity, id, server, groups.get(id) ?? []);
          if (viewed && refOf(entity, viewed.fields, viewed.scope) === ref) out.push(viewed);
        }
        return out.sort(byId);
      });
    },

    /** Field → clock the device holds: the replica's clocks, then pending changes' hlc. */
    async viewClocks(entity, id) {
      return run(['records', 'outbox'], 'readonly', async (tx) => {
        const server = await tx.objectStore('records').get([entity, id]);
        return clocksOf(server, await pendingFor(tx.objectStore('outbox'), entity, id));
      });
    },

    // -- outbox --------------------------------------------------------------------------
    /**
     * Queue a change: {entity, record_id, op ("upsert"|"delete"), fields, hlc} where hlc is the
     * change's clock string, or `tick(lastStoredHlc) => clock string` called inside the
     * transaction (what the engine uses, so two contexts never stamp from a stale clock).
     * `base` comes from viewClocks. Resolves to the stored change (with seq).
     */
    async enqueue(spec) {
      return run(['records', 'outbox', 'meta'], 'readwrite', (tx) => enqueueIn(tx, spec));
    },

    /** Outbox entries of a status ("pending", "rejected"; null: all) in the order they were made. */
    async outbox(status = 'pending', limit) {
      const conn = await db();
      if (status === null || status === undefined) return conn.getAll('outbox', null, limit);
      return conn.getAllFromIndex('outbox', 'status', status, limit);
    },

    async outboxCount(status = 'pending') {
      const conn = await db();
      if (status === null || status === undefined) return conn.count('outbox');
      return conn.countFromIndex('outbox', 'status', status);
    },

    /** One outbox entry by its change id, or null. */
    async change(changeId) {
      return (await (await db()).getFromIndex('outbox', 'id', changeId)) ?? null;
    },

    /**
     * Apply push results: accepted → the change leaves the outbox; rejected → kept, status
     * "rejected", with the whole result (code, messages, fields). `hlc`: the observed device
     * clock to persist in the same transaction.
     */
    async resolvePushResults(results, { hlc } = {}) {
      return run(['outbox', 'meta'], 'readwrite', async (tx, track) => {
        const outbox = tx.objectStore('outbox');
        for (const result of results) {
          if (typeof result?.id !== 'string') continue;
          const seq = await outbox.index('id').getKey(result.id);
          if (seq === undefined) continue;
          if (result.status === 'accepted') {
            track(outbox.delete(seq));
          } else {
            const row = await outbox.get(seq);
            track(outbox.put({ ...row, status: 'rejected', result }));
          }
        }
        if (hlc) await persistClock(tx, hlc);
      });
    },

    /**
     * Fix a rejected change: it is replaced by a new change (new id, new clock) of the same
     * record and op with `fields` (sync/client.py resend). `hlcOrTick` as in enqueue.
     */
    async replaceRejected(changeId, fields, hlcOrTick) {
      return run(['records', 'outbox', 'meta'], 'readwrite', async (tx) => {
        const outbox = tx.objectStore('outbox');
        const row = await outbox.index('id').get(changeId);
        if (!row || row.status !== 'rejected') throw new Error(`no rejected change ${changeId}`);
        await outbox.delete(row.seq);
        const stamp = typeof hlcOrTick === 'function' ? { tick: hlcOrTick } : { hlc: hlcOrTick };
        return enqueueIn(tx, { entity: row.entity, record_id: row.record_id, op: row.op, fields, ...stamp });
      });
    },

    /** The worker gives up on a rejected change: it leaves the outbox. */
    async discardRejected(changeId) {
      return run(['outbox'], 'readwrite', async (tx) => {
        const outbox = tx.objectStore('outbox');
        const row = await outbox.index('id').get(changeId);
        if (!row || row.status !== 'rejected') throw new Error(`no rejected change ${changeId}`);
        await outbox.delete(row.seq);
      });
    },

    // -- replica -------------------------------------------------------------------------
    /**
     * One pull page, in ONE transaction (protocol 7.4): drops first, then records (replace whole;
     * tombstones delete), then the cursor (and the observed clock `hlc`). Any failure leaves the
     * store, cursor included, as it was.
     */
    async applyPullPage({ records = [], drop = [], cursor, hlc } = {}) {
      if (typeof cursor !== 'string') throw new TypeError('applyPullPage: cursor is required');
      return run(['records', 'meta'], 'readwrite', async (tx, track) => {
        const store = tx.objectStore('records');
        const rules = [];
        for (const key of drop) {
          const at = key.indexOf(':');
          const kind = at < 0 ? key : key.slice(0, at);
          const column = SCOPE_COLUMNS[kind];
          if (column) rules.push({ column, value: at < 0 ? '' : key.slice(at + 1), areaOnly: kind === 'a' });
        }
        if (rules.length) {
          let row = await store.openCursor();
          while (row) {
            const { entity, scope } = row.value;
            if (rules.some((r) => scope?.[r.column] === r.value && (!r.areaOnly || entity === 'area'))) {
              track(row.delete());
            }
            row = await row.continue();
          }
        }
        for (const record of records) {
          if (record.deleted) {
            track(store.delete([record.entity, record.id]));
          } else {
            const { entity, id, fields, clocks = {}, scope = {} } = record;
            track(store.put({ entity, id, fields, clocks, scope, ref: refOf(entity, fields, scope) }));
          }
        }
        track(tx.objectStore('meta').put({ key: 'cursor', value: cursor }));
        if (hlc) await persistClock(tx, hlc);
      });
    },

    /** The replica as pulled, for the scope checksum: [{entity, id, fields}]. */
    async replicaChecksumInputs() {
      const rows = await (await db()).getAll('records');
      return rows.map(({ entity, id, fields }) => ({ entity, id, fields }));
    },

    async replicaCount() {
      return (await db()).count('records');
    },

    /** Forget the replica and the cursor (repair, cursor_invalid); the outbox is kept. */
    async resetReplica() {
      return run(['records', 'meta'], 'readwrite', async (tx, track) => {
        track(tx.objectStore('records').clear());
        track(tx.objectStore('meta').delete('cursor'));
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

    // -- blobs ---------------------------------------------------------------------------
    /**
     * Keep a photo until it is uploaded; a photo already stored is left as it is. `sha256` may
     * be null to have it computed. Resolves to the sha256.
     */
    async putBlob(sha256, blob, type) {
      const hash = sha256 || (await sha256Hex(blob));
      const kind = type ?? blob?.type ?? 'application/octet-stream';
      await run(['blobs'], 'readwrite', async (tx) => {
        const blobs = tx.objectStore('blobs');
        if ((await blobs.getKey(hash)) === undefined) {
          await blobs.put({ sha256: hash, blob, type: kind, uploaded: 0 });
        }
      });
      return hash;
    },

    /** sha256 of every photo not yet uploaded (uploaded 0). */
    async pendingBlobs() {
      return (await db()).getAllKeysFromIndex('blobs', 'uploaded', 0);
    },

    /** sha256 of the photos in a state: 0 waiting, 1 uploaded, -1 refused by the server. */
    async blobsByState(state) {
      return (await db()).getAllKeysFromIndex('blobs', 'uploaded', state);
    },

    async markBlob(sha256, state) {
      return run(['blobs'], 'readwrite', async (tx) => {
        const blobs = tx.objectStore('blobs');
        const row = await blobs.get(sha256);
        if (row) await blobs.put({ ...row, uploaded: state });
      });
    },

    /** {sha256, blob, type, uploaded} or null. */
    async getBlob(sha256) {
      return (await (await db()).get('blobs', sha256)) ?? null;
    },

    // -- device --------------------------------------------------------------------------
    /** navigator.storage.estimate() where the browser has it, else null. */
    async estimate() {
      const storage = globalThis.navigator?.storage;
      return typeof storage?.estimate === 'function' ? storage.estimate() : null;
    },
  };

  async function persistClock(tx, hlc) {
    const meta = tx.objectStore('meta');
    const last = await storedClock(meta);
    await meta.put({ key: 'hlc', value: maxClock(last, String(hlc)) });
  }

  return store;
}

/** Lower-case hex sha256 of a Blob, ArrayBuffer or typed array. */
export async function sha256Hex(data) {
  const bytes = typeof data?.arrayBuffer === 'function' ? await data.arrayBuffer() : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A store, opened (upgrade run) before it is returned. Options as createStore. */
export async function openStore(options) {
  const store = createStore(options);
  await store.db();
  return store;
}

// -- the module's default store (page and service worker) --------------------------------
let defaultStore = createStore();

/** Replace the default store (tests; or a non-global IndexedDB). Returns the new store. */
export function configure(options) {
  defaultStore.close();
  defaultStore = createStore(options);
  return defaultStore;
}

/** The default store object (the same API as the functions below). */
export const defaultStorage = () => defaultStore;

export const getMeta = (key) => defaultStore.getMeta(key);
export const setMeta = (key, value) => defaultStore.setMeta(key, value);
export const ensureDeviceId = () => defaultStore.ensureDeviceId();
export const serverRecord = (entity, id) => defaultStore.serverRecord(entity, id);
export const view = (entity, id) => defaultStore.view(entity, id);
export const listByEntity = (entity) => defaultStore.listByEntity(entity);
export const listByRef = (entity, ref) => defaultStore.listByRef(entity, ref);
export const viewClocks = (entity, id) => defaultStore.viewClocks(entity, id);
export const enqueue = (spec) => defaultStore.enqueue(spec);
export const outbox = (status = 'pending', limit) => defaultStore.outbox(status, limit);
export const outboxCount = (status = 'pending') => defaultStore.outboxCount(status);
export const change = (changeId) => defaultStore.change(changeId);
export const resolvePushResults = (results, options) => defaultStore.resolvePushResults(results, options);
export const replaceRejected = (changeId, fields, hlcOrTick) => defaultStore.replaceRejected(changeId, fields, hlcOrTick);
export const discardRejected = (changeId) => defaultStore.discardRejected(changeId);
export const applyPullPage = (page) => defaultStore.applyPullPage(page);
export const replicaChecksumInputs = () => defaultStore.replicaChecksumInputs();
export const replicaCount = () => defaultStore.replicaCount();
export const resetReplica = () => defaultStore.resetReplica();
export const wipe = (options) => defaultStore.wipe(options);
export const putBlob = (sha256, blob, type) => defaultStore.putBlob(sha256, blob, type);
export const pendingBlobs = () => defaultStore.pendingBlobs();
export const blobsByState = (state) => defaultStore.blobsByState(state);
export const markBlob = (sha256, state) => defaultStore.markBlob(sha256, state);
export const getBlob = (sha256) => defaultStore.getBlob(sha256);
export const estimate = () => defaultStore.estimate();
export const close = () => defaultStore.close();
