// Only the app's own pages may change anything. A page on another website can make the worker's
// browser navigate to /app/... with a form POST, and the service worker (not the server) answers
// it from the phone's store: without this guard that POST would become a real change, synced with
// the worker as its author. The router calls refusal() before every non-GET handler.
//
// Two independent checks:
// 1. Where the request comes from. A service worker sees a cross-site request only as a
//    navigation (another site's fetch() goes to that site's worker, never to ours), and Chromium
//    puts the initiator's Origin on POST navigations in the FetchEvent's request, so a navigation
//    must carry our own Origin. Requests from the app's pages (htmx) reach the worker without an
//    Origin header, so there a missing Origin is accepted; a present one must still be ours, and a
//    Sec-Fetch-Site header, when a browser exposes it, must say same-origin.
// 2. A per-session form token: random, made when first needed and again at every sign-in and
//    sign-out, kept in the store's meta and in memory, written by respond() into every POST form
//    the worker renders (stampForms) and compared on every POST. Another site cannot read it.

import { t } from '../i18n/index.js';

export const TOKEN_FIELD = '_form_token';
export const CROSS_SITE = 'cross_site_refused';
export const TOKEN_INVALID = 'form_token_invalid';
const META_KEY = 'form_token';
const TOKEN_BYTES = 32;

// The messages of the refusal screen, by code (translated through the field app's catalogue).
export const MESSAGES = {
  [CROSS_SITE]: () => t('已拒绝：这次提交来自其他网站，没有保存任何内容。'),
  [TOKEN_INVALID]: () => t('表单已过期（可能已重新登录或退出），没有保存任何内容。请重新打开此页面后再提交。'),
};

// storage → Promise<token>: one value per store even when several screens render at once.
const tokens = new WeakMap();

function freshToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function loadOrMake(storage) {
  const stored = await storage.getMeta(META_KEY);
  if (typeof stored === 'string' && stored.length === TOKEN_BYTES * 2) return stored;
  const token = freshToken();
  await storage.setMeta(META_KEY, token);
  return token;
}

/** This session's form token (made and stored the first time it is asked for). */
export function formToken(storage) {
  if (!tokens.has(storage)) {
    const pending = loadOrMake(storage);
    tokens.set(storage, pending);
    pending.catch(() => tokens.delete(storage)); // a failed read is tried again next time
  }
  return tokens.get(storage);
}

/** A new form token (at sign-in and sign-out): forms rendered before no longer post. */
export async function renewFormToken(storage) {
  const token = freshToken();
  tokens.set(storage, Promise.resolve(token));
  await storage.setMeta(META_KEY, token);
  return token;
}

const FORM_TAG = /<form\b[^>]*>/gi;
const POSTS = /\bmethod\s*=\s*["']?post\b/i;

/**
 * `markup` with the token as a hidden input at the start of every POST form, followed by `more()`
 * (markup made anew for each form: onceforms.js's form id). Data in the views is escaped
 * (views/escape.js), so every literal "<form" here was written by the code.
 */
export function stampForms(markup, token, more = () => '') {
  const hidden = `<input type="hidden" name="${TOKEN_FIELD}" value="${token}">`;
  return String(markup).replace(FORM_TAG, (tag) => (POSTS.test(tag) ? tag + hidden + more() : tag));
}

function sameText(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Why a non-GET request must be refused: CROSS_SITE, TOKEN_INVALID, or null when it may go on.
 * The request's own URL gives the app's origin (the worker only routes its own origin's URLs).
 * Reads the body from a clone: the handler reads it again.
 */
export async function refusal(request, storage) {
  const own = new URL(request.url).origin;
  const origin = request.headers.get('Origin');
  const site = request.headers.get('Sec-Fetch-Site');
  if (origin !== null ? origin !== own : request.mode === 'navigate') return CROSS_SITE;
  if (site !== null && site !== 'same-origin') return CROSS_SITE;
  let sent = null;
  try {
    sent = (await request.clone().formData()).get(TOKEN_FIELD);
  } catch {
    // Not a form body (e.g. text/plain from another site's form): no token either.
  }
  if (typeof sent !== 'string' || !sameText(sent, await formToken(storage))) return TOKEN_INVALID;
  return null;
}
