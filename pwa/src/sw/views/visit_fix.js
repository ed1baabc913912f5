// 退回的走访: the community sent a visit back with a comment; its visitor corrects it here.
// Only what a visitor recorded can change (method, outcome, notes, needs, follow-up date); the
// server marks it 重新提交 (resubmitted) when the correction arrives.

import { chinaDateTime } from '../../core/time.js';
import { t } from '../../i18n/index.js';
import { flag, html } from './escape.js';
import { fieldError } from './inputs.js';
import { codes, label } from './labels.js';
import { flash, screen } from './screen.js';

/** The review line shown under a visit: what the community said, and the fix link for its author. */
export function reviewNote(visit, user) {
  const v = visit.fields;
  if (!v.review_status) return '';
  const kind = v.review_status === 'returned' ? 'badge-danger' : v.review_status === 'reviewed' ? 'badge-ok' : 'badge-warn';
  const mine = user && v.visitor_id === user.id;
  return html`<div class="review"><span class="badge ${kind}">${label('review_status', v.review_status)}</span>
${v.review_comment ? html` <span>${t('社区意见：')}${v.review_comment}</span>` : ''}
${v.review_status === 'returned' && mine ? html`<a class="btn btn-small" href="/app/visits/${visit.id}/fix">${t('修改后重新提交')}</a>` : ''}</div>`;
}

/** data: {visit, household, where, values, errors, message, messageKind} */
export function visitFixView(data) {
  const { visit, values = {}, errors = {} } = data;
  const v = { ...visit.fields, ...values };
  return screen({
    title: t('修改退回的走访'),
    back: `/app/households/${visit.fields.household_id}`,
    body: html`${flash(data.message, data.messageKind)}
<section class="card notice">
<p><strong>${t('社区退回意见：')}</strong>${visit.fields.review_comment || t('（无）')}</p>
<p class="muted">${data.where || ''} · ${chinaDateTime(visit.fields.visited_at)}</p>
</section>
<section class="card">
<form method="post" action="/app/visits/${visit.id}/fix" class="form">
<fieldset class="choices"><legend>${t('走访方式')}</legend>
${codes('method').map((value) => html`<label class="choice"><input type="radio" name="method" value="${value}"${flag(v.method === value, 'checked')}> ${label('method', value)}</label>`)}
${fieldError(errors, 'method')}</fieldset>
<fieldset class="choices"><legend>${t('走访结果')}</legend>
${codes('outcome').map((value) => html`<label class="choice"><input type="radio" name="outcome" value="${value}"${flag(v.outcome === value, 'checked')}> ${label('outcome', value)}</label>`)}
${fieldError(errors, 'outcome')}</fieldset>
<label class="field"><span class="field-label">${t('备注')}</span><textarea name="notes" rows="3" maxlength="2000">${v.notes || ''}</textarea>${fieldError(errors, 'notes')}</label>
<label class="field"><span class="field-label">${t('诉求')}</span><textarea name="needs" rows="2" maxlength="2000">${v.needs || ''}</textarea>${fieldError(errors, 'needs')}</label>
<label class="field"><span class="field-label">${t('回访日期')}</span><input type="date" name="follow_up_on" value="${v.follow_up_on || ''}">${fieldError(errors, 'follow_up_on')}</label>
<button type="submit" class="btn btn-primary btn-block">${t('保存并重新提交')}</button>
<a class="btn btn-block" href="/app/households/${visit.fields.household_id}">${t('取消')}</a>
</form>
</section>`,
  });
}
