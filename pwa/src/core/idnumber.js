// Chinese resident ID numbers (GB 11643), the same rules and codes as server/registry/validators.py.
//
// Checked against tests/vectors/idnumber.json, which tests/vectors/generate_idnumber.py writes from
// the Python reference, so the phone and the server judge a typed number the same way.
// Every check returns an error code (or null) instead of throwing: the form shows the message at once.

import { chinaToday, daysInMonth } from './time.js';

// GB 11643-1999: the weight of position i is 2**(17 - i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// ASCII digits only, like the Python [0-9] (a full-width digit must not pass).
const SHAPE = /^[0-9]{17}[0-9X]$/;

export const MESSAGES = Object.freeze({
  id_number_format: '身份证号应为18位（最后一位可为X）',
  id_number_checksum: '身份证号校验位错误，请核对',
  id_number_birth_date: '身份证号中的出生日期无效',
  id_number_birth_mismatch: '出生日期与身份证号不一致',
  id_number_sex_mismatch: '性别与身份证号不一致',
});

/** The stored form: people write the check character X in either case. */
export function normaliseIdNumber(value) {
  return String(value).toUpperCase();
}

/** The 18th character GB 11643 derives from the first 17 digits. */
export function checkDigit(first17) {
  if (typeof first17 !== 'string' || !/^[0-9]{17}$/.test(first17)) {
    throw new RangeError('checkDigit needs exactly 17 ASCII digits');
  }
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[total % 11];
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** YYYY-MM-DD of a real calendar date, or null (e.g. 1990-02-30). */
function realDate(year, month, day) {
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month) || year < 1) return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * null when `value` is a well-formed resident ID number, else the error code.
 * The date is checked before the checksum so a mistyped birth date gets the more specific message.
 * `today` (YYYY-MM-DD) defaults to Beijing's today; the screens pass their own clock's (tests pin it).
 */
export function validateIdNumber(value, { today } = {}) {
  if (typeof value !== 'string') return 'id_number_format';
  const number = normaliseIdNumber(value);
  if (!SHAPE.test(number)) return 'id_number_format';
  const birth = birthOf(number);
  if (birth === null || birth < '1900-01-01' || birth > (today || chinaToday())) return 'id_number_birth_date';
  if (checkDigit(number.slice(0, 17)) !== number[17]) return 'id_number_checksum';
  return null;
}

function birthOf(number) {
  return realDate(Number(number.slice(6, 10)), Number(number.slice(10, 12)), Number(number.slice(12, 14)));
}

/** {birthDate: 'YYYY-MM-DD', sex: 'male'|'female'} of a valid number, or null when it is not valid. */
export function idNumberFacts(value, options) {
  if (validateIdNumber(value, options) !== null) return null;
  const number = normaliseIdNumber(value);
  return { birthDate: birthOf(number), sex: Number(number.slice(14, 17)) % 2 ? 'male' : 'female' };
}

/**
 * {field: code} for the resident fields that contradict the ID number (check_id_number_against):
 * {id_number: code} when the number itself is invalid; a missing birth date or sex is no contradiction.
 */
export function checkIdNumberAgainst(idNumber, birthDate, sex, options) {
  const invalid = validateIdNumber(idNumber, options);
  if (invalid) return { id_number: invalid };
  const facts = idNumberFacts(idNumber, options);
  const errors = {};
  if (birthDate && birthDate !== facts.birthDate) errors.birth_date = 'id_number_birth_mismatch';
  if (sex && sex !== facts.sex) errors.sex = 'id_number_sex_mismatch';
  return errors;
}

/**
 * The resident form's check, as the server runs it on the merged record (protocol 10.8): only for
 * id_type resident_id (or unset) and a non-empty number. Returns {field: code}.
 */
export function checkResidentId({ id_type: idType, id_number: idNumber, birth_date: birthDate, sex }, options) {
  if ((idType && idType !== 'resident_id') || !idNumber) return {};
  return checkIdNumberAgainst(idNumber, birthDate || null, sex || null, options);
}

export function maskMiddle(text, keepHead, keepTail) {
  const chars = Array.from(text);
  const hidden = chars.length - keepHead - keepTail;
  return chars.slice(0, keepHead).join('') + '*'.repeat(Math.max(0, hidden))
    + chars.slice(chars.length - keepTail).join('');
}

/** A value that cannot be parsed: at most its last four characters, nothing when that is half of it. */
export function maskUnknown(text) {
  const length = Array.from(text).length;
  return length >= 8 ? maskMiddle(text, 0, 4) : '*'.repeat(length);
}

/**
 * `**************123X`: at most the last four characters. The first six (the area) and the middle
 * eight (the birth date, shown on the same screen) would give the number back.
 */
export function maskIdNumber(value) {
  if (!value) return '';
  return maskUnknown(normaliseIdNumber(value));
}
