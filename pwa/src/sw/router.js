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
import { setLanguage, t } from '../i18n/index.js';
import * as home from './features/home.js';
import * as household from './features/household.js';
import * as patrol from './features/patrol.js';
import * as resident from './features/resident.js';
import * as search from './features/search.js';
import * as session from './features/session.js';
import * as sync from './features/sync.js';
import * as visit from './features/visit.js';
import { MESSAGES, refusal } from './formguard.js';
import { isFragmentRequest, respond } from './reply.js';
import { loginView } from './views/login.js';
import { forbiddenView, refusedView } from './views/screen.js';

const ID = '([0-9a-zA-Z_-]{1,64})';

// Each feature's routes: [method, path (":id" for a record id), name, access, handler]. Access:
// 'any' = also logged out, 'patrol' = patrol volunteers too, 'field' = every role but patrol
// volunteers. A GET handler renders a fragment (ctx, call, extra) → string; a POST handler
// answers (ctx, call) → Response, and runs only after formguard.js accepted the request.
const ROUTES = [session, home, household, search, visit, resident, patrol, sync]
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
  const ctx = { ...deps, now, today: () => chinaToday(now()) };

  /** Response for a screen URL under /app/, or null when the URL is not a screen. */
  async function route(request) {
    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    if (!match) return null;
    const { route: r, params } = match;
    // The interface language of this answer (module state: one device, one setting).
    const [lang, user, token] = await Promise.all(['lang', 'user', 'token'].map((key) => ctx.storage.getMeta(key)));
    setLanguage(lang);
    // Before anything else a change must come from the app's own page (formguard.js).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const code = await refusal(request, ctx.storage);
      if (code) return respond(ctx, request, refusedView({ code, message: MESSAGES[code]() }), { status: 403 });
    }
    const loggedIn = Boolean(user && token);
    const call = { request, url, params, user: user || null };
    if (r.access !== 'any' && !loggedIn) {
      const fragment = loginView({ message: t('请先登录'), messageKind: 'warn' });
      if (isFragmentRequest(request)) return respond(ctx, request, fragment, { push: '/app/login' });
      return new Response(null, { status: 303, headers: { Location: '/app/login' } });
    }
    if (r.access === 'field' && user?.role === 'patrol_volunteer') {
      return respond(ctx, request, forbiddenView({ role: user.role }));
    }
    if (request.method === 'POST') return r.handler(ctx, call);
    return respond(ctx, request, await r.handler(ctx, call));
  }

  return { route };
}
