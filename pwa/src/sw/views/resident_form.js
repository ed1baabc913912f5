// 居民 add and edit, with care tags whose detail fields come from the care_tag_type dictionary.
// The ID number is checked as it is typed: the input asks /app/residents/check-id (answered by the
// service worker with pwa/src/core/idnumber.js, the port of server/registry/validators.py).

import { checkResidentId, idNumberFacts, MESSAGES as ID_MESSAGES } from '../../core/idnumber.js';
import { dictText, t } from '../../i18n/index.js';
import { flag, html, raw } from './escape.js';
import { fieldError, options } from './inputs.js';
import { address, fieldMessage, label } from './labels.js';
import { flash, screen } from './screen.js';

/** The live ID check under the ID number input (also the answer of GET /app/residents/check-id). */
export function idCheck({ id_type: idType, id_number: idNumber, birth_date: birthDate, sex }, { today } = {}) {
  const number = String(idNumber || '').trim();
  if ((idType && idType !== 'resident_id') || !number) {
    return String(html`<span id="id-check" class="id-check" aria-live="polite"></span>`);
  }
  const errors = checkResidentId({ id_type: idType, id_number: number, birth_date: birthDate, sex }, { today });
  if (errors.id_number) {
    const partial = number.length < 18 && /^[0-9]*$/.test(number);
    return String(html`<span id="id-check" class="id-check ${partial ? 'muted' : 'field-error'}" aria-live="polite">${partial ? t('已输入 {n}/18 位', { n: number.length }) : t(ID_MESSAGES[errors.id_number])}</span>`);
  }
  const facts = idNumberFacts(number, { today });
  const problems = [errors.birth_date, errors.sex].filter(Boolean).map((code) => t(ID_MESSAGES[code]));
  return String(html`<span id="id-check" class="id-check id-ok" aria-live="polite">✓ ${t('身份证号有效：{date} 出生', { date: facts.birthDate })} · ${label('sex', facts.sex)}
${problems.map((p) => html`<span class="field-error">${p}</span>`)}
${problems.length || !birthDate || !sex ? html`<button type="button" class="btn btn-small" data-wangge-fill-birth="${facts.birthDate}" data-wangge-fill-sex="${facts.sex}">${t('按身份证号填入出生日期和性别')}</button>` : ''}</span>`);
}

function detailInput(code, spec, value, errors) {
  const name = `detail.${code}.${spec.name}`;
  const err = errors[`detail.${code}.${spec.name}`] || errors[`detail.${spec.name}`];
  const required = spec.required ? html`<span class="req">*</span>` : '';
  const message = err ? html`<span class="field-error" role="alert">${fieldMessage(err)}</span>` : '';
  const text = dictText(spec, 'label') || spec.name;
  if (spec.type === 'choice') {
    return html`<label class="field"><span class="field-label">${text}${required}</span><select name="${name}">
<option value="">${t('请选择')}</option>${(spec.choices || []).map((c) => html`<option value="${c}"${flag(String(value ?? '') === String(c), 'selected')}>${label(spec.name, c)}</option>`)}
</select>${message}</label>`;
  }
  if (spec.type === 'bool') {
    return html`<label class="choice"><input type="checkbox" name="${name}" value="true"${flag(value === true || value === 'true', 'checked')}> ${text}</label>${message}`;
  }
  const type = spec.type === 'date' ? 'date' : spec.type === 'phone' ? 'tel' : 'text';
  const max = spec.type === 'text' ? (spec.max || 100) : spec.type === 'phone' ? 20 : null;
  return html`<label class="field"><span class="field-label">${text}${required}</span><input type="${type}" name="${name}" value="${value ?? ''}"${max ? html` maxlength="${max}"` : ''}${spec.type === 'phone' ? ' inputmode="tel"' : ''}>${message}</label>`;
}

// Ticking a tag opens its detail fields (a one-line handler: the form also works without it).

function tagSection(tagTypes, chosen, details, errors) {
  return html`<fieldset class="tags-edit"><legend>${t('特殊人群标签')}</legend>
${tagTypes.map((type) => {
    const code = type.id;
    const on = chosen.has(code);
    const specs = type.fields.detail_fields || [];
    const detail = details[code] || {};
    return html`<div class="tag-edit">
<label class="choice"><input type="checkbox" name="tags" value="${code}"${flag(on, 'checked')}${specs.length ? html` data-wangge-tag-details` : ''}> ${dictText(type.fields)}</label>
${specs.length ? html`<details class="tag-details"${flag(on, 'open')}><summary>${t('{name}详情', { name: dictText(type.fields) })}</summary>
${specs.map((spec) => detailInput(code, spec, detail[spec.name], errors))}</details>` : ''}
</div>`;
  })}
</fieldset>`;
}

/**
 * data: {mode: 'new'|'edit', household, building, resident (record or null), values (form values),
 *        tagTypes: [care_tag_type record] sorted, chosenTags: Set(code), details: {code: {name: value}},
 *        errors: {field: code}, today, message}
 */
