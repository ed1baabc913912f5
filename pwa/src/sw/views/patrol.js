// 巡查: report a finding (category, description, photos, GPS with accuracy, urgency) in under 30
// seconds, and 我的上报 with the status the community gave each one (the case steps sync back).

import { phrasesFor } from '../../core/hazard_phrases.js';
import { chinaDateTime } from '../../core/time.js';
import { dictText, language, t } from '../../i18n/index.js';
import { flag, html } from './escape.js';
import { fieldError, locateInput, photoInput } from './inputs.js';
import { codes, label } from './labels.js';
import { flash, screen } from './screen.js';

/** Top categories (大类) with their sub-categories (小类), both in dictionary order. */
export function categoryTree(categories) {
  const bySort = (a, b) => (Number(a.fields.sort ?? 0) - Number(b.fields.sort ?? 0)) || String(a.id).localeCompare(String(b.id));
  const tops = categories.filter((c) => !c.fields.parent_id).sort(bySort);
  return tops.map((top) => ({ top, children: categories.filter((c) => c.fields.parent_id === top.id).sort(bySort) }));
}

function categorySelect(categories, current) {
  return html`<select name="category" required data-wangge-phrase-select>
<option value="">${t('请选择类别')}</option>
${categoryTree(categories).map(({ top, children }) => html`<optgroup label="${dictText(top.fields)}">
${children.length ? children.map((c) => html`<option value="${c.id}"${flag(current === c.id, 'selected')}>${dictText(c.fields)}</option>`) : ''}
<option value="${top.id}"${flag(current === top.id, 'selected')}>${children.length ? t('其他{name}', { name: dictText(top.fields) }) : dictText(top.fields)}</option>
</optgroup>`)}
</select>`;
}

/**
 * The preset phrases of every offered category, each group shown only while its category is chosen
 * (the page script switches them; app/report_form.js). A tap writes the phrase into the description.
 */
function phraseGroups(categories, current) {
  const lang = language() === 'en' ? 'en' : 'zh';
  const groups = categories.map((c) => ({ code: c.id, phrases: phrasesFor(c.id, lang) })).filter((g) => g.phrases.length);
  if (!groups.length) return '';
  return html`<div class="field phrase-field"><span class="field-label">${t('常用描述（点一下填入）')}</span>
${groups.map((g) => html`<div class="phrases" data-phrases-for="${g.code}"${flag(g.code !== current, 'hidden')}>${g.phrases.map((p) => html`<button type="button" class="phrase" data-wangge-phrase="${p}">${p}</button>`)}</div>`)}
<p class="muted" data-phrases-none${flag(Boolean(current), 'hidden')}>${t('先选类别，这里会出现常用描述。')}</p></div>`;
}

/** The visit a case is made from (转为事件): where and who, carried as hidden fields. */
function fromVisit(values, errors, people = []) {
  if (!values.visit_id) return '';
  return html`${fieldError(errors, 'visit_id')}<input type="hidden" name="visit_id" value="${values.visit_id}">
${people.length ? html`<label class="field"><span class="field-label">${t('诉求人')}</span><select name="requester_id">
<option value="">${t('不记录诉求人')}</option>
${people.map((p) => html`<option value="${p.id}"${flag(values.requester_id === p.id, 'selected')}>${p.name}</option>`)}
</select>${fieldError(errors, 'requester_id')}</label>` : fieldError(errors, 'requester_id')}`;
}

/**
 * data: {categories: [finding_category], grids: [{id, name}], values, errors, message, role,
 *        visit: {householdId, where, people: [{id, name}]} when the case comes from a visit's need}
 */
export function patrolNewView(data) {
  const { categories = [], grids = [], values = {}, errors = {}, visit = null } = data;
  const urgency = values.urgency || 'normal';
  return screen({
    title: visit ? t('转为事件') : t('上报巡查发现'),
    back: visit ? `/app/households/${visit.householdId}` : '/app/patrol',
    body: html`${flash(data.message, data.messageKind || 'error')}
${visit ? html`<section class="card notice"><p>${t('把走访时居民提出的诉求登记为事件，社区受理后派给处置单位。')}</p>
<p class="muted">${visit.where}</p></section>` : ''}
<section class="card">
<form method="post" action="/app/patrol/new" enctype="multipart/form-data" class="form">
${fromVisit(values, errors, visit?.people)}
<label class="field"><span class="field-label">${t('事件类别（大类/小类）')}<span class="req">*</span></span>${categorySelect(categories, values.category)}${fieldError(errors, 'category')}</label>
${visit ? '' : phraseGroups(categories, values.category)}
<label class="field"><span class="field-label">${t('情况描述')}<span class="req">*</span></span><textarea name="description" rows="3" maxlength="2000" required placeholder="${t('如：3号楼2单元门口电动车充电线私拉')}">${values.description || ''}</textarea>${fieldError(errors, 'description')}</label>
${photoInput({ name: 'photo', label: t('现场照片') })}${fieldError(errors, 'photos')}
${locateInput(values, { auto: !visit })}
<label class="field"><span class="field-label">${t('地点描述')}</span><input type="text" name="address" value="${values.address || ''}" maxlength="200" placeholder="${t('如：5号楼东侧')}">${fieldError(errors, 'address')}</label>
<fieldset class="choices"><legend>${t('紧急程度')}</legend>
${codes('urgency').map((u) => html`<label class="choice"><input type="radio" name="urgency" value="${u}"${flag(urgency === u, 'checked')}> ${label('urgency', u)}</label>`)}
${fieldError(errors, 'urgency')}</fieldset>
${grids.length > 1 ? html`<label class="field"><span class="field-label">${t('所属网格')}</span><select name="grid_id">${grids.map((g) => html`<option value="${g.id}"${flag(values.grid_id === g.id, 'selected')}>${g.name}</option>`)}</select>${fieldError(errors, 'grid_id')}</label>`
    : html`<input type="hidden" name="grid_id" value="${grids[0]?.id || ''}">${fieldError(errors, 'grid_id')}`}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('提交上报')}</button>
</form>
</section>`,
  });
}

