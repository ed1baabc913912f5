// The service worker's event wiring. What is cached lives in precache.js, what each screen URL
// answers in router.js (features/, views/), when to sync in syncing.js.
//
// Fetch order: the precache route (registered first) answers the shell's own files; every other
// same-origin request under /app/ goes to route(request), which answers from IndexedDB or returns
// null to let the request go to the network. /api/ and other origins are never touched.
import { registerRoute } from 'workbox-routing';

import { storage } from '../storage/db.js';
import { deviceEngine } from '../sync/engine.js';
import { deleteOldCaches, setupPrecache, shellPage } from './precache.js';
import { createRouter } from './router.js';
import {
  SYNC_TAG, backgroundSync, registerBackgroundSync, requestSync, setRetryScale, status,
} from './syncing.js';

const SCOPE_PATH = '/app/';

const { route, touch, idleCheck } = createRouter({
  storage, engine: deviceEngine, shell: shellPage, requestSync, registerBackgroundSync, now: () => Date.now(),
});

setupPrecache();

self.addEventListener('install', () => {
  // No skipWaiting here: a new version waits until the page asks (the "new version" banner), so
  // a screen is never served by two versions at once.
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await deleteOldCaches();
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = event.data?.type;
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (type === 'SYNC') {
    event.waitUntil(requestSync(event.data.reason ?? 'page'));
  } else if (type === 'ACTIVITY') {
    // The worker is typing or tapping on a screen: the idle lock waits.
    event.waitUntil(storage.lockState().then((state) => state === 'open' && touch()));
  } else if (type === 'RETRY_SCALE') {
    // Browser tests run the retry schedule with shorter time units (see app/main.js).
    event.waitUntil(setRetryScale(Number(event.data.scale)));
  } else if (type === 'STATUS') {
    event.waitUntil(status().then((body) => event.source?.postMessage({ type: 'STATUS', ...body })));
  }
});

// While the worker alive, the data key leaves memory once the idle delay has passed (a stopped
// worker has lost it already).
setInterval(() => {
  idleCheck().catch(() => {});
}, 30000);

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) {
    // Rejects while the server is unreachable: the browser retries the tag with its own backoff.
    event.waitUntil(backgroundSync());
  }
});

function isScreenRequest(url) {
  return url.origin === self.location.origin
    && url.pathname.startsWith(SCOPE_PATH)
    && url.pathname !== `${SCOPE_PATH}sw.js`;
}

async function handleScreen({ request }) {
  // route() may read a POST body; keep a copy for the network fall-through.
  const fallback = request.method === 'GET' ? request : request.clone();
  try {
    const response = await route(request);
    if (response) return response;
  } catch (error) {
    console.error('route failed', request.method, request.url, error);
    return errorResponse(request);
  }
  try {
    return await fetch(fallback);
  } catch (error) {
    if (request.mode === 'navigate') {
      const page = await shellPage('<p class="notice">离线：此页面暂不可用。<br>Offline: this page is not available.</p>');
      if (page) return page;
    }
    throw error;
  }
}

function errorResponse(request) {
  const body = '<div class="notice notice--error" role="alert">出错了，请返回重试。<br>Something went wrong, please go back and retry.</div>';
  if (request.headers.get('HX-Request') === 'true') {
    return new Response(body, { status: 500, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }
  return shellPage(body).then((page) => page ?? new Response(body, {
    status: 500, headers: { 'Content-Type': 'text/html; charset=utf-8' },
  }));
}

for (const method of ['GET', 'POST']) {
  registerRoute(({ url }) => isScreenRequest(url), handleScreen, method);
}
