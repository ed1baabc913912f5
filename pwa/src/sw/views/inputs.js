// Form pieces the views share: a field's error message, <option>s of a label table, and the inputs
// the page script acts on (photos, GPS).

import { t } from '../../i18n/index.js';
import { flag, html } from './escape.js';
import { codes, fieldMessage, label } from './labels.js';

/** The error message under a form field. */
export function fieldError(errors, name) {
  const code = errors && errors[name];
  if (!code) return '';
  return html`<span class="field-error" role="alert">${fieldMessage(code)}</span>`;
}

/** <option>s of a catalogue kind, with the current value selected and an optional empty first option. */
export function options(kind, current, { empty = null } = {}) {
  return html`${empty !== null ? html`<option value="">${empty}</option>` : ''}${codes(kind).map(
    (value) => html`<option value="${value}"${flag(String(current ?? '') === value, 'selected')}>${label(kind, value)}</option>`,
  )}`;
}

/** A photo picker: main.js downscales the chosen pictures to ≤1600 px JPEG before the form posts. */
export function photoInput({ name = 'photo', label: text = t('照片') } = {}) {
  return html`<label class="field"><span class="field-label">${t('{label}（可选，最多9张）', { label: text })}</span>
<input type="file" name="${name}" accept="image/*" multiple data-wangge-photo></label>`;
}

/**
 * The GPS button (main.js fills lat/lng/accuracy and writes the accuracy into the status). `auto`:
 * the page script starts locating as soon as the form opens (app/report_form.js), so the worker
 * taps nothing; saving never waits for it.
 */
export function locateInput(values = {}, { auto = false } = {}) {
  const located = values.lat !== undefined && values.lat !== null && values.lat !== '';
  return html`<div class="field"><span class="field-label">${t('位置')}</span>
<input type="hidden" name="lat" value="${values.lat ?? ''}"><input type="hidden" name="lng" value="${values.lng ?? ''}"><input type="hidden" name="accuracy" value="${values.accuracy ?? ''}">
<button type="button" class="btn btn-block" data-wangge-locate${flag(auto && !located, 'data-wangge-locate-auto')}>${t('获取当前位置（GPS）')}</button>
<span class="muted" data-wangge-locate-status aria-live="polite">${located ? t('已定位（精度约 {n} 米）', { n: Math.round(Number(values.accuracy) || 0) }) : t('未定位')}</span></div>`;
}
