// Caching policy: the app shell is precached with a revision per file (build.mjs injects the list
// through workbox-build's injectManifest), every cache name carries a version, and caches this
// version does not own are deleted on activate. The outbox and records live in IndexedDB, never in
// a cache, so nothing here can lose unsynced work.
import { setCacheNameDetails } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';

import { localizeShell } from '../i18n/index.js';
import { APP_NAME } from './views/screen.js';

// Bump to retire every runtime cache at the next activation (the precache retires itself by
// revision, entry by entry).
export const CACHE_VERSION = 'v1';
const PREFIX = 'wangge';

setCacheNameDetails({ prefix: PREFIX, precache: 'shell', runtime: 'runtime', suffix: CACHE_VERSION });

/** Versioned name for a runtime cache: runtimeCacheName('photos') → "wangge-photos-v1". */
export function runtimeCacheName(name) {
  return `${PREFIX}-${name}-${CACHE_VERSION}`;
}

export function setupPrecache() {
  cleanupOutdatedCaches();
  precacheAndRoute(self.__WB_MANIFEST, {
    // /app/ is a screen (home) answered by the router, not the bare shell file.
    directoryIndex: null,
    cleanURLs: false,
    // index.html asks for /app/app.js?v=<hash>: the ?v= only defeats HTTP caches before the
    // service worker is installed; the precache serves the file whatever its value.
    ignoreURLParametersMatching: [/^v$/, /^utm_/, /^fbclid$/],
  });
}

/** Delete caches of ours that this version does not use (older runtime caches, older precache). */
export async function deleteOldCaches() {
  const names = await caches.keys();
  await Promise.all(names
    .filter((name) => name.startsWith(`${PREFIX}-`) && !name.endsWith(`-${CACHE_VERSION}`))
    .map((name) => caches.delete(name)));
}

/** The precached app shell (index.html) as a Response, or undefined before precaching finished. */
export function appShell() {
  return matchPrecache('index.html');
}

/**
 * The app shell's HTML with `screenHtml` inside <main id="screen"> (replacing the <!--screen-->
 * marker) and, when given, the page title. For full-page answers to plain navigations; the caller
 * escapes what it puts in `screenHtml`. The shell's own texts follow the current language.
 */
export async function shellPage(screenHtml, { title } = {}) {
  const response = await appShell();
  if (!response) return null;
  let html = localizeShell(await response.text());
  html = html.replace('<!--screen-->', () => screenHtml);
  if (title) {
    html = html.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeText(title)} · ${APP_NAME}</title>`);
  }
  // The page is built here, not by the server: it carries the policy the server sent with the shell.
  const headers = { 'Content-Type': 'text/html; charset=utf-8' };
  const policy = response.headers.get('Content-Security-Policy');
  if (policy) headers['Content-Security-Policy'] = policy;
  return new Response(html, { headers });
}

function escapeText(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
