// Beijing time for the field app: the one place that knows China is UTC+8 (no daylight saving
// since 1991, so a fixed offset is exact and needs no time-zone database on the phone).
//
// The wire carries instants as ISO 8601 UTC; people live in Beijing's calendar. "Today", a visit's
// day and every date a worker reads are Beijing dates, also between 00:00 and 08:00 when the UTC
// date is still yesterday's. Calendar dates are YYYY-MM-DD strings, which sort as dates.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

function millis(instant) {
  if (instant instanceof Date) return instant.getTime();
  return typeof instant === 'number' ? instant : Date.parse(instant);
}

// The instant's Beijing wall time as an ISO string ("YYYY-MM-DDTHH:MM:SS.sssZ" read as local).
function beijingISO(instant) {
  const ms = millis(instant);
  return Number.isFinite(ms) ? new Date(ms + BEIJING_OFFSET_MS).toISOString() : '';
}

/** YYYY-MM-DD of an instant (Date, ms or ISO datetime) in Beijing; '' when it is not a time. */
export function chinaDate(instant) {
  return beijingISO(instant).slice(0, 10);
}

/** "YYYY-MM-DD HH:MM" of an instant in Beijing; '' when it is not a time. */
export function chinaDateTime(instant) {
  const text = beijingISO(instant);
  return text && `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

/** Beijing's date now (or at `now`, ms or Date): the day the worker is living in. */
export function chinaToday(now = Date.now()) {
  return chinaDate(now);
}

/** ISO 8601 UTC to the second, as the server stores datetimes. */
export function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whole days from date a to date b (both YYYY-MM-DD): b - a. */
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The date `n` days after `day` (YYYY-MM-DD; n may be negative). */
export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days in a month of the Gregorian calendar (month 1-12). */
export function daysInMonth(year, month) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
