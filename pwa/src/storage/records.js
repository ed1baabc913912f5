// The replica (the `records` object store): exactly what the server sent (fields, clocks, scope),
// so it can be checksummed against the server; and the records as the worker sees them, with the
// pending outbox changes laid over the replica in order (sync/client.py get()).
//
// A record's fields are sealed with the data key (`box`); its keys, parent id (`ref`), scope ids
// and field clocks stay readable, as the indexes, drop keys and change bases need them. Rows are
// read raw inside a transaction and opened after it (no crypto inside a transaction).

import { clocksOf, openChange, pendingByRecord, pendingFor } from './outbox.js';
import { persistClock } from './meta.js';

/** Drop keys (protocol 7.7): the scope field a key's records are matched on. */
const SCOPE_COLUMNS = { g: 'grid_id', c: 'community_id', s: 'street_id', r: 'reporter_id', a: 'grid_id', d: 'community_id' };
// A `d:<community>` key covers that community's rows of the dictionaries only.
const DICTIONARIES = new Set(['care_tag_type', 'finding_category']);

const REF_FIELDS = {
  household: 'building_id',
  unit: 'building_id',
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

// The viewed record: server fields with the pending changes laid over in seq order. A pending
// delete hides the record; a later upsert starts it afresh.
function overlay(entity, id, server, changes) {
  let fields = server ? server.fields : null;
  for (const change of changes) {
    fields = change.op === 'delete' ? null : { ...(fields ?? {}), ...change.fields };
  }
  if (fields === null) return null;
  return { entity, id, fields, scope: server?.scope ?? null, pending: changes.length > 0 };
}

// record id → its pending changes, opened.
async function openGroups(keyring, groups) {
  const out = new Map();
  for (const [id, changes] of groups) out.set(id, await openAll(keyring, changes));
  return out;
}

/** A replica row as callers see it: {entity, id, fields, clocks, scope, ref}. */
async function openRecord(keyring, row) {
  if (!row) return row;
  const { box, ...rest } = row;
  return { ...rest, fields: await keyring.openFields(box) };
}

const openAll = (keyring, changes) => Promise.all(changes.map((c) => openChange(keyring, c)));

function byId(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The replica part of a store, on a connection from connect(). */
export function recordsApi({ db, run, entityRange }, keyring) {
  return {
    /** The replica's copy {entity, id, fields, clocks, scope, ref}, or null. */
    async serverRecord(entity, id) {
      return (await openRecord(keyring, await (await db()).get('records', [entity, id]))) ?? null;
    },

    /**
     * The record as the worker sees it: {entity, id, fields, scope, pending} with the pending
     * outbox changes laid over the server copy in order; null if unknown or pending deleted.
     * `scope` is null for a record only the outbox knows; `pending` says it has unsynced changes.
     */
    async view(entity, id) {
      const [server, changes] = await run(['records', 'outbox'], 'readonly', async (tx) => Promise.all([
        tx.objectStore('records').get([entity, id]), pendingFor(tx.objectStore('outbox'), entity, id),
      ]));
      return overlay(entity, id, await openRecord(keyring, server), await openAll(keyring, changes));
    },

    /** Every viewed record of an entity (replica and pending creates), sorted by id. */
    async listByEntity(entity) {
      const [rows, rawGroups] = await run(['records', 'outbox'], 'readonly', async (tx) => Promise.all([
        tx.objectStore('records').index('entity').getAll(entity), pendingByRecord(tx.objectStore('outbox'), entityRange(entity)),
      ]));
      const servers = await Promise.all(rows.map((row) => openRecord(keyring, row)));
      const groups = await openGroups(keyring, rawGroups);
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
    },

    /**
     * The viewed records of an entity under one parent (see refOf), including those only the
     * outbox knows and those a pending change moved here; sorted by id.
     */
    async listByRef(entity, ref) {
      if (ref === null || ref === undefined) return [];
      const [rawKnown, rawGroups] = await run(['records', 'outbox'], 'readonly', async (tx) => {
        const records = tx.objectStore('records');
        const servers = await records.index('ref').getAll([entity, ref]);
        const pending = await pendingByRecord(tx.objectStore('outbox'), entityRange(entity));
        const found = new Map(servers.map((s) => [s.id, s]));
        for (const id of pending.keys()) {
          if (!found.has(id)) found.set(id, await records.get([entity, id]));
        }
        return [found, pending];
      });
      const groups = await openGroups(keyring, rawGroups);
      const out = [];
      await Promise.all([...rawKnown].map(async ([id, row]) => {
        const viewed = overlay(entity, id, await openRecord(keyring, row), groups.get(id) ?? []);
        if (viewed && refOf(entity, viewed.fields, viewed.scope) === ref) out.push(viewed);
      }));
      return out.sort(byId);
    },

    /** Field → clock the device holds: the replica's clocks, then pending changes' hlc. */
    async viewClocks(entity, id) {
      return run(['records', 'outbox'], 'readonly', async (tx) => {
        const server = await tx.objectStore('records').get([entity, id]);
        return clocksOf(server, await pendingFor(tx.objectStore('outbox'), entity, id));
      });
    },

    /**
     * One pull page, in ONE transaction (protocol 7.4): drops first, then records (replace whole;
     * tombstones delete), then the cursor (and the observed clock `hlc`). Any failure leaves the
     * store, cursor included, as it was.
     */
    async applyPullPage({ records = [], drop = [], cursor, hlc } = {}) {
      if (typeof cursor !== 'string') throw new TypeError('applyPullPage: cursor is required');
      const boxes = await Promise.all(records.map((r) => (r.deleted ? null : keyring.seal(r.fields))));
      return run(['records', 'meta'], 'readwrite', async (tx, track) => {
        const store = tx.objectStore('records');
        const rules = [];
        for (const key of drop) {
          const at = key.indexOf(':');
          const kind = at < 0 ? key : key.slice(0, at);
          const column = SCOPE_COLUMNS[kind];
          if (column) {
            rules.push({ column, value: at < 0 ? '' : key.slice(at + 1), areaOnly: kind === 'a', dictionaryOnly: kind === 'd' });
          }
        }
        if (rules.length) {
          let row = await store.openCursor();
          while (row) {
            const { entity, scope } = row.value;
            if (rules.some((r) => scope?.[r.column] === r.value && (!r.areaOnly || entity === 'area')
              && (!r.dictionaryOnly || (DICTIONARIES.has(entity) && !scope?.grid_id)))) {
              track(row.delete());
            }
            row = await row.continue();
          }
        }
        records.forEach((record, i) => {
          if (record.deleted) {
            track(store.delete([record.entity, record.id]));
          } else {
            const { entity, id, fields, clocks = {}, scope = {} } = record;
            track(store.put({ entity, id, box: boxes[i], clocks, scope, ref: refOf(entity, fields, scope) }));
          }
        });
        track(tx.objectStore('meta').put({ key: 'cursor', value: cursor }));
        if (hlc) await persistClock(tx, hlc);
      });
    },

    /** The replica as pulled, for the scope checksum: [{entity, id, fields}]. */
    async replicaChecksumInputs() {
      const rows = await (await db()).getAll('records');
      return Promise.all(rows.map(async ({ entity, id, box }) => ({ entity, id, fields: await keyring.openFields(box) })));
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
  };
}
