// 巡查: report a finding (category, description, photos, GPS with accuracy, urgency) in under 30
// seconds, and 我的上报 with the status the community gave each one (the case steps sync back).

import {
  chinaDateTime, fieldError, flag, flash, html, label, locateInput, photoInput, screen,
} from './html.js';

/** Top categories (大类) with their sub-categories (小类), both in dictionary order. */
export function categoryTree(categories) {
  const bySort = (a, b) => (Number(a.fields.sort ?? 0) - Number(b.fields.sort ?? 0)) || String(a.id).localeCompare(String(b.id));
  const tops = categories.filter((c) => !c.fields.parent_id).sort(bySort);
  return tops.map((top) => ({ top, children: categories.filter((c) => c.fields.parent_id === top.id).sort(bySort) }));
}

function categorySelect(categories, current) {
  return html`<select name="category" required>
<option value="">请选择类别</option>
${categoryTree(categories).map(({ top, children }) => html`<optgroup label="${top.fields.name_zh}">
${children.length ? children.map((c) => html`<option value="${c.id}"${flag(current === c.id, 'selected')}>${c.fields.name_zh}</option>`) : ''}
<option value="${top.id}"${flag(current === top.id, 'selected')}>${children.length ? `其他${top.fields.name_zh}` : top.fields.name_zh}</option>
</optgroup>`)}
</select>`;
}

/** data: {categories: [finding_category], grids: [{id, name}], values, errors, message, role} */
export function patrolNewView(data) {
  const { categories = [], grids = [], values = {}, errors = {} } = data;
  const urgency = values.urgency || 'normal';
  return screen({
    title: '上报巡查发现',
    back: '/app/patrol',
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<form method="post" action="/app/patrol/new" enctype="multipart/form-data" class="form">
<label class="field"><span class="field-label">事件类别（大类/小类）<span class="req">*</span></span>${categorySelect(categories, values.category)}${fieldError(errors, 'category')}</label>
<label class="field"><span class="field-label">情况描述<span class="req">*</span></span><textarea name="description" rows="3" maxlength="2000" required placeholder="如：3号楼2单元门口电动车充电线私拉">${values.description || ''}</textarea>${fieldError(errors, 'description')}</label>
${photoInput({ name: 'photo', label: '现场照片' })}${fieldError(errors, 'photos')}
${locateInput(values)}
<label class="field"><span class="field-label">地点描述</span><input type="text" name="address" value="${values.address || ''}" maxlength="200" placeholder="如：5号楼东侧">${fieldError(errors, 'address')}</label>
<fieldset class="choices"><legend>紧急程度</legend>
${['normal', 'urgent', 'emergency'].map((u) => html`<label class="choice"><input type="radio" name="urgency" value="${u}"${flag(urgency === u, 'checked')}> ${label('urgency', u)}</label>`)}
${fieldError(errors, 'urgency')}</fieldset>
${grids.length > 1 ? html`<label class="field"><span class="field-label">所属网格</span><select name="grid_id">${grids.map((g) => html`<option value="${g.id}"${flag(values.grid_id === g.id, 'selected')}>${g.name}</option>`)}</select>${fieldError(errors, 'grid_id')}</label>`
    : html`<input type="hidden" name="grid_id" value="${grids[0]?.id || ''}">${fieldError(errors, 'grid_id')}`}
<button type="submit" class="btn btn-primary btn-big btn-block">提交上报</button>
</form>
</section>`,
  });
}

function stepItem(step) {
  const s = step.fields;
  const queued = step.pending ? html` <span class="badge badge-warn">待同步</span>` : '';
  // A chase (督办) leaves the stage as it is: show it as a reminder, not as a move.
  const what = s.kind === 'chase' ? '督办' : label('status', s.to_status);
  return html`<li><span class="muted">${chinaDateTime(s.at)}</span> ${what}${s.rating ? html` · 评价 ${'★'.repeat(s.rating)}${'☆'.repeat(5 - s.rating)}` : ''}${s.unit ? html` · ${s.unit}` : ''}${s.level ? html` · ${label('level', s.level)}级` : ''}${queued}${s.opinion ? html`<div>${s.opinion}</div>` : ''}</li>`;
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
    title: '我的上报',
    back: '/app/',
    refresh: '/app/patrol',
    body: html`${flash(data.message, data.messageKind)}
<section class="card"><a class="btn btn-primary btn-big btn-block" href="/app/patrol/new">＋ 上报巡查发现</a></section>
${findings.length === 0 ? html`<section class="card notice"><p>还没有上报记录。</p></section>` : html`<div class="findings">
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
<div class="finding-head"><span class="badge status-${status}">${label('status', status)}</span>
${rejected ? html`<a class="badge badge-danger" href="/app/sync">被退回，去修改</a>` : pending ? html`<span class="badge badge-warn">待同步</span>` : ''}
${queuedStep ? html`<span class="badge badge-warn">${label('status', queuedStep.fields.to_status)}（待同步）</span>` : ''}
${f.urgency && f.urgency !== 'normal' ? html`<span class="badge badge-danger">${label('urgency', f.urgency)}</span>` : ''}
${late ? html`<span class="badge badge-danger">已超期</span>` : ''}</div>
<div><strong>${parent ? `${parent.fields.name_zh} / ` : ''}${category?.fields?.name_zh || f.category}</strong></div>
<div>${f.description}</div>
<div class="muted">${chinaDateTime(f.reported_at)}${f.address ? ` · ${f.address}` : ''}${f.photos?.length ? ` · 照片 ${f.photos.length} 张` : ''}${f.accuracy != null && f.lat != null ? ` · 定位精度 ${Math.round(f.accuracy)} 米` : ''}</div>
${f.unit ? html`<div class="muted">处置单位：${f.unit}${f.deadline_at ? ` · 期限 ${chinaDateTime(f.deadline_at)}` : ''}</div>` : ''}
${checkIds.has(finding.id) ? html`<div class="check-prompt"><p>单位已反馈处置完成，请到现场核查。</p><a class="btn btn-primary btn-block" href="/app/patrol/${finding.id}/check">去核查</a></div>` : ''}
${history.length ? html`<details${flag(checkIds.has(finding.id), 'open')}><summary>处置进展（${history.length}）</summary><ol class="steps">${history.map(stepItem)}</ol></details>` : ''}
</article>`;
  })}
</div>`}`,
  });
}
