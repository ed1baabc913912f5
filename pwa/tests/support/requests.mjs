// Requests as the page sends them to the service worker's router, for the node tests: htmx ones
// (header HX-Request) by default, plain navigations and form posts with htmx = false.
export const ORIGIN = 'http://127.0.0.1:5000';

export const get = (path, htmx = true) => new Request(`${ORIGIN}${path}`, { headers: htmx ? { 'HX-Request': 'true' } : {} });

export function post(path, entries, htmx = true) {
  const body = new FormData();
  for (const [k, v] of entries) body.append(k, v);
  return new Request(`${ORIGIN}${path}`, { method: 'POST', body, headers: htmx ? { 'HX-Request': 'true' } : {} });
}
