// Requests as the page sends them to the service worker's router, for the node tests: htmx ones
// (header HX-Request, no Origin: what Chromium hands the worker for the page's own XHR) by default,
// plain navigations and form posts with htmx = false (a navigation, carrying the app's Origin).
// Form posts carry the form token the worker put in its forms: a world calls useFormToken() with
// its store's token (formguard.js), as the rendered form would.
import { formToken, TOKEN_FIELD } from '../../src/sw/formguard.js';

export const ORIGIN = 'http://127.0.0.1:5000';

let currentToken = null;

/** Later post()s carry `storage`'s form token. */
export async function useFormToken(storage) {
  currentToken = await formToken(storage);
  return currentToken;
}

export const get = (path, htmx = true) => new Request(`${ORIGIN}${path}`, { headers: htmx ? { 'HX-Request': 'true' } : {} });

/** A navigation's request: Request() cannot be built with mode 'navigate'. */
export function asNavigation(request) {
  Object.defineProperty(request, 'mode', { value: 'navigate' });
  return request;
}

/**
 * A form POST. options: token (default: the one from useFormToken; null leaves it out), headers
 * (added, e.g. Origin or Sec-Fetch-Site of an attack).
 */
export function post(path, entries, htmx = true, { token = currentToken, headers = {} } = {}) {
  const body = new FormData();
  for (const [k, v] of entries) body.append(k, v);
  if (token !== null) body.append(TOKEN_FIELD, token);
  const base = htmx ? { 'HX-Request': 'true' } : { Origin: ORIGIN };
  const request = new Request(`${ORIGIN}${path}`, { method: 'POST', body, headers: { ...base, ...headers } });
  return htmx ? request : asNavigation(request);
}
