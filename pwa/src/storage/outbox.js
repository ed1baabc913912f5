// The worker's own changes (the `outbox` object store), kept in the order they were made until the
// server has answered them: pending ones are laid over the replica on every read (records.js),
// rejected ones wait for the worker to fix or give them up.
//
// A change's fields and the server's answer to it are sealed with the data key (`box`, `result`);
// the names of the fields it writes (`written`) stay readable so clocks and bases can be worked out
// inside a transaction, where no crypto may be awaited.

import { isValid as isValidClock } from '../core/hlc.js';
import { uuid7 } from '../core/ids.js';
import { persistClock, storedClock } from './meta.js';

/** The pending changes of one record, in seq order (index order within a record). */
export async function pendingFor(outbox, entity, recordId) {
  const rows = await outbox.index('record').getAll([entity, recordId]);
  return rows.filter((row) => row.status === 'pending');
}

/** record id → its pending changes in seq order, for the records in `range` of the record index. */
export async function pendingByRecord(outbox, range) {
  const rows = await outbox.index('record').getAll(range);
  const groups = new Map();
  for (const row of rows.sort((a, b) => a.seq - b.seq)) {
    if (row.status !== 'pending') continue;
    if (!groups.has(row.record_id)) groups.set(row.record_id, []);
    groups.get(row.record_id).push(row);
  }
  return groups;
}

/** Field → clock: the replica's clocks, then each pending change's hlc on the fields it writes. */
export function clocksOf(server, changes) {
  const clocks = { ...(server?.clocks ?? {}) };
  for (const change of changes) {
    for (const field of change.written ?? Object.keys(change.fields ?? {})) clocks[field] = change.hlc;
  }
  return clocks;
}

function checkSpec({ entity, record_id: recordId, op = 'upsert' }) {
  if (typeof entity !== 'string' || !entity) throw new TypeError('enqueue: entity is required');
  if (typeof recordId !== 'string' || !recordId) throw new TypeError('enqueue: record_id is required');
  if (op !== 'upsert' && op !== 'delete') throw new TypeError(`enqueue: unknown op ${op}`);
}

/** An outbox row as callers see it: fields and result opened. */
export async function openChange(keyring, row) {
  if (!row) return row;
  const { box, written, ...rest } = row;
  return {
    ...rest, fields: row.op === 'delete' ? {} : await keyring.open(box), result: row.result ? await keyring.open(row.result) : null,
  };
}

// Put a change into the outbox inside an open transaction on records, outbox and meta; the
// device clock's last value is persisted with it (protocol 4.3). `box` holds the sealed fields.
// Resolves to the stored row (sealed).
async function enqueueIn(tx, { entity, record_id: recordId, op = 'upsert', fields = {}, box, hlc, tick }) {
  checkSpec({ entity, record_id: recordId, op });
  const written = op === 'delete' ? {} : fields;
  const outbox = tx.objectStore('outbox');
  const server = await tx.objectStore('records').get([entity, recordId]);
  const changes = await pendingFor(outbox, entity, recordId);
  const last = await storedClock(tx.objectStore('meta'));
  const stamp = typeof tick === 'function' ? String(tick(last)) : hlc;
  if (!isValidClock(stamp)) throw new TypeError(`enqueue: not a clock value: ${stamp}`);
  const clocks = clocksOf(server, changes);
  const base = {};
  for (const field of Object.keys(written)) {
    if (field in clocks) base[field] = clocks[field];
  }
  const change = {
    id: uuid7(), entity, record_id: recordId, op, hlc: stamp, written: Object.keys(written), box, base, status: 'pending', result: null,
  };
  change.seq = await outbox.add(change);
  await persistClock(tx, stamp);
  return change;
}

// The plain change that enqueueIn stored.
function plainChange(row, fields) {
  const { box, written, ...rest } = row;
  return { ...rest, fields };
}

// Take a rejected change out of the outbox inside an open transaction; resolves to its row.
async function takeRejected(tx, changeId) {
  const outbox = tx.objectStore('outbox');
  const row = await outbox.index('id').get(changeId);
  if (!row || row.status !== 'rejected') throw new Error(`no rejected change ${changeId}`);
  await outbox.delete(row.seq);
  return row;
}

/** The outbox part of a store, on a connection from connect(). */
export function outboxApi({ db, run }, keyring) {
  return {
    /**
     * Queue a change: {entity, record_id, op ("upsert"|"delete"), fields, hlc} where hlc is the
     * change's clock string, or `tick(lastStoredHlc) => clock string` called inside the
     * transaction (what the engine uses, so two contexts never stamp from a stale clock).
     * `base` comes from viewClocks. Resolves to the stored change (with seq).
     */
    async enqueue(spec) {
      checkSpec(spec);
      const fields = spec.op === 'delete' ? {} : (spec.fields ?? {});
      const box = await keyring.seal(fields);
      const row = await run(['records', 'outbox', 'meta'], 'readwrite', (tx) => enqueueIn(tx, { ...spec, box }));
      return plainChange(row, fields);
    },

    /** Outbox entries of a status ("pending", "rejected"; null: all) in the order they were made. */
    async outbox(status = 'pending', limit) {
      const conn = await db();
      const rows = status === null || status === undefined
        ? await conn.getAll('outbox', null, limit)
        : await conn.getAllFromIndex('outbox', 'status', status, limit);
      return Promise.all(rows.map((row) => openChange(keyring, row)));
    },

    async outboxCount(status = 'pending') {
      const conn = await db();
      if (status === null || status === undefined) return conn.count('outbox');
      return conn.countFromIndex('outbox', 'status', status);
    },

    /** One outbox entry by its change id, or null. */
    async change(changeId) {
      return (await openChange(keyring, await (await db()).getFromIndex('outbox', 'id', changeId))) ?? null;
    },

    /**
     * Apply push results: accepted → the change leaves the outbox; rejected → kept, status
     * "rejected", with the whole result (code, messages, fields). `hlc`: the observed device
     * clock to persist in the same transaction.
     */
    async resolvePushResults(results, { hlc } = {}) {
      const sealed = new Map();
      for (const result of results) {
        if (typeof result?.id === 'string' && result.status !== 'accepted') sealed.set(result.id, await keyring.seal(result));
      }
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
            track(outbox.put({ ...row, status: 'rejected', result: sealed.get(result.id) }));
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
      const box = await keyring.seal(fields ?? {});
      const row = await run(['records', 'outbox', 'meta'], 'readwrite', async (tx) => {
        const rejected = await takeRejected(tx, changeId);
        const stamp = typeof hlcOrTick === 'function' ? { tick: hlcOrTick } : { hlc: hlcOrTick };
        return enqueueIn(tx, {
          entity: rejected.entity, record_id: rejected.record_id, op: rejected.op, fields, box, ...stamp,
        });
      });
      return plainChange(row, row.op === 'delete' ? {} : (fields ?? {}));
    },

    /** The worker gives up on a rejected change: it leaves the outbox. */
    async discardRejected(changeId) {
      return run(['outbox'], 'readwrite', async (tx) => {
        await takeRejected(tx, changeId);
      });
    },
  };
}
