// The worker's own changes (the `outbox` object store), kept in the order they were made until the
// server has answered them: pending ones are laid over the replica on every read (records.js),
// rejected ones wait for the worker to fix or give them up.

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
    for (const field of Object.keys(change.fields ?? {})) clocks[field] = change.hlc;
  }
  return clocks;
}

// Put a change into the outbox inside an open transaction on records, outbox and meta; the
// device clock's last value is persisted with it (protocol 4.3).
async function enqueueIn(tx, { entity, record_id: recordId, op = 'upsert', fields = {}, hlc, tick }) {
  if (typeof entity !== 'string' || !entity) throw new TypeError('enqueue: entity is required');
  if (typeof recordId !== 'string' || !recordId) throw new TypeError('enqueue: record_id is required');
  if (op !== 'upsert' && op !== 'delete') throw new TypeError(`enqueue: unknown op ${op}`);
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
    id: uuid7(), entity, record_id: recordId, op, hlc: stamp, fields: written, base, status: 'pending', result: null,
  };
  change.seq = await outbox.add(change);
  await persistClock(tx, stamp);
  return change;
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
export function outboxApi({ db, run }) {
  return {
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
        const row = await takeRejected(tx, changeId);
        const stamp = typeof hlcOrTick === 'function' ? { tick: hlcOrTick } : { hlc: hlcOrTick };
        return enqueueIn(tx, { entity: row.entity, record_id: row.record_id, op: row.op, fields, ...stamp });
      });
    },

    /** The worker gives up on a rejected change: it leaves the outbox. */
    async discardRejected(changeId) {
      return run(['outbox'], 'readwrite', async (tx) => {
        await takeRejected(tx, changeId);
      });
    },
  };
}
