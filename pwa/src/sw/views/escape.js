// Escaping for the service worker's screens: the `html` template tag and the helpers around it.
//
// Every interpolated value is escaped unless it is wrapped in raw() or is itself the result of
// html`...` (already safe). Views never concatenate strings into HTML by hand.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** Markup that is already safe (the output of html`...`, or a constant the code wrote). */
export class SafeHtml {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

/** Mark a trusted string as HTML. Never call it on data. */
export function raw(text) {
  return text instanceof SafeHtml ? text : new SafeHtml(String(text ?? ''));
}

function interpolate(value) {
  if (value instanceof SafeHtml) return value.text;
  if (value === null || value === undefined || value === false || value === true) return '';
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(value);
}

/** Tagged template: html`<p>${name}</p>` escapes `name`; arrays are joined; null, undefined, booleans vanish. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i += 1) out += interpolate(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** `flag(cond, 'checked')`: a boolean attribute when cond holds. */
export function flag(condition, name) {
  return condition ? raw(` ${name}`) : raw('');
}