export function residentFormView(data) {
  const { mode, household, building, resident, values = {}, errors = {}, tagTypes = [] } = data;
  const action = mode === 'new' ? `/app/residents/new?household=${household.id}` : `/app/residents/${resident.id}/edit`;
  const title = mode === 'new' ? t('新增居民') : t('编辑居民：{name}', { name: values.name || '' });
  const where = address(building, household);
  const idType = values.id_type || 'resident_id';
  return screen({
    title,
    back: `/app/households/${household.id}`,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<p class="muted">${where}</p>
<form method="post" action="${action}" class="form">
<label class="field"><span class="field-label">${t('姓名')}<span class="req">*</span></span><input type="text" name="name" value="${values.name || ''}" maxlength="50" required autocomplete="off">${fieldError(errors, 'name')}</label>
<fieldset class="choices"><legend>${t('性别')}<span class="req">*</span></legend>
<label class="choice"><input type="radio" name="sex" value="male"${flag(values.sex === 'male', 'checked')}> ${label('sex', 'male')}</label>
<label class="choice"><input type="radio" name="sex" value="female"${flag(values.sex === 'female', 'checked')}> ${label('sex', 'female')}</label>
${fieldError(errors, 'sex')}</fieldset>
<label class="field"><span class="field-label">${t('证件类型')}</span><select name="id_type">${options('id_type', idType)}</select>${fieldError(errors, 'id_type')}</label>
<label class="field"><span class="field-label">${t('证件号码')}</span><input type="text" name="id_number" value="${values.id_number || ''}" maxlength="32" autocomplete="off" autocapitalize="characters" spellcheck="false"
 hx-get="/app/residents/check-id" hx-trigger="keyup changed delay:300ms, change" hx-target="#id-check" hx-swap="outerHTML" hx-include="closest form" hx-push-url="false" hx-sync="this:replace">
${fieldError(errors, 'id_number')}${raw(idCheck(values, { today: data.today }))}</label>
<label class="field"><span class="field-label">${t('出生日期')}</span><input type="date" name="birth_date" value="${values.birth_date || ''}" max="${data.today || ''}">${fieldError(errors, 'birth_date')}</label>
<label class="field"><span class="field-label">${t('联系电话')}</span><input type="tel" name="phone" value="${values.phone || ''}" inputmode="tel" maxlength="20">${fieldError(errors, 'phone')}</label>
<label class="field"><span class="field-label">${t('与户主关系')}</span><select name="relation">${options('relation', values.relation, { empty: t('请选择') })}</select>${fieldError(errors, 'relation')}</label>
<label class="field"><span class="field-label">${t('人口类型')}</span><select name="population_type">${options('population_type', values.population_type || 'registered')}</select>${fieldError(errors, 'population_type')}</label>
<label class="field"><span class="field-label">${t('居住证到期日（流动/境外人口）')}</span><input type="date" name="permit_expiry" value="${values.permit_expiry || ''}">${fieldError(errors, 'permit_expiry')}</label>
<label class="field"><span class="field-label">${t('民族')}</span><input type="text" name="ethnicity" value="${values.ethnicity || ''}" maxlength="16" placeholder="${t('如：汉族')}">${fieldError(errors, 'ethnicity')}</label>
<label class="field"><span class="field-label">${t('政治面貌')}</span><select name="political_status">${options('political_status', values.political_status, { empty: t('请选择') })}</select>${fieldError(errors, 'political_status')}</label>
${tagSection(tagTypes, data.chosenTags || new Set(), data.details || {}, errors)}
<label class="field"><span class="field-label">${t('备注')}</span><textarea name="notes" rows="2" maxlength="2000">${values.notes || ''}</textarea>${fieldError(errors, 'notes')}</label>
<fieldset class="choices"><legend>${t('来由')}</legend>
<select name="arrived_by">${options('arrival', values.arrived_by, { empty: t('请选择') })}</select>${fieldError(errors, 'arrived_by')}
<label class="field"><span class="field-label">${t('迁入日期')}</span><input type="date" name="moved_in_on" value="${values.moved_in_on || ''}" max="${data.today || ''}">${fieldError(errors, 'moved_in_on')}</label>
<label class="field"><span class="field-label">${t('从何处迁入')}</span><input type="text" name="moved_in_from" value="${values.moved_in_from || ''}" maxlength="100" placeholder="${t('如：河南省周口市')}">${fieldError(errors, 'moved_in_from')}</label>
</fieldset>
${mode === 'edit' ? html`<fieldset class="choices"><legend>${t('迁出或死亡（已离开时填写）')}</legend>
<select name="left_by">${options('departure', values.left_by, { empty: t('仍在住') })}</select>${fieldError(errors, 'left_by')}
<label class="field"><span class="field-label">${t('迁出或死亡日期')}</span><input type="date" name="moved_out_on" value="${values.moved_out_on || ''}" max="${data.today || ''}">${fieldError(errors, 'moved_out_on')}</label>
<label class="field"><span class="field-label">${t('迁往')}</span><input type="text" name="moved_out_to" value="${values.moved_out_to || ''}" maxlength="100">${fieldError(errors, 'moved_out_to')}</label>
</fieldset>` : ''}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存')}</button>
<a class="btn btn-block" href="/app/households/${household.id}">${t('取消')}</a>
</form>
</section>`,
  });
}
