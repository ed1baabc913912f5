// Tap-to-call: a phone number the worker may see, shown masked (the screen can be seen over a
// shoulder) but dialled in full. The number stays on the device: a tel: link opens the dialler and
// is never requested from a server.

import { maskPhone } from '../../core/phone.js';
import { t } from '../../i18n/index.js';
import { html } from './escape.js';

// What a dialler accepts; a number the phone holds only masked (or malformed) is shown, not linked.
const DIALLABLE = /^\+?[0-9][0-9-]{4,19}$/;

/** `☎ 138****5678` as a call link (class tel: at least 44 px), or the masked text alone. */
export function phoneLink(number, who = '') {
  const value = String(number || '').trim();
  if (!value) return '';
  if (!DIALLABLE.test(value)) return html`<span class="tel-text">☎ ${maskPhone(value)}</span>`;
  const name = who ? t('拨打{who}的电话', { who }) : t('拨打电话');
  return html`<a class="tel" href="tel:${value.replace(/-/g, '')}" aria-label="${name}">☎ ${maskPhone(value)}</a>`;
}
