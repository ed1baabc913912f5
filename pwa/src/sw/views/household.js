// 住户: residents (ID and phone masked), care tags, visit history newest first, and the routine
// visit: tap 1 "在家，一切正常" opens the visit sheet preset to 入户 + 正常, tap 2 saves it.

import { maskIdNumber } from '../../core/idnumber.js';
import { chinaDateTime } from '../../core/time.js';
import { dictText, t } from '../../i18n/index.js';
import { ageText } from './dates.js';
import { flag, html } from './escape.js';
import { fieldError, photoInput } from './inputs.js';
import { address, codes, label, tagMark, tagName } from './labels.js';
import { leaseReminder } from '../../core/registry_rules.js';
import { leaseNotice } from './registry.js';
import { phoneLink } from './phone_link.js';
import { flash, screen } from './screen.js';
import { reviewNote } from './visit_fix.js';

function dueBadge(entry) {
  if (!entry) return '';
  if (entry.overdue) return html`<span class="badge badge-danger">${t('逾期 {n} 天', { n: -entry.days })}</span>`;
  if (entry.days === 0) return html`<span class="badge badge-warn">${t('今天到期')}</span>`;
  if (entry.days <= 7) return html`<span class="badge badge-warn">${t('{n} 天后到期', { n: entry.days })}</span>`;
  return html`<span class="badge">${t('下次走访 {date}', { date: entry.dueOn })}</span>`;
}

function detailSummary(tag, tagType) {
  const detail = tag.fields.detail || {};
  const specs = tagType?.fields?.detail_fields || [];
  const parts = [];
  for (const spec of specs) {
    const value = detail[spec.name];
    if (value === undefined || value === null || value === '') continue;
    let text = value;
    if (spec.type === 'bool') text = value ? t('是') : t('否');
    else if (spec.type === 'phone') text = phoneLink(value);
    else if (spec.type === 'choice') text = label(spec.name, value);
    parts.push(html`${parts.length ? t('；') : ''}${dictText(spec, 'label') || spec.name}${t('：')}${text}`);
  }
  return parts.length ? html`${parts}` : '';
}

function residentCard({ record, tags }, data) {
  const r = record.fields;
  const age = ageText(r.birth_date, data.today);
  const entry = data.care?.get(record.id);
  return html`<li class="resident">
<div class="resident-head"><strong class="resident-name">${r.name}</strong>
<span class="muted">${label('sex', r.sex)}${age ? ` · ${age}` : ''}${r.relation ? ` · ${label('relation', r.relation)}` : ''}${r.population_type && r.population_type !== 'registered' ? ` · ${label('population_type', r.population_type)}` : ''}</span>
${record.pending || data.pendingIds?.has(record.id) ? html`<span class="badge badge-warn">${t('待同步')}</span>` : ''}</div>
<div class="muted">${r.id_number ? html`${label('id_type', r.id_type || 'resident_id')} ${maskIdNumber(r.id_number)}` : ''}${r.id_number && r.phone ? ' · ' : ''}${r.phone ? phoneLink(r.phone, r.name) : ''}</div>
${tags.length ? html`<div class="tags">${tags.map((t) => html`<div class="tag tag-${t.fields.tag}"><span class="tag-mark">${tagMark(t.fields.tag, data.tagTypes?.get(t.fields.tag))}</span>${tagName(t.fields.tag, data.tagTypes)}${detailSummary(t, data.tagTypes?.get(t.fields.tag)) ? html` <span class="muted">${detailSummary(t, data.tagTypes?.get(t.fields.tag))}</span>` : ''}</div>`)}</div>` : ''}
${entry ? html`<div>${dueBadge(entry)}${entry.lastVisit ? html` <span class="muted">${t('上次走访 {date}', { date: entry.lastVisit })}</span>` : html` <span class="muted">${t('尚无走访记录')}</span>`}</div>` : ''}
${r.notes ? html`<p class="muted">${r.notes}</p>` : ''}
${r.arrived_by && r.arrived_by !== 'native' ? html`<p class="muted">${label('arrival', r.arrived_by)}${r.moved_in_on ? ` ${r.moved_in_on}` : ''}${r.moved_in_from ? html`${t('，来自')}${r.moved_in_from}` : ''}</p>` : ''}
<div class="btn-row">
<a class="btn btn-small" href="/app/residents/${record.id}/edit">${t('编辑')}</a>
<a class="btn btn-small" href="/app/residents/${record.id}/move-out">${t('迁出')}</a>
<a class="btn btn-small" href="/app/residents/${record.id}/death">${t('死亡')}</a>
</div>
</li>`;
}