function stepItem(step) {
  const s = step.fields;
  const queued = step.pending ? html` <span class="badge badge-warn">${t('待同步')}</span>` : '';
  // A chase, a unit's progress or receipt, a 吹哨 leave the stage as it is: show what happened, not a
  // move. A unit's 接单 and the 回头看 do move it: show both the kind and where the case went.
  const kind = s.kind ? label('step_kind', s.kind) : '';
  const moves = s.kind === 'reopen' || (s.kind === 'receipt' && s.from_status && s.from_status !== s.to_status);
  const what = !s.kind ? label('case_status', s.to_status)
    : moves ? `${kind} → ${label('case_status', s.to_status)}` : kind;
  return html`<li><span class="muted">${chinaDateTime(s.at)}</span> ${what}${s.rating ? html` · ${t('评价')} ${'★'.repeat(s.rating)}${'☆'.repeat(5 - s.rating)}` : ''}${s.unit ? html` · ${s.unit}` : ''}${s.level ? html` · ${label('case_level', s.level)}` : ''}${queued}${s.opinion ? html`<div>${s.opinion}</div>` : ''}</li>`;
}

/**
 * data: {findings: [finding] newest first, steps: Map(findingId → [case_step] oldest first),
 *        categories: Map(code → record), pendingIds: Set, rejectedIds: Set,
 *        checkIds: Set (mine, handled by the unit, waiting for my check), message, role, now}
 */
export function patrolListView(data) {
  const {
    findings = [], steps = new Map(), categories = new Map(), pendingIds = new Set(), rejectedIds = new Set(), checkIds = new Set(),
  } = data;
  return screen({
    title: t('我的上报'),
    back: '/app/',
    refresh: '/app/patrol',
    body: html`${flash(data.message, data.messageKind)}
<section class="card"><a class="btn btn-primary btn-big btn-block" href="/app/patrol/new">＋ ${t('上报巡查发现')}</a></section>
${findings.length === 0 ? html`<section class="card notice"><p>${t('还没有上报记录。')}</p></section>` : html`<div class="findings">
${findings.map((finding) => {
    const f = finding.fields;
    const category = categories.get(f.category);
    const parent = category?.fields?.parent_id ? categories.get(category.fields.parent_id) : null;
    const history = steps.get(finding.id) || [];
    const queuedStep = history.filter((step) => step.pending).pop();
    const rejected = rejectedIds.has(finding.id);
    const pending = finding.pending || pendingIds.has(finding.id);
    const status = f.status || 'reported';
    const late = f.deadline_at && data.now && Date.parse(f.deadline_at) < data.now && ['dispatched', 'in_progress', 'extension_requested'].includes(status);
    return html`<article class="finding card">
<div class="finding-head"><span class="badge status-${status}">${label('case_status', status)}</span>
${rejected ? html`<a class="badge badge-danger" href="/app/sync">${t('未被接受，去处理')}</a>` : pending ? html`<span class="badge badge-warn">${t('待同步')}</span>` : ''}
${queuedStep ? html`<span class="badge badge-warn">${t('{status}（待同步）', { status: label('case_status', queuedStep.fields.to_status) })}</span>` : ''}
${f.urgency && f.urgency !== 'normal' ? html`<span class="badge badge-danger">${label('urgency', f.urgency)}</span>` : ''}
${late ? html`<span class="badge badge-danger">${t('已超期')}</span>` : ''}</div>
<div class="finding-number">${f.number ? html`${t('编号')} <strong>${f.number}</strong>` : html`<span class="muted">${t('编号待同步')}</span>`}${f.source === 'visit' ? html` · ${label('source', 'visit')}` : ''}${f.requester_name ? html` · ${t('诉求人：{name}', { name: f.requester_name })}` : ''}</div>
<div><strong>${parent ? `${dictText(parent.fields)} / ` : ''}${dictText(category?.fields) || f.category}</strong></div>
<div>${f.description}</div>
<div class="muted">${chinaDateTime(f.reported_at)}${f.address ? ` · ${f.address}` : ''}${f.photos?.length ? ` · ${t('照片 {n} 张', { n: f.photos.length })}` : ''}${f.accuracy != null && f.lat != null ? ` · ${t('定位精度 {n} 米', { n: Math.round(f.accuracy) })}` : ''}</div>
${f.unit ? html`<div class="muted">${t('处置单位：')}${f.unit}${f.deadline_at ? ` · ${t('期限 {date}', { date: chinaDateTime(f.deadline_at) })}` : status === 'dispatched' ? ` · ${t('待单位签收')}` : ''}</div>` : ''}
${checkIds.has(finding.id) ? html`<div class="check-prompt"><p>${t('单位已反馈处置完成，请到现场核查。')}</p><a class="btn btn-primary btn-block" href="/app/patrol/${finding.id}/check">${t('去核查')}</a></div>` : ''}
${history.length ? html`<details${flag(checkIds.has(finding.id), 'open')}><summary>${t('处置进展（{n}）', { n: history.length })}</summary><ol class="steps">${history.map(stepItem)}</ol></details>` : ''}
</article>`;
  })}
</div>`}`,
  });
}
