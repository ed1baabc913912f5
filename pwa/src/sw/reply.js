// How a screen answers: htmx requests (header HX-Request) get the fragment for <main id="screen">;
// plain navigations get the precached shell (index.html) with the fragment inside; a form post
// answers with the screen it leads to (in place of the form's URL), or 422 with the form and its errors.
// Every POST form in an answer gets this session's form token here (formguard.js), so no view can
// leave it out.

import { formToken, stampForms } from './formguard.js';
import { onceInput } from './onceforms.js';
import { APP_NAME } from './views/screen.js';

const HTML_TYPE = 'text/html; charset=utf-8';
const TITLE = /^\s*<title>([\s\S]*?)<\/title>\s*/;
const APP_SUFFIX = new RegExp(` · ${APP_NAME}$`);
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };

function unescape(text) {
  return text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e]);
}

export function isFragmentRequest(request) {
  return request.headers.get('HX-Request') === 'true' && request.headers.get('HX-History-Restore-Request') !== 'true';
}

/**
 * A rendered screen as a Response: the fragment for htmx, the whole shell page (ctx.shell) for
 * navigations; null while the shell is not precached yet (the network answers then).
 * Options: status, push (the URL htmx shows: HX-Replace-Url for answers to POSTs, HX-Push-Url for
 * GETs), redirect (non-htmx POST → 303).
 */
export async function respond(ctx, request, screenHtml, { status = 200, push = null, redirect = null } = {}) {
  const fragment = stampForms(screenHtml, await formToken(ctx.storage), onceInput);
  if (isFragmentRequest(request)) {
    const headers = { 'Content-Type': HTML_TYPE, 'Cache-Control': 'no-store' };
    // The answer to a form replaces the form's history entry (post/redirect/get): Back then goes
    // to the screen before the form, not to the filled form again.
    if (push) headers[request.method === 'GET' ? 'HX-Push-Url' : 'HX-Replace-Url'] = push;
    return new Response(fragment, { status, headers });
  }
  if (redirect && request.method !== 'GET') {
    return new Response(null, { status: 303, headers: { Location: redirect } });
  }
  const m = TITLE.exec(fragment);
  const title = m ? unescape(m[1]).replace(APP_SUFFIX, '') : undefined;
  const page = await ctx.shell(m ? fragment.slice(m[0].length) : fragment, { title });
  if (!page) return null;
  if (status === 200) return page;
  return new Response(page.body, { status, headers: page.headers });
}

/** Render `screen` (a GET loader) for `path` as the answer to a POST (pushed as the new URL for htmx). */
export async function show(ctx, call, screen, path, extra = {}, { status = 200 } = {}) {
  const url = new URL(path, call.url);
  const m = /^\/app\/[a-z]+\/([^/?]+)/.exec(url.pathname);
  const params = m ? [m[1]] : [];
  const fragment = await screen(ctx, { ...call, url, params }, extra);
  return respond(ctx, call.request, fragment, { status, push: status === 200 ? path : null, redirect: status === 200 ? path : null });
}

/** The form's screen again, with `extra` (values, errors, message), as a 422. */
export async function invalid(ctx, call, screen, extra) {
  const fragment = await screen(ctx, call, extra);
  return respond(ctx, call.request, fragment, { status: 422 });
}

/** After a local write: ask for a background sync. */
export async function afterWrite(ctx) {
  try {
    await ctx.registerBackgroundSync?.();
  } catch {
    // Background Sync is a nicety: the page also syncs after every write and when back online.
  }
}
