// Each drawn form saves once. A saved form can come back: Back restores the page with the filled
// form, a slow phone takes a double tap as two posts. Every POST form gets its own random id when
// it is drawn (stampOnce, called with the session token in reply.respond); the forms that create
// a record (ONCE_ROUTES) are saved only for an id not seen before. A second post with a used id
// saves nothing and shows the record the first one made, with a note.
//
// The ids used are kept in the store's meta (the service worker can be stopped between the two
// posts), the newest MAX_KEPT of them; a post still in flight is held in memory so a double tap
// waits for the first save and then answers as the duplicate.

import { t } from '../i18n/index.js';

export const ONCE_FIELD = '_once';
const META_KEY = 'once_forms';
const MAX_KEPT = 200;
const ID_BYTES = 12;

// Route name → the note shown when the same form comes again.
export const ONCE_ROUTES = {
  visit: () => t('这条走访已保存，没有重复记录。'),
  patrolNew: () => t('这条巡查上报已保存，没有重复上报。'),
  patrolCheck: () => t('这次核查已保存，没有重复提交。'),
  householdNew: () => t('这户已登记，没有重复登记。'),
  birth: () => t('这次出生登记已保存，没有重复登记。'),
  residentNew: () => t('这位居民已登记，没有重复登记。'),
  unitNew: () => t('这个单位已登记，没有重复登记。'),
  residentMoveOut: () => t('这次迁出已保存，没有重复提交。'),
  residentDeath: () => t('这次死亡登记已保存，没有重复提交。'),
};

function freshId() {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hidden input that names one drawn form. */
export function onceInput() {
  return `<input type="hidden" name="${ONCE_FIELD}" value="${freshId()}">`;
}

// storage → Map(form id → Promise<path | null>) of saves still running.
const inFlight = new WeakMap();

async function usedPath(storage, id) {
  const kept = (await storage.getMeta(META_KEY)) || [];
  const hit = kept.find((entry) => entry[0] === id);
  return hit ? hit[1] : null;
}

async function remember(storage, id, path) {
  const kept = ((await storage.getMeta(META_KEY)) || []).filter((entry) => entry[0] !== id);
  kept.push([id, path]);
  await storage.setMeta(META_KEY, kept.slice(-MAX_KEPT));
}

/** Where a successful answer leads: its replaced/pushed URL or its redirect. */
function destination(response) {
  if (!response || response.status >= 400) return null;
  return response.headers.get('HX-Replace-Url') || response.headers.get('HX-Push-Url') || response.headers.get('Location');
}

/**
 * Run `save()` (→ Response) for the form id `id` once. When the id was used before (or is being
 * saved right now) answers `duplicate(path)` instead, `path` being where the first save led.
 */
export async function saveOnce(storage, id, save, duplicate) {
  if (!id) return save();
  if (!inFlight.has(storage)) inFlight.set(storage, new Map());
  const running = inFlight.get(storage);
  if (running.has(id)) {
    const path = await running.get(id);
    return path ? duplicate(path) : save();
  }
  // Claimed before the first await, so a second tap arriving meanwhile waits for this one.
  let finish;
  running.set(id, new Promise((resolve) => { finish = resolve; }));
  let path = null;
  try {
    const earlier = await usedPath(storage, id);
    if (earlier) {
      path = earlier;
      return duplicate(earlier);
    }
    const response = await save();
    path = destination(response);
    if (path) await remember(storage, id, path);
    return response;
  } finally {
    running.delete(id);
    finish(path);
  }
}

/** The form id a request carries ('' when none), read from a clone: the handler reads the body. */
export async function onceId(request) {
  try {
    const value = (await request.clone().formData()).get(ONCE_FIELD);
    return typeof value === 'string' && /^[0-9a-f]{1,64}$/.test(value) ? value : '';
  } catch {
    return '';
  }
}
