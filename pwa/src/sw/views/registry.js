// The registry kept true in the field: registering a household at an unregistered door, a resident
// moving out or dying, a birth, the household's status (空置/已拆除/已合并) and its lease. The rules
// are pwa/src/core/registry_rules.js, the twin of the server's.

import { leaseReminder } from '../../core/registry_rules.js';
import { t } from '../../i18n/index.js';
import { flag, html } from './escape.js';
import { fieldError, options } from './inputs.js';
import { address, label } from './labels.js';
import { flash, screen } from './screen.js';

/** "租约到期，请核实租户" with how far the lease end is; '' when there is nothing to remind. */
export function leaseNotice(days, leaseEnd, { badge = true } = {}) {
  if (days === null || days === undefined) return '';
  const when = days < 0 ? t('已过期 {n} 天', { n: -days }) : days === 0 ? t('今天到期') : t('{n} 天后到期', { n: days });
  return html`${badge ? html`<span class="badge badge-warn">${t('租约到期，请核实租户')}</span> ` : ''}<span class="muted">${t('租约到期日 {date}', { date: leaseEnd })} · <strong>${when}</strong></span>`;
}

/** Rented homes whose lease ends within 14 days or has ended, nearest first: [{id, address, leaseEnd, days}]. */
export function leaseReminders(households, buildingsById, today) {
  return households.map((h) => ({ h, days: leaseReminder(h, today) })).filter((l) => l.days !== null)
    .sort((a, b) => a.days - b.days)
    .map(({ h, days }) => ({ id: h.id, days, leaseEnd: h.fields.lease_end, address: address(buildingsById.get(h.fields.building_id), h) }));
}

/** The reminder card on the home and 待访 lists. */
export function leaseSection(leases) {
  if (!leases?.length) return '';
  return html`<section class="card notice">
<h2>${t('租约到期，请核实租户（{n}）', { n: leases.length })}</h2>
<ul class="list">${leases.map((l) => html`<li><a class="list-item" href="/app/households/${l.id}"><strong>${l.address}</strong><br>${leaseNotice(l.days, l.leaseEnd, { badge: false })}</a></li>`)}</ul>
</section>`;
}

const dateInput = (name, text, values, errors, { max = '', required = false } = {}) => html`<label class="field"><span class="field-label">${text}${required ? html`<span class="req">*</span>` : ''}</span><input type="date" name="${name}" value="${values[name] || ''}"${max ? html` max="${max}"` : ''}${flag(required, 'required')}>${fieldError(errors, name)}</label>`;
const textInput = (name, text, values, errors, max, { type = 'text', placeholder = '', required = false } = {}) => html`<label class="field"><span class="field-label">${text}${required ? html`<span class="req">*</span>` : ''}</span><input type="${type}" name="${name}" value="${values[name] || ''}" maxlength="${max}"${placeholder ? html` placeholder="${placeholder}"` : ''}${type === 'tel' ? html` inputmode="tel"` : ''}${flag(required, 'required')} autocomplete="off">${fieldError(errors, name)}</label>`;
const selectInput = (name, kind, text, values, errors, empty = null) => html`<label class="field"><span class="field-label">${text}</span><select name="${name}">${options(kind, values[name], { empty })}</select>${fieldError(errors, name)}</label>`;
const sexInput = (name, values, errors) => html`<fieldset class="choices"><legend>${t('性别')}<span class="req">*</span></legend>
${['male', 'female'].map((sex) => html`<label class="choice"><input type="radio" name="${name}" value="${sex}"${flag(values[name] === sex, 'checked')}> ${label('sex', sex)}</label>`)}
${fieldError(errors, name)}</fieldset>`;

/** The lease fields, shown for every use: the rules refuse a lease end on a home that is not rented. */
function leaseFields(values, errors) {
  return html`<fieldset class="choices"><legend>${t('出租房屋填写')}</legend>
${textInput('landlord_name', t('房东'), values, errors, 32)}
${textInput('landlord_phone', t('房东电话'), values, errors, 20, { type: 'tel' })}
${dateInput('lease_end', t('租约到期日'), values, errors)}
</fieldset>`;
}

/**
 * 登记住户 at an unregistered door: the household and its first resident (r.* fields).
 * data: {building, place: {unit, floor, room}, values, errors, today, message}
 */
