// The unified social credit code (统一社会信用代码, GB 32100), the same rules and codes as
// server/units/creditcode.py; both are checked against tests/vectors/creditcode.json.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// GB 32100: the weight of position i is 3**i mod 31.
const WEIGHTS = Array.from({ length: 17 }, (_, i) => { let w = 1; for (let k = 0; k < i; k += 1) w = (w * 3) % 31; return w; });
const SHAPE = new RegExp(`^[${ALPHABET}]{2}[0-9]{6}[${ALPHABET}]{10}$`);

export const CREDIT_MESSAGES = Object.freeze({
  credit_code_format: '统一社会信用代码应为18位（数字或大写字母，不含I、O、S、V、Z）',
  credit_code_checksum: '统一社会信用代码校验位错误，请核对',
});

/** The stored form: capitals, as printed on the business licence. */
export function normaliseCreditCode(value) {
  return String(value).trim().toUpperCase();
}

/** The 18th character GB 32100 derives from the first 17. */
export function creditCheckCharacter(first17) {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (total % 31)) % 31];
}

/** null for a valid code, else its error code. */
export function creditCodeError(value) {
  if (typeof value !== 'string') return 'credit_code_format';
  const code = normaliseCreditCode(value);
  if (code.length !== 18 || !SHAPE.test(code)) return 'credit_code_format';
  return creditCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'credit_code_checksum';
}
