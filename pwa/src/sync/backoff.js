// When the phone may try the server again. Pure functions over a small plain state object
// ({failures, lastAttemptAt, nextAt}, all numbers) so the service worker can keep it in IndexedDB
// and every caller (page timers in several tabs, `online` events, writes, Background Sync) goes
// through the same gate: a server that is down sees at most one attempt per backoff slot.
//
// The delay after the n-th failure in a row is "full jitter" (AWS architecture blog): uniform over
// [minGap, min(cap, base·2^(n-1))]. The jitter spreads the phones of a whole street that lost the
// server at the same moment; the floor keeps two attempts from ever landing closer than minGap.

export const RETRY_DEFAULTS = Object.freeze({
  base: 5000, // ms: the first wait's ceiling
  // ms: no wait longer than a minute, so the outbox empties within a minute of the server coming
  // back; at the cap a dead server still sees only about two attempts a minute per phone.
  cap: 60000,
  minGap: 5000, // ms: never two attempts closer than this, whoever asks
  probe: 60000, // ms: how often an open page checks while changes are pending and nothing failed
  eventWait: 60000, // ms: how long a Background Sync event may wait for its slot before giving up
});

/** Every time unit multiplied by `scale` (tests run the production schedule faster, not another one). */
export function scaled(settings = RETRY_DEFAULTS, scale = 1) {
  const factor = Number.isFinite(scale) && scale > 0 ? scale : 1;
  return Object.fromEntries(Object.entries(settings).map(([key, ms]) => [key, ms * factor]));
}

export function initialState() {
  return { failures: 0, lastAttemptAt: null, nextAt: 0 };
}

/** The wait after `failures` failures in a row; `random` in [0, 1). */
export function delayAfter(failures, settings = RETRY_DEFAULTS, random = Math.random) {
  const ceiling = Math.min(settings.cap, settings.base * 2 ** Math.max(0, failures - 1));
  const floor = Math.min(settings.minGap, ceiling);
  return floor + random() * (ceiling - floor);
}

// A person asked (the sync button, signing in): they get their attempt at once.
const ASKED = new Set(['button', 'login']);

/**
 * When a request for a sync with `reason` may run: `now` or later. A person's request runs now;
 * `online` (the phone's own network came back: a new situation, not the same dead server again)
 * only waits for the minimum gap; everything else waits for the backoff slot.
 */
export function allowedAt(state, reason, settings = RETRY_DEFAULTS, now = Date.now()) {
  if (ASKED.has(reason) || !state.failures) return now;
  // Every slot is at least minGap after the last attempt, so `online` only ever brings it closer.
  const slot = reason === 'online' ? (state.lastAttemptAt ?? -Infinity) + settings.minGap : state.nextAt;
  return Math.max(now, slot);
}

export function allows(state, reason, settings = RETRY_DEFAULTS, now = Date.now()) {
  return allowedAt(state, reason, settings, now) <= now;
}

/** The state after an attempt that could not reach the server (or got a 5xx). */
export function failed(state, settings = RETRY_DEFAULTS, now = Date.now(), random = Math.random) {
  const failures = state.failures + 1;
  return { failures, lastAttemptAt: now, nextAt: now + delayAfter(failures, settings, random) };
}

/** The state after the server answered: back to no waiting. */
export function succeeded(now = Date.now()) {
  return { failures: 0, lastAttemptAt: now, nextAt: 0 };
}

/**
 * When an open page should next ask (ms since the epoch), or null when nothing is pending: the
 * backoff slot while failing, otherwise a slow probe (a change can stay pending without a failure,
 * e.g. written while a sync was running on a server that then went away).
 */
export function nextWake(state, pending, settings = RETRY_DEFAULTS, now = Date.now()) {
  if (!pending) return null;
  if (state.failures) return Math.max(state.nextAt, now);
  return now + settings.probe;
}
