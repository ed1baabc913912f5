// The field app's sync engine: the protocol of docs/sync-protocol.md, behaving exactly like the
// Python reference client sync/client.py (push the outbox in order, upload photos, pull pages from
// the cursor, verify the scope checksum and repair, drop keys, wipe on device_revoked, stop on 426).
//
// It runs in the service worker, the page and Node tests alike: `fetch` and `baseUrl` are
// injectable (default globalThis.fetch and "" = same origin), and so is the storage (default: the
// device's store of storage/db.js, on the global IndexedDB).
//
// Nothing is lost when the network fails: a change leaves the outbox only once its result has been
// received, and a pull page moves the cursor only in the transaction that applies it.

import { Clock, Timestamp, compare as compareClocks, parse as parseClock } from '../core/hlc.js';
import { combine, recordHash } from '../core/canonical.js';
import { uuid7 } from '../core/ids.js';
import { Locked, storage as deviceStorage } from '../storage/db.js';
import { APP_VERSION, PROTOCOL_VERSION } from '../version.js';

export const SYNC_LOCK = 'wangge-sync';

/** A whole request failed: `status` and the server's error body ({code, message, message_en, ...}). */
export class SyncError extends Error {
  constructor(status, body, message) {
    const code = body && typeof body === 'object' ? body.code ?? null : null;
    super(message ?? `${status} ${code}`);
    this.name = 'SyncError';
    this.status = status;
    this.body = body ?? {};
    this.code = code;
  }

  /** 401 auth_required / token_invalid / token_expired: sign in again; the data stays. */
  get needsLogin() {
    return this.status === 401 && ['auth_required', 'token_invalid', 'token_expired'].includes(this.code);
  }
}

/** The server revoked this device; the local store has already been wiped. */
export class DeviceRevoked extends SyncError {
  constructor(status, body) {
    super(status, body);
    this.name = 'DeviceRevoked';
  }
}

/** 426: the app is too old for the server. Stop syncing, keep everything, update the app. */
export class UpdateRequired extends SyncError {
  constructor(status, body) {
    super(status, body);
    this.name = 'UpdateRequired';
  }
}

/** The request did not get an answer (no network, timeout, connection dropped). Nothing is lost. */
export class Offline extends Error {
  constructor(cause) {
    super(`offline: ${cause?.message ?? cause}`);
    this.name = 'Offline';
    this.cause = cause;
  }
}

const pick = (change) => ({
  id: change.id, entity: change.entity, record_id: change.record_id, op: change.op, hlc: change.hlc,
  fields: change.fields, base: change.base,
});

/**
 * An engine on one store. Options (all optional):
 * - storage: a store of storage/db.js (default: the device's store)
 * - fetch: (url, init) => Promise<Response> (default globalThis.fetch)
 * - baseUrl: prefix of every path (default "": same origin)
 * - appVersion (default APP_VERSION), deviceName, pushBatch (200), pullLimit (server default),
 *   timeoutMs (60000 per request), wall (() => ms, the clock's wall time), useLocks (true: use the
 *   Web Locks API where present so the page and the service worker never sync at the same time)
 */
