// Dates as a screen shows them: ages. Beijing dates and times themselves come from core/time.js.

import { t } from '../../i18n/index.js';

/** Age in whole years on `today` (YYYY-MM-DD), or null. */
function ageOn(birthDate, today) {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - ((tm < bm || (tm === bm && td < bd)) ? 1 : 0);
}

/** "86岁", "不满1岁", or '' when the birth date is unknown. */
export function ageText(birthDate, today) {
  const age = ageOn(birthDate, today);
  if (age === null || age < 0) return '';
  return age === 0 ? t('不满1岁') : t('{age}岁', { age });
}
