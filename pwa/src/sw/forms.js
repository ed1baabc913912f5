// Reading posted forms, checked as far as the phone can (the server checks everything again):
// trimmed text, real dates, the GPS fix, and where a form may send the worker next (a choice's code
// is checked against the catalogue with views/labels.js isCode).

import { daysInMonth } from '../core/time.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A text field, trimmed; '' when missing or a file. */
export function str(form, name) {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

function number(form, name, lo, hi) {
  const text = str(form, name);
  if (!text) return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= lo && value <= hi ? value : null;
}

/** Whether `text` is a real YYYY-MM-DD date with a year from 1900 to 2100 (protocol 10.1). */
export function isDate(text) {
  const m = DATE.exec(text || '');
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/**
 * The GPS fix the page script put in the hidden lat/lng/accuracy inputs: {lat, lng, accuracy?},
 * or {} when there is none or it is out of range (a fix needs both coordinates).
 */
export function readLocation(form) {
  const lat = number(form, 'lat', -90, 90);
  const lng = number(form, 'lng', -180, 180);
  if (lat === null || lng === null) return {};
  const accuracy = number(form, 'accuracy', 0, 100000);
  return accuracy === null ? { lat, lng } : { lat, lng, accuracy };
}

/** A form's `next` path when it is a screen of the app, else the home screen (no open redirect). */
export function safeNext(path) {
  return typeof path === 'string' && /^\/app\/[a-z/]*$/.test(path) ? path : '/app/';
}
