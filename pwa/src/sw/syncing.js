// When the service worker syncs, and what it tells the pages: one sync at a time (a write while
// one runs makes exactly one more run afterwards), never faster than the retry schedule of
// sync/backoff.js allows while the server is unreachable (the pages' timers, `online` events,
// writes and Background Sync all ask here, so several tabs never multiply the attempts), and
// every open page told the outcome so it can refresh its badge and screen.
//
// Background Sync is registered after a failed attempt outside a sync event, never inside one:
// registering the tag while its event runs makes Chromium fire it again at once, in a loop.
//
// Messages to the pages: {type: 'SYNC_STATE', state: 'running'|'done'|'error', error?:
// 'offline'|'needs_login'|'locked'|'device_revoked'|'update_required'|'failed', message?, outbox,
// rejected, lastSync, user, lockMinutes, retryAt} and, during long pulls, {type: 'SYNC_PROGRESS', pages, records, hasMore, repairs}.
// {type: 'RETRY', retryAt, outbox} when a request had to wait for its slot: the pages set their timers.
import {
  RETRY_DEFAULTS, allows, failed, initialState, nextWake, scaled, succeeded,
} from '../sync/backoff.js';
import { DeviceRevoked, Offline, UpdateRequired, deviceEngine } from '../sync/engine.js';
import { collectNotices } from '../sync/notices.js';
import { Locked, storage } from '../storage/db.js';

export const SYNC_TAG = 'wangge-sync';
// The schedule's state and the test scale, in a plain meta value (no personal data): a service
// worker the browser stopped and started again does not forget that the server was down.
const RETRY_META = 'retry';

let running = null;
let again = false;
let retry = null;
let inSyncEvent = 0;

async function retryState() {
  if (!retry) {
    const stored = await storage.getMeta(RETRY_META).catch(() => null);
    retry = { ...initialState(), scale: 1, ...(stored ?? {}) };
  }
  return retry;
}

async function saveRetry(next) {
  retry = { ...(await retryState()), ...next };
  await storage.setMeta(RETRY_META, retry).catch(() => {});
}

async function retrySettings() {
  return scaled(RETRY_DEFAULTS, (await retryState()).scale);
}

const MIN_SCALE = 0.1;

/** Test hook: run the production schedule with every time unit multiplied by `scale`. */
export async function setRetryScale(scale) {
  // Bounded: a page can only ever make the schedule up to ten times faster, never a tight loop.
  await saveRetry({ scale: Number.isFinite(scale) && scale >= MIN_SCALE && scale <= 1 ? scale : 1 });
}

// Reasons that carry new work: one more round if a sync is already running.
const NEW_WORK = new Set(['write', 'button', 'login', 'page']);

/**
 * Run a sync now (or join the one in progress), if the retry schedule allows `reason` now.
 * Resolves with the outcome message, or {state: 'waiting', retryAt} when it must wait.
 */
export async function requestSync(reason = 'request') {
  if (running) {
    if (NEW_WORK.has(reason)) again = true;
    return running;
  }
  const state = await retryState();
  if (running) return running; // another request started while the state was read
  if (!allows(state, reason, await retrySettings())) {
    const message = { type: 'RETRY', state: 'waiting', retryAt: state.nextAt, ...(await status()) };
    await broadcast(message);
    return message;
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
    await saveRetry(succeeded());
    // Not part of the sync's outcome: a server without the question must not make syncs fail.
    await collectNotices(deviceEngine, storage).catch((error) => console.warn('notices failed', error));
  } catch (error) {
    outcome = { type: 'SYNC_STATE', state: 'error', error: errorName(error), message: String(error?.message ?? error) };
    if (unreachable(error)) {
      await saveRetry(failed(await retryState(), await retrySettings()));
      // Wakes the app later when no page is open (where allowed); never from inside the event.
      if (!inSyncEvent) await registerBackgroundSync();
    } else if (outcome.error === 'failed') {
      console.error('sync failed', error);
    }
  }
  const message = { ...outcome, ...(await status()) };
  await broadcast(message);
  return message;
}

/** No answer, or a server answering 5xx while it comes back: worth trying again later. */
function unreachable(error) {
  return error instanceof Offline || (errorName(error) === 'failed' && error?.status >= 500);
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
    const retryAt = nextWake(await retryState(), pending, await retrySettings());
    return { outbox: pending, rejected, lastSync: lastSync ?? null, user: user ?? null, lockMinutes, retryAt };
  } catch (error) {
    console.error('status failed', error);
    return { outbox: null, rejected: null, lastSync: null, user: null, lockMinutes: null, retryAt: null };
  }
}

export async function registerBackgroundSync() {
  if (inSyncEvent) return;
  try {
    if (self.registration.sync) await self.registration.sync.register(SYNC_TAG);
  } catch {
    // Not every browser has Background Sync; the pages sync again on 'online'.
  }
}

/**
 * The `sync` event of Background Sync: wait for the schedule's slot (if it comes within the
 * event's allowance), try once, and reject while the server is still unreachable, so the browser
 * retries with its own backoff. Rejecting (rather than resolving and relying on the pages' timers)
 * is what keeps a phone with no page open trying at all; the browser's backoff (minutes) is slower
 * than ours, and every attempt still passes the same gate, so nothing runs faster than the schedule.
 */
export async function backgroundSync() {
  inSyncEvent += 1;
  try {
    const settings = await retrySettings();
    const wait = (await retryState()).nextAt - Date.now();
    if (wait > settings.eventWait) throw new Error('backing off: the next slot is later');
    if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, wait); });
    const outcome = await requestSync('background-sync');
    if (outcome.state === 'waiting' || (outcome.state === 'error' && ['offline', 'failed'].includes(outcome.error))) {
      throw new Error(`server unreachable: ${outcome.error ?? outcome.state}`);
    }
  } finally {
    inSyncEvent -= 1;
  }
}

export async function broadcast(message) {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const page of pages) page.postMessage(message);
}