export function householdNewView(data) {
  const { building, place, values = {}, errors = {} } = data;
  const where = address(building, place);
  const q = `building=${encodeURIComponent(building.id)}&unit=${place.unit}&floor=${place.floor}&room=${encodeURIComponent(place.room)}`;
  return screen({
    title: t('登记住户：{where}', { where }),
    back: `/app/buildings/${building.id}`,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<form method="post" action="/app/households/new?${q}" class="form">
<p><strong>${where}</strong> <span class="muted">${t('{unit}单元 · {floor}层 · {room}', place)}</span></p>
${selectInput('housing_use', 'housing_use', t('房屋用途'), { housing_use: values.housing_use || 'owner_occupied' }, errors)}
${selectInput('registration_status', 'registration_status', t('人户状态'), { registration_status: values.registration_status || 'consistent' }, errors)}
${textInput('contact_phone', t('联系电话'), values, errors, 20, { type: 'tel' })}
${leaseFields(values, errors)}
<h2>${t('第一位居民（可稍后再添加）')}</h2>
${textInput('r.name', t('姓名'), values, errors, 50)}
${sexInput('r.sex', values, errors)}
${dateInput('r.birth_date', t('出生日期'), values, errors, { max: data.today })}
${textInput('r.id_number', t('身份证号'), values, errors, 32)}
${textInput('r.phone', t('联系电话'), values, errors, 20, { type: 'tel' })}
${selectInput('r.relation', 'relation', t('与户主关系'), { 'r.relation': values['r.relation'] || 'head' }, errors)}
${selectInput('r.arrived_by', 'arrival', t('来由'), { 'r.arrived_by': values['r.arrived_by'] || 'move_in' }, errors)}
${dateInput('r.moved_in_on', t('迁入日期（迁入的填写）'), values, errors, { max: data.today })}
${textInput('r.moved_in_from', t('从何处迁入'), values, errors, 100, { placeholder: t('如：河南省周口市') })}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存住户')}</button>
<a class="btn btn-block" href="/app/buildings/${building.id}">${t('取消')}</a>
</form>
</section>`,
  });
}

/**
 * 迁出 or 死亡 of one resident. data: {how: 'move_out'|'death', resident, household, building,
 *   openTags: [names], values, errors, today, message}
 */
export function leaveView(data) {
  const { how, resident, household, building, values = {}, errors = {} } = data;
  const name = resident.fields.name;
  const death = how === 'death';
  return screen({
    title: death ? t('登记死亡：{name}', { name }) : t('迁出：{name}', { name }),
    back: `/app/households/${household.id}`,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<p class="muted">${address(building, household)}</p>
<form method="post" action="/app/residents/${resident.id}/${death ? 'death' : 'move-out'}" class="form">
${dateInput('moved_out_on', death ? t('死亡日期') : t('迁出日期'), values, errors, { max: data.today, required: true })}
${death ? '' : textInput('moved_out_to', t('迁往何处'), values, errors, 100, { placeholder: t('如：朝阳区某某小区') })}
${fieldError(errors, 'left_by')}
${death && data.openTags?.length ? html`<p class="muted">${t('以下关爱标签将于该日结束，不再提醒走访：{tags}', { tags: data.openTags.join(t('、')) })}</p>` : ''}
<p class="muted">${t('记录会保留在“已迁出”中，不会删除。')}</p>
<button type="submit" class="btn btn-primary btn-big btn-block">${death ? t('确认登记死亡') : t('确认迁出')}</button>
<a class="btn btn-block" href="/app/households/${household.id}">${t('取消')}</a>
</form>
</section>`,
  });
}

/**
 * 出生: a baby in this household. data: {household, building, mothers: [{tagId, name}], values, errors, today}
 */
export function birthView(data) {
  const { household, building, values = {}, errors = {}, mothers = [] } = data;
  const ending = values.end_tags ? new Set(values.end_tags) : new Set(mothers.map((m) => m.tagId));
  return screen({
    title: t('登记出生'),
    back: `/app/households/${household.id}`,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<p class="muted">${address(building, household)}</p>
<form method="post" action="/app/households/${household.id}/birth" class="form">
${textInput('name', t('姓名'), values, errors, 50, { required: true })}
${sexInput('sex', values, errors)}
${dateInput('birth_date', t('出生日期'), values, errors, { max: data.today, required: true })}
${fieldError(errors, 'moved_in_on')}
${mothers.length ? html`<fieldset class="choices"><legend>${t('孕产妇标签')}</legend>
${mothers.map((m) => html`<label class="choice"><input type="checkbox" name="end_tags" value="${m.tagId}"${flag(ending.has(m.tagId), 'checked')}> ${t('结束{name}的孕产妇标签', { name: m.name })}</label>`)}
</fieldset>` : ''}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存出生登记')}</button>
<a class="btn btn-block" href="/app/households/${household.id}">${t('取消')}</a>
</form>
</section>`,
  });
}

/**
 * 住户状态: in use, vacant, demolished or merged (with the household it joined), and the lease.
 * data: {household, building, candidates: [{id, address}], values, errors, message}
 */
export function householdStatusView(data) {
  const { household, building, values = {}, errors = {}, candidates = [] } = data;
  const state = values.state || 'active';
  const states = [['active', t('在住')], ['vacant', t('空置')], ['demolished', t('已拆除')], ['merged', t('已合并到其他住户')]];
  return screen({
    title: t('住户状态：{where}', { where: address(building, household) }),
    back: `/app/households/${household.id}`,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<form method="post" action="/app/households/${household.id}/status" class="form">
<fieldset class="choices"><legend>${t('住户状态')}</legend>
${states.map(([code, text]) => html`<label class="choice"><input type="radio" name="state" value="${code}"${flag(state === code, 'checked')}> ${text}</label>`)}
${fieldError(errors, 'status')}</fieldset>
<label class="field"><span class="field-label">${t('合并到的住户（选“已合并”时）')}</span><select name="merged_into_id">
<option value="">${t('请选择')}</option>${candidates.map((c) => html`<option value="${c.id}"${flag(values.merged_into_id === c.id, 'selected')}>${c.address}</option>`)}
</select>${fieldError(errors, 'merged_into_id')}</label>
${selectInput('housing_use', 'housing_use', t('房屋用途（在住时）'), { housing_use: values.housing_use }, errors)}
${leaseFields(values, errors)}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存')}</button>
<a class="btn btn-block" href="/app/households/${household.id}">${t('取消')}</a>
</form>
</section>`,
  });
}