export function createEngine({
  storage = deviceStorage, fetch: fetchFn, baseUrl = '', appVersion = APP_VERSION, deviceName,
  pushBatch = 200, pullLimit, timeoutMs = 60000, wall = () => Date.now(), useLocks = true,
} = {}) {
  let base = baseUrl;
  let clock = null;
  let running = null;
  let again = false;
  const engine = { repairs: 0 };

  // -- clock -------------------------------------------------------------------------------
  // The device clock: node = device id, last value persisted in meta "hlc". Another context
  // (page/service worker) may have ticked it since, so the stored value is always taken in.
  function catchUp(stored) {
    if (stored && compareClocks(stored, clock.last) > 0) {
      const seen = parseClock(stored);
      clock.last = seen.node === clock.node ? seen : new Timestamp(seen.millis, seen.counter, clock.node);
    }
  }

  async function loadClock() {
    const deviceId = await storage.ensureDeviceId();
    if (!clock || clock.node !== deviceId) clock = new Clock(deviceId, wall);
    catchUp(await storage.getMeta('hlc'));
    return clock;
  }

  function tick(stored) {
    catchUp(stored);
    return clock.tick().toString();
  }

  // -- transport ---------------------------------------------------------------------------
  async function call(method, path, { body, raw, contentType, auth = true } = {}) {
    const headers = {
      'X-Wangge-Protocol': String(PROTOCOL_VERSION),
      'X-Wangge-App': appVersion,
    };
    if (body !== undefined || raw !== undefined) {
      headers['Content-Type'] = contentType ?? (raw !== undefined ? 'application/octet-stream' : 'application/json');
    }
    if (auth) headers.Authorization = `Bearer ${(await storage.getMeta('token')) ?? ''}`;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller && timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : null;
    let status;
    let text;
    try {
      const init = {
        method, headers, body: body !== undefined ? JSON.stringify(body) : raw, signal: controller?.signal,
      };
      // globalThis.fetch is called as a plain function of the global (never detached onto an object).
      const response = await (fetchFn ? fetchFn(`${base}${path}`, init) : globalThis.fetch(`${base}${path}`, init));
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw new Offline(err);
    } finally {
      if (timer) clearTimeout(timer);
    }
    let reply = null;
    try {
      reply = text ? JSON.parse(text) : null;
    } catch {
      reply = null;
    }
    if (status === 200) return reply;
    const code = reply && typeof reply === 'object' ? reply.code : null;
    if (code === 'device_revoked') {
      await storage.wipe();
      clock = null;
      throw new DeviceRevoked(status, reply);
    }
    if (code === 'update_required' || status === 426) throw new UpdateRequired(status, reply);
    const error = new SyncError(status, reply);
    if (auth && error.needsLogin) {
      // The token is dead (expired, password reset): forget it, keep everything else, and let the
      // sign-in screen say why. The outbox goes out after the next sign-in.
      await storage.setMeta('token', undefined);
      await storage.setMeta('session_ended', code);
    }
    throw error;
  }

  // -- session -----------------------------------------------------------------------------
  /**
   * Sign in: login(username, password) or login(baseUrl, username, password); an optional last
   * argument {deviceName}. Stores the token and user; keeps the replica, outbox and cursor.
   * The store must not be locked: a first sign-in makes its data key, wrapped under the password;
   * a later one re-wraps it under the password the server has just accepted.
   */
  engine.login = async (...args) => {
    if (args.length >= 3 && typeof args[2] === 'string') base = args.shift() ?? base;
    const [username, password, options = {}] = args;
    const deviceId = await storage.ensureDeviceId();
    const body = { username, password, device_id: deviceId };
    const name = options.deviceName ?? deviceName;
    if (name) body.device_name = name;
    const state = await storage.lockState();
    if (state === 'locked') throw new Locked();
    const reply = await call('POST', '/api/auth/login', { body, auth: false });
    if (state === 'none') await storage.createVault(password);
    else await storage.rewrapPassword(password);
    await storage.setMeta('session_ended', undefined);
    await storage.setMeta('token', reply.token);
    await storage.setMeta('user', reply.user);
    if (Number.isFinite(reply.server_time)) await storage.setMeta('server_time_offset', reply.server_time - Date.now());
    return reply;
  };

  /** Log out: this device's local data is erased, and the next sign-in is a new device. */
  engine.logout = async () => {
    await storage.wipe({ keepDeviceId: false });
    clock = null;
  };

  engine.user = () => storage.getMeta('user');
  engine.deviceId = () => storage.ensureDeviceId();
  engine.setBaseUrl = (url) => {
    base = url ?? '';
  };

  // -- local writes ------------------------------------------------------------------------
  /** Queue an upsert of `fields` on a record (a create if the id is new). Resolves to the change. */
  engine.createChange = async (entity, recordId, fields) => {
    await loadClock();
    return storage.enqueue({ entity, record_id: recordId, op: 'upsert', fields, tick });
  };

  /** A new record with a fresh UUIDv7 id; resolves to {id, change}. */
  engine.createRecord = async (entity, fields) => {
    const id = uuid7();
    return { id, change: await engine.createChange(entity, id, fields) };
  };

  /** Queue a delete (only resident_tag is deletable on the server). Resolves to the change. */
  engine.deleteRecord = async (entity, recordId) => {
    await loadClock();
    return storage.enqueue({ entity, record_id: recordId, op: 'delete', fields: {}, tick });
  };

  /** Fix a rejected change: a new change (new id and clock) with `fields` replaces it. */
  engine.replaceRejected = async (changeId, fields) => {
    await loadClock();
    return storage.replaceRejected(changeId, fields, tick);
  };

  // -- push --------------------------------------------------------------------------------
  /** Send the pending outbox in order, ≤ pushBatch per request. Resolves to every result. */
  engine.push = async () => {
    await loadClock();
    const results = [];
    for (;;) {
      const batch = await storage.outbox('pending', pushBatch);
      if (!batch.length) return results;
      const reply = await call('POST', '/api/sync/push', { body: { changes: batch.map(pick) } });
      if (!Array.isArray(reply?.results) || reply.results.length !== batch.length) {
        throw new SyncError(200, reply, 'push: the server did not answer every change');
      }
      catchUp(await storage.getMeta('hlc'));
      clock.observe(reply.hlc);
      // One result per change, in order: a result without a usable id (an unstored
      // invalid_request) still belongs to its change, so the outbox always shrinks.
      const answered = reply.results.map((result, i) => ({ ...result, id: result.id ?? batch[i].id }));
      await storage.resolvePushResults(answered, { hlc: clock.last.toString() });
      results.push(...reply.results);
    }
  };

  // -- blobs -------------------------------------------------------------------------------
  /**
   * Upload every photo not yet acknowledged. A refusal for good (4xx other than 401/426) marks
   * the photo refused (-1) and goes on; offline, 5xx, 401 and 426 stop here (photo kept at 0).
   */
  engine.uploadBlobs = async () => {
    let sent = 0;
    for (const sha256 of await storage.pendingBlobs()) {
      const stored = await storage.getBlob(sha256);
      if (!stored) continue;
      try {
        await call('PUT', `/api/blobs/${sha256}`, {
          raw: stored.blob, contentType: stored.type || 'application/octet-stream',
        });
      } catch (err) {
        if (!(err instanceof SyncError) || err.status >= 500 || err.status === 401 || err.status === 426) throw err;
        await storage.markBlob(sha256, -1);
        continue;
      }
      await storage.markBlob(sha256, 1);
      sent += 1;
    }
    return sent;
  };

  // -- pull --------------------------------------------------------------------------------
  /** The scope checksum of the replica (not the outbox overlay): {value, count}. */
  engine.checksum = async () => {
    const rows = await storage.replicaChecksumInputs();
    const hashes = [];
    for (let i = 0; i < rows.length; i += 256) {
      const chunk = rows.slice(i, i + 256);
      hashes.push(...(await Promise.all(chunk.map((r) => recordHash(r.entity, r.id, r.fields)))));
    }
    return combine(hashes);
  };

  /**
   * Pull until has_more is false, each page applied atomically; verify the checksum of the final
   * page and repair (re-download) up to twice. onProgress({pages, records, hasMore, repairs}) after
   * each page. Resolves to {pages, records, verified (true/false/null), repairs}.
   */
  engine.pull = async (onProgress) => {
    await loadClock();
    let pages = 0;
    let received = 0;
    let repairs = 0;
    let verified = null;
    // Start the download again from nothing (the outbox stays).
    const restart = async () => {
      repairs += 1;
      engine.repairs += 1;
      await storage.resetReplica();
    };
    for (;;) {
      const params = new URLSearchParams({ cursor: (await storage.getMeta('cursor')) ?? '' });
      if (pullLimit) params.set('limit', String(pullLimit));
      let reply;
      try {
        reply = await call('GET', `/api/sync/pull?${params}`);
      } catch (err) {
        // An undecodable cursor: discard the replica and the cursor and start again (protocol 7.5).
        if (err instanceof SyncError && err.code === 'cursor_invalid' && repairs < 2) {
          await restart();
          continue;
        }
        throw err;
      }
      catchUp(await storage.getMeta('hlc'));
      clock.observe(reply.hlc);
      await storage.applyPullPage({
        records: reply.records, drop: reply.drop ?? [], cursor: reply.cursor, hlc: clock.last.toString(),
      });
      pages += 1;
      received += reply.records.length;
      if (typeof onProgress === 'function') {
        try {
          onProgress({ pages, records: received, hasMore: Boolean(reply.has_more), repairs });
        } catch {
          // a progress display must not break the sync
        }
      }
      if (reply.has_more) continue;
      if (reply.checksum) {
        const local = await engine.checksum();
        verified = local.value === reply.checksum.value && local.count === reply.checksum.count;
        if (!verified && repairs < 2) {
          // Diverged: re-download the scope rather than live with a silent difference.
          await restart();
          continue;
        }
      }
      if (Number.isFinite(reply.server_time)) await storage.setMeta('server_time_offset', reply.server_time - Date.now());
      return { pages, records: received, verified, repairs };
    }
  };

  /** This device's writes that lost, after conflict id `after`: {items, last, has_more}. */
  engine.overwritten = (after = 0) => call('GET', `/api/sync/overwritten?after=${Number(after) || 0}`);

  // -- sync --------------------------------------------------------------------------------
  async function once(onProgress) {
    // Records go first: they sync even while their photos are still on the way.
    const pushed = await engine.push();
    const uploaded = await engine.uploadBlobs();
    const pulled = await engine.pull(onProgress);
    await storage.setMeta('last_sync', Date.now());
    return { pushed, uploaded, pulled };
  }

  async function exclusive(task) {
    const locks = useLocks ? globalThis.navigator?.locks : null;
    return locks?.request ? locks.request(SYNC_LOCK, task) : task();
  }

  /**
   * push → uploadBlobs → pull. Single flight: a call while a sync runs gets that sync's promise,
   * and the running sync goes round once more so what was queued meanwhile is sent too.
   */
  engine.sync = (onProgress) => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        return await exclusive(async () => {
          let result;
          let rounds = 0;
          do {
            again = false;
            rounds += 1;
            result = await once(onProgress);
          } while (again && rounds < 3);
          return result;
        });
      } finally {
        running = null;
        again = false;
      }
    })();
    return running;
  };

  engine.isSyncing = () => running !== null;

  return engine;
}

// -- the device's engine (the service worker's: the device's store, global fetch, same origin) --
export const deviceEngine = createEngine();
