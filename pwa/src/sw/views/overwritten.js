// The notices of overwritten edits ("你对 居民 张秀英 的「备注」修改被 王芳（…）的修改替换"): the
// list on the sync screen, each with its record's link and a 知道了 button, and the one-line
// banner on home. notice: {id, entity, record_id, field, at, by, what (words), href}.

import { chinaDateTime } from '../../core/time.js';
import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { fieldLabel } from './labels.js';

export function noticeText(n) {
  const parts = { what: n.what, field: fieldLabel(n.field) };
  return n.by
    ? t('你对 {what} 的「{field}」修改被 {who}（{time}）的修改替换', { ...parts, who: n.by, time: chinaDateTime(n.at) || t('时间不详') })
    : t('你对 {what} 的「{field}」修改被其他人的修改替换', parts);
}

function dismissForm(n, next) {
  return html`<form method="post" action="/app/sync/notices/${String(n.id)}/dismiss" class="notice-dismiss">
<input type="hidden" name="next" value="${next}">
<button type="submit" class="btn">${t('知道了')}</button></form>`;
}

// The sentence (a link to the record when the phone holds it) beside its 知道了 button.
function row(n, next) {
  return html`<p class="notice-text">${n.href ? html`<a href="${n.href}">${noticeText(n)}</a>` : noticeText(n)}</p>${dismissForm(n, next)}`;
}

/** The sync screen's card: every notice until dismissed. */
export function overwrittenList(notices = []) {
  if (!notices.length) return '';
  return html`<section class="card" id="overwritten">
<h2>${t('被替换的修改（{n}）', { n: notices.length })}</h2>
<p class="muted">${t('这些修改已被他人较新的修改替换，请打开记录核对，需要时重新修改。')}</p>
<ul class="list">${notices.map((n) => html`<li class="overwritten-notice">${row(n, '/app/sync')}</li>`)}</ul>
</section>`;
}

/** Home's banner: the newest notice in one sentence, and how many more wait on the sync screen. */
export function overwrittenBanner(notices = []) {
  if (!notices.length) return '';
  const [newest] = notices;
  return html`<section class="card notice overwritten-banner" role="status">
<div class="overwritten-notice">${row(newest, '/app/')}</div>
${notices.length > 1 ? html`<a class="notice-more" href="/app/sync#overwritten">${t('还有 {n} 条', { n: notices.length - 1 })}</a>` : ''}
</section>`;
}
