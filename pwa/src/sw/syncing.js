// When the service worker syncs, and what it tells the pages: one sync at a time (a request while
// one runs makes exactly one more run afterwards), Background Sync registered when the network is
// away, and every open page told the outcome so it can refresh its badge and screen.
//
// Messages to the pages: {type: 'SYNC_STATE', state: 'running'|'done'|'error', error?:
// 'offline'|'needs_login'|'locked'|'device_revoked'|'update_required'|'failed', message?, outbox,
// rejected, lastSync, user, lockMinutes} and, during long pulls, {type: 'SYNC_PROGRESS', pages, records, hasMore, repairs}.
import { DeviceRevoked, Offline, UpdateRequired, deviceEngine } from '../sync/engine.js';
import { Locked, storage } from '../storage/db.js';

export const SYNC_TAG = 'wangge-sync';

let running = null;
let again = false;

/** Run a sync now (or right after the one in progress). Resolves with the outcome message. */
export function requestSync(reason = 'request') {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      let outcome;
      do {
        again = false;
        outcome = await runOnce(reason);
      } while (again && outcome.state === 'done');
      return outcome;
    } finally {
      running = null;
    }
  })();
  return running;
}

async function runOnce(reason) {
  if (!storage.isUnlocked()) {
    // The token and the outbox are sealed: nothing can go out until the worker unlocks.
    return { type: 'SYNC_STATE', state: 'error', error: 'locked', ...(await status()) };
  }
  if (!(await storage.getMeta('token'))) {
    // Not signed in (or wiped): nothing to sync until the login screen has run.
    return { type: 'SYNC_STATE', state: 'error', error: 'needs_login', ...(await status()) };
  }
  await broadcast({ type: 'SYNC_STATE', state: 'running', reason });
  let outcome;
  try {
    // Long first pulls: the header shows "同步中 <records>" as each page lands.
    await deviceEngine.sync((progress) => broadcast({ type: 'SYNC_PROGRESS', ...progress }));
    outcome = { type: 'SYNC_STATE', state: 'done' };
  } catch (error) {
    outcome = { type: 'SYNC_STATE', state: 'error', error: errorName(error), message: String(error?.message ?? error) };
    if (error instanceof Offline) await registerBackgroundSync();
    else if (errorName(error) === 'failed') console.error('sync failed', error);
  }
  const message = { ...outcome, ...(await status()) };
  await broadcast(message);
  return message;
}

function errorName(error) {
  if (error instanceof Offline) return 'offline';
  if (error instanceof DeviceRevoked) return 'device_revoked';
  if (error instanceof UpdateRequired) return 'update_required';
  if (error?.needsLogin) return 'needs_login';
  if (error instanceof Locked) return 'locked';
  return 'failed';
}

/** What the header shows: pending and rejected outbox counts, last sync, who is logged in. */
export async function status() {
  try {
    const [pending, rejected, lastSync, lockMinutes] = await Promise.all([
      storage.outboxCount('pending'), storage.outboxCount('rejected'), storage.getMeta('last_sync'), storage.lockMinutes(),
    ]);
    // Who is signed in is sealed: unknown (null) while locked.
    const user = storage.isUnlocked() ? await storage.getMeta('user') : null;
    return { outbox: pending, rejected, lastSync: lastSync ?? null, user: user ?? null, lockMinutes };
  } catch (error) {
    console.error('status failed', error);
    return { outbox: null, rejected: null, lastSync: null, user: null, lockMinutes: null };
  }
}

export async function registerBackgroundSync() {
  try {
    if (self.registration.sync) await self.registration.sync.register(SYNC_TAG);
  } catch {
    // Not every browser has Background Sync; the pages sync again on 'online'.
  }
}

export async function broadcast(message) {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const page of pages) page.postMessage(message);
}
