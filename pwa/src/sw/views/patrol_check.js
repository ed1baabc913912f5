// 核查: the unit has reported a case handled (已反馈); its reporter goes back, looks, and either
// passes it (已核查, the community then closes it) or sends it back to be handled again with what
// is still wrong. Written as a case step, like every move of a case, and synced when the phone can.

import { chinaDateTime } from '../../core/time.js';
import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { fieldError, photoInput } from './inputs.js';
import { flash, screen } from './screen.js';

/** A finding I reported that waits for my check: handled by the unit, no check of mine queued yet. */
export function isAwaitingCheck(finding, steps, userId) {
  return finding.fields.status === 'resolved' && finding.fields.reporter_id === userId
    && !(steps || []).some((s) => s.pending && s.fields.from_status === 'resolved');
}

/** The findings (with their steps grouped by finding) that wait for my check. */
export function awaitingCheck(findings, stepsBy, userId) {
  return findings.filter((f) => isAwaitingCheck(f, stepsBy.get(f.id), userId));
}

/**
 * Photos as thumbnails served by the service worker (features/photo.js); one not on the phone
 * and not reachable shows its alt text in the frame.
 */
export function photoStrip(shas, caption) {
  if (!shas?.length) return '';
  return html`<figure class="photo-strip"><figcaption>${caption}</figcaption><ul class="thumbs">
${shas.map((sha, i) => html`<li class="thumb thumb-large"><img src="/app/photos/${sha}" alt="${t('{what} {n}（联网后可见）', { what: caption, n: i + 1 })}" loading="lazy"></li>`)}
</ul></figure>`;
}

/** data: {finding, categoryName, feedback (the step to 已反馈, or null), values, errors, message, messageKind} */
export function patrolCheckView(data) {
  const { finding, feedback, values = {}, errors = {} } = data;
  const f = finding.fields;
  const back = feedback?.fields || {};
  return screen({
    title: t('核查处置结果'),
    back: '/app/patrol',
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<p><strong>${data.categoryName || f.category}</strong></p>
<p>${f.description}</p>
<p class="muted">${f.number ? `${f.number} · ` : ''}${chinaDateTime(f.reported_at)}${f.address ? ` · ${f.address}` : ''}</p>
${photoStrip(f.photos, t('上报时照片'))}
</section>
<section class="card notice">
<p><strong>${t('处置反馈')}</strong>${f.unit ? t('（{unit}）', { unit: f.unit }) : ''}${t('：')}${back.opinion || t('（未填写）')}</p>
<p class="muted">${back.at ? chinaDateTime(back.at) : ''}</p>
${back.photos?.length ? photoStrip(back.photos, t('处置后照片')) : html`<p class="muted">${t('单位没有附处置后照片。')}</p>`}
<p>${t('请到现场看一看，问题是否已经解决。')}</p>
</section>
<section class="card">
<form method="post" action="/app/patrol/${finding.id}/check" enctype="multipart/form-data" class="form">
<label class="field"><span class="field-label">${t('核查情况（未解决时必填）')}</span><textarea name="opinion" rows="3" maxlength="2000" placeholder="${t('如：线路已整改，现场无隐患')}">${values.opinion || ''}</textarea>${fieldError(errors, 'opinion')}</label>
${photoInput({ name: 'photo', label: t('核查照片') })}${fieldError(errors, 'photos')}
<button type="submit" name="result" value="verified" class="btn btn-primary btn-big btn-block">${t('已解决，核查通过')}</button>
<button type="submit" name="result" value="in_progress" class="btn btn-danger btn-block">${t('未解决，要求重新处置')}</button>
${fieldError(errors, 'result')}
</form>
</section>`,
  });
}
