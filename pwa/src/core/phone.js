// Phone numbers as server/registry/validators.py checks and masks them (vectors: tests/vectors/idnumber.json).

import { maskMiddle, maskUnknown } from './idnumber.js';

const MOBILE = /^1[3-9][0-9]{9}$/;
const LANDLINE = /^(0[0-9]{2,3})(-?)([0-9]{7,8})(?:-([0-9]{1,6}))?$/;

export const PHONE_MESSAGE = '电话号码格式不正确（手机11位，座机需带区号）';

/** null for a mobile (1[3-9] + 9 digits) or a landline with area code, else 'phone_format'. */
export function validatePhone(value) {
  if (typeof value !== 'string' || !(MOBILE.test(value) || LANDLINE.test(value))) return 'phone_format';
  return null;
}

/** `138****5678`, `010-****5678`: mobiles keep carrier prefix and tail, landlines area code and tail. */
export function maskPhone(value) {
  if (!value) return '';
  if (MOBILE.test(value)) return maskMiddle(value, 3, 4);
  const landline = LANDLINE.exec(value);
  if (landline) {
    let [, area, dash, local, extension] = landline;
    // Without a dash "0101234567" could be 010 + 7 digits or 0101 + 6: only Beijing (010) and the
    // 02x cities have three-digit area codes.
    if (!dash) {
      const digits = area + local;
      const cut = '12'.includes(digits[1]) ? 3 : 4;
      area = digits.slice(0, cut);
      local = digits.slice(cut);
    }
    return area + dash + maskMiddle(local, 0, 4) + (extension ? `-${extension}` : '');
  }
  return maskUnknown(value);
}
