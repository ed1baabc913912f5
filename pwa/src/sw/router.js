// The service worker's screen router: `createRouter(deps).route(request)` answers GET and POST
// /app/... screen URLs from IndexedDB through the feature modules (features/*.js, each holding
// its GET screens and POST actions), or returns null for anything it does not know (the caller
// then lets the request go to the network).
//
// createRouter(deps) is independent of the service worker globals so node tests can drive it
// with a fake-indexeddb store; index.js wires the real modules.
//
// deps: {storage (a store of storage/db.js), engine (an engine of sync/engine.js), shell(fragment, {title})
//        → Promise<Response|null> (the precached index.html with the fragment in <main id="screen">),
//        requestSync(reason) → Promise<outcome>, registerBackgroundSync(), now() → ms}

import { chinaToday } from '../core/time.js';
import { setLanguage } from '../i18n/index.js';
import * as home from './features/home.js';
import * as household from './features/household.js';
import * as lock from './features/lock.js';
import * as notices from './features/notices.js';
import * as patrol from './features/patrol.js';
import * as photo from './features/photo.js';
import * as registry from './features/registry.js';
import * as resident from './features/resident.js';
import * as search from './features/search.js';
import * as session from './features/session.js';
import * as sync from './features/sync.js';
import * as unit from './features/unit.js';
import * as visit from './features/visit.js';
import { MESSAGES, refusal } from './formguard.js';
import { ONCE_ROUTES, onceId, saveOnce } from './onceforms.js';
import { isFragmentRequest, respond } from './reply.js';
import { forbiddenView, refusedView } from './views/screen.js';

const ID = '([0-9a-zA-Z_-]{1,64})';

// Each feature's routes: [method, path (":id" for a record id), name, access, handler]. Access:
// 'locked' = also while the phone's data is locked (the lock's own screens), 'any' = also logged
// out, 'patrol' = patrol volunteers too, 'field' = every role but patrol volunteers. A GET handler
// renders a fragment (ctx, call, extra) → string (or answers a Response); a POST handler answers
// (ctx, call) → Response, and runs only after formguard.js accepted the request.
//
// While the store is locked every other route answers the unlock screen; after `lockMinutes`
// without a request or a page's ACTIVITY message (touch()) the store locks itself.
const ROUTES = [session, lock, home, registry, household, search, visit, resident, unit, patrol, photo, sync, notices]
  .flatMap((feature) => feature.routes)
  .map(([method, path, name, access, handler]) => ({
    method, path, pattern: new RegExp(`^${path.replace(':id', ID)}$`), name, access, handler,
  }));

/** [method, path, name] of every route (tests enumerate the POST routes from it). */
export function routeTable() {
  return ROUTES.map(({ method, path, name }) => [method, path, name]);
}

/** The route for a method and path: {route, params} or null. */
export function matchRoute(method, pathname) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

export function createRouter(deps) {
  const now = deps.now || (() => Date.now());
  let lastUse = now();
  const touch = () => {
    lastUse = now();
  };
  const ctx = { ...deps, now, touch, today: () => chinaToday(now()) };

  /** Lock the store when it has not been used for its idle delay; resolves to its lock state. */
  async function idleCheck() {
    const state = await ctx.storage.lockState();
    if (state !== 'open') return state;
    if (now() - lastUse < (await ctx.storage.lockMinutes()) * 60000) return state;
    ctx.storage.lock();
    return 'locked';
  }

  /** Response for a screen URL under /app/, or null when the URL is not a screen. */
  async function route(request) {
    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    if (!match) return null;
    const { route: r, params } = match;
    // The interface language of this answer (module state: one device, one setting).
    setLanguage(await ctx.storage.getMeta('lang'));
    // Before anything else a change must come from the app's own page (formguard.js); the form
    // token is not personal data, so this holds while the store is locked too (the PIN pad posts).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const code = await refusal(request, ctx.storage);
      if (code) return respond(ctx, request, refusedView({ code, message: MESSAGES[code]() }), { status: 403 });
    }
    const state = await idleCheck();
    if (state === 'locked' && r.access !== 'locked') return lock.lockedAnswer(ctx, request, url);
    if (state === 'open') touch();
    // No data key yet (never signed in, or wiped): nobody is signed in.
    const [user, token] = state === 'open' ? await Promise.all([ctx.storage.getMeta('user'), ctx.storage.getMeta('token')]) : [];
    const loggedIn = Boolean(user && token);
    const call = { request, url, params, user: user || null };
    if (r.access !== 'any' && r.access !== 'locked' && !loggedIn) {
      const fragment = await session.loginScreen(ctx, { user, url });
      if (isFragmentRequest(request)) return respond(ctx, request, fragment, { push: '/app/login' });
      return new Response(null, { status: 303, headers: { Location: '/app/login' } });
    }
    if (r.access === 'field' && user?.role === 'patrol_volunteer') {
      return respond(ctx, request, forbiddenView({ role: user.role }));
    }
    if (request.method === 'POST') {
      if (!ONCE_ROUTES[r.name]) return r.handler(ctx, call);
      return saveOnce(ctx.storage, await onceId(request), () => r.handler(ctx, call), (path) => alreadySaved(call, path, ONCE_ROUTES[r.name]()));
    }
    const answer = await r.handler(ctx, call);
    return answer instanceof Response ? answer : respond(ctx, request, answer);
  }

  /** The answer to a form saved before: the screen the first save led to, with `note`. */
  async function alreadySaved(call, path, note) {
    const url = new URL(path, call.url);
    const target = matchRoute('GET', url.pathname);
    if (!target) return new Response(null, { status: 303, headers: { Location: path } });
    const fragment = await target.route.handler(ctx, { ...call, url, params: target.params }, { message: note, messageKind: 'warn' });
    if (fragment instanceof Response) return fragment;
    return respond(ctx, call.request, fragment, { push: path, redirect: path });
  }

  return { route, touch, idleCheck };
}