/** A resident who left: how, when and where to (the record stays; it is never deleted). */
function movedItem(record) {
  const r = record.fields;
  const how = r.left_by ? label('departure', r.left_by) : t('迁出');
  return html`<li><a class="list-item" href="/app/residents/${record.id}/edit"><strong>${r.name}</strong> <span class="muted">${how} ${r.moved_out_on}${r.moved_out_to ? html`${t('，迁往')}${r.moved_out_to}` : ''}</span>
${r.arrived_by && r.arrived_by !== 'native' ? html`<span class="muted">${t('；')}${label('arrival', r.arrived_by)} ${r.moved_in_on || ''}</span>` : ''}</a></li>`;
}

/** A need's case: its number once it has one, or the button that makes the case (转为事件). */
function needCase(visit, data) {
  const finding = data.cases?.get(visit.id);
  if (finding) {
    return html`<div class="muted"><a href="/app/patrol">${t('已转为事件')}</a> · ${finding.fields.number || t('编号待同步')}</div>`;
  }
  if (data.user?.role === 'patrol_volunteer') return '';
  return html`<a class="btn btn-small" href="/app/visits/${visit.id}/case">${t('转为事件')}</a>`;
}

function visitItem(visit, data) {
  const v = visit.fields;
  const names = (v.resident_ids || []).map((id) => data.residentNames?.get(id)).filter(Boolean);
  return html`<li class="visit">
<div><strong>${chinaDateTime(v.visited_at)}</strong> ${label('method', v.method)} · <span class="outcome-${v.outcome}">${label('outcome', v.outcome)}</span>
${visit.pending || data.pendingIds?.has(visit.id) ? html`<span class="badge badge-warn">${t('待同步')}</span>` : ''}</div>
${names.length ? html`<div class="muted">${t('走访对象：')}${names.join(t('、'))}</div>` : ''}
${v.notes ? html`<div>${v.notes}</div>` : ''}
${v.needs ? html`<div>${t('诉求：')}${v.needs}</div>${needCase(visit, data)}` : ''}
${v.follow_up_on ? html`<div class="muted">${t('回访日期：')}${v.follow_up_on}</div>` : ''}
${v.photos?.length ? html`<div class="muted">${t('照片 {n} 张', { n: v.photos.length })}</div>` : ''}
${reviewNote(visit, data.user)}
</li>`;
}

// A household registered here whose people live elsewhere (户在人不在) or nobody at all (空挂户).
const NOBODY_HOME = new Set(['registered_absent', 'nominal']);

/**
 * Whether a listed resident lives at the door today, so "在家，一切正常" may say the worker saw them:
 * not gone (迁出/死亡, even when the date was not given) and not in a household whose people live
 * elsewhere.
 */
export function livesHere(resident, household, today) {
  const r = resident.fields;
  if (NOBODY_HOME.has(household.fields.registration_status)) return false;
  if (r.left_by && (!r.moved_out_on || r.moved_out_on <= today)) return false;
  return !r.moved_out_on || r.moved_out_on > today;
}

/** The visit sheet, preset to 入户 + 正常 and every resident living there: saving it is one tap. */
export function visitSheet(data) {
  const { household, current = [], values = {}, errors = {} } = data;
  const method = values.method || 'in_person';
  const outcome = values.outcome || 'normal';
  const chosen = values.resident_ids
    ? new Set(values.resident_ids)
    : new Set(current.filter((c) => livesHere(c.record, household, data.today)).map((c) => c.record.id));
  return html`<section class="card sheet" id="visit-sheet">
<form method="post" action="/app/households/${household.id}/visits" enctype="multipart/form-data" class="form">
<h2>${t('记录走访')}</h2>
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存走访')}</button>
<fieldset class="choices"><legend>${t('走访方式')}</legend>
${codes('method').map((value) => html`<label class="choice"><input type="radio" name="method" value="${value}"${flag(method === value, 'checked')}> ${label('method', value)}</label>`)}
${fieldError(errors, 'method')}</fieldset>
<fieldset class="choices"><legend>${t('走访结果')}</legend>
${codes('outcome').map((value) => html`<label class="choice"><input type="radio" name="outcome" value="${value}"${flag(outcome === value, 'checked')}> ${label('outcome', value)}</label>`)}
${fieldError(errors, 'outcome')}</fieldset>
${current.length ? html`<fieldset class="choices"><legend>${t('走访对象')}</legend>
${current.map((c) => html`<label class="choice"><input type="checkbox" name="resident_ids" value="${c.record.id}"${flag(chosen.has(c.record.id), 'checked')}> ${c.record.fields.name}</label>`)}
</fieldset>` : ''}
<details class="more"${flag(data.more || values.notes || values.needs || values.follow_up_on || Object.keys(errors).length, 'open')}><summary>${t('补充情况（可选）')}</summary>
<label class="field"><span class="field-label">${t('备注')}</span><textarea name="notes" rows="2" maxlength="2000">${values.notes || ''}</textarea>${fieldError(errors, 'notes')}</label>
<label class="field"><span class="field-label">${t('诉求')}</span><textarea name="needs" rows="2" maxlength="2000">${values.needs || ''}</textarea>${fieldError(errors, 'needs')}</label>
<label class="field"><span class="field-label">${t('回访日期')}</span><input type="date" name="follow_up_on" value="${values.follow_up_on || ''}">${fieldError(errors, 'follow_up_on')}</label>
${photoInput({ name: 'photo' })}${fieldError(errors, 'photos')}
</details>
<a class="btn btn-block" href="/app/households/${household.id}">${t('取消')}</a>
</form>
</section>`;
}

