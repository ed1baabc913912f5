// The service worker's screen router: `route(request)` answers GET and POST /app/... screen URLs
// from IndexedDB (storage/db.js) through the views, or returns null for anything it does not know
// (the caller then lets the request go to the network).
//
// htmx requests (header HX-Request) get the fragment for <main id="screen">; plain navigations get
// the precached shell (index.html) with the fragment inside (precache.js shellPage). The URL
// table, the data loading and the POST handlers live in screens.js and actions.js; this file only
// wires the real modules in.
import * as engine from '../sync/engine.js';
import * as storage from '../storage/db.js';
import { shellPage } from './precache.js';
import { createRouter } from './screens.js';
import { registerBackgroundSync, requestSync } from './syncing.js';

const router = createRouter({
  storage,
  engine,
  shell: shellPage,
  requestSync,
  registerBackgroundSync,
  now: () => Date.now(),
});

/** Response for a screen URL under /app/, or null when the URL is not a screen. */
export async function route(request) {
  return router.route(request);
}