/**
 * data: {household, building, residents: [{record, tags: [resident_tag]}] (moved-out ones included),
 *        tagTypes: Map, visits (newest first), care: Map(residentId → care entry), pendingIds: Set,
 *        residentNames: Map, today, sheet: bool, values, errors, message}
 */
export function householdView(data) {
  const { household, building, residents = [], visits = [] } = data;
  const h = household.fields;
  const current = residents.filter((c) => !c.record.fields.moved_out_on || c.record.fields.moved_out_on > data.today);
  const moved = residents.filter((c) => !current.includes(c));
  const where = address(building, household);
  return screen({
    title: where || t('住户'),
    back: building ? `/app/buildings/${building.id}` : '/app/',
    body: html`${flash(data.message, data.messageKind)}
${data.openNeed && !data.sheet && data.user?.role !== 'patrol_volunteer' ? html`<section class="card notice need-prompt">
<p><strong>${t('走访记录了诉求：')}</strong>${data.openNeed.fields.needs}</p>
<p class="muted">${t('需要社区跟进的，转为事件后有人受理、有期限。')}</p>
<a class="btn btn-primary btn-block" href="/app/visits/${data.openNeed.id}/case">${t('转为事件')}</a></section>` : ''}
${data.sheet ? visitSheet({ ...data, current }) : html`<section class="card quick-visit">
<a class="btn btn-primary btn-big btn-block" href="/app/households/${household.id}/visit">${t('在家，一切正常')}</a>
<a class="btn btn-block" href="/app/households/${household.id}/visit?more=1">${t('其他走访情况')}</a>
</section>`}
${h.status === 'demolished' || h.status === 'merged' ? html`<section class="card notice-danger"><p><strong>${label('household_status', h.status)}</strong>${h.status === 'merged' && data.mergedInto ? html`${t('，并入 ')}<a href="/app/households/${h.merged_into_id}">${data.mergedInto}</a>` : ''}</p></section>` : ''}
${leaseReminder(household, data.today) !== null ? html`<section class="card notice">${leaseNotice(leaseReminder(household, data.today), h.lease_end)}</section>` : ''}
<section class="card">
<p>${label('housing_use', h.housing_use)} · ${label('registration_status', h.registration_status)}${h.contact_phone ? html` · ${phoneLink(h.contact_phone, t('联系人'))}` : ''}</p>
${h.housing_use === 'rented' && h.landlord_name ? html`<p class="muted">${t('房东：')}${h.landlord_name}${h.landlord_phone ? html` ${phoneLink(h.landlord_phone, h.landlord_name)}` : ''}</p>` : ''}
${h.housing_use === 'rented' && h.lease_end ? html`<p class="muted">${t('租约到期日 {date}', { date: h.lease_end })}</p>` : ''}
${h.notes ? html`<p class="muted">${h.notes}</p>` : ''}
</section>
<section class="card">
<h2>${t('居民（{n}）', { n: current.length })}</h2>
${current.length ? html`<ul class="list residents">${current.map((c) => residentCard(c, data))}</ul>` : html`<p class="muted">${t('暂无在住居民')}</p>`}
<a class="btn btn-block" href="/app/residents/new?household=${household.id}">＋ ${t('新增居民')}</a>
<div class="btn-row">
<a class="btn" href="/app/residents/new?household=${household.id}&arrival=move_in">${t('迁入')}</a>
<a class="btn" href="/app/households/${household.id}/birth">${t('出生')}</a>
<a class="btn" href="/app/households/${household.id}/status">${t('住户状态')}</a>
</div>
${moved.length ? html`<details class="moved-out"><summary>${t('已迁出（{n}）', { n: moved.length })}</summary><ul class="list">${moved.map((c) => movedItem(c.record))}</ul></details>` : ''}
</section>
<section class="card">
<h2>${t('走访记录（{n}）', { n: visits.length })}</h2>
${visits.length ? html`<ol class="list visits">${visits.slice(0, data.visitLimit || 50).map((v) => visitItem(v, data))}</ol>` : html`<p class="muted">${t('暂无走访记录')}</p>`}
</section>`,
  });
}
