// 实有单位 on the phone: the list under a building's door grid, one unit's screen, and its add/edit
// form (checked with the same rules as the server: core/creditcode.js, core/phone.js).

import { t } from '../../i18n/index.js';
import { flag, html } from './escape.js';
import { fieldError, options } from './inputs.js';
import { label } from './labels.js';
import { flash, screen } from './screen.js';

const byRoom = (a, b) => String(a.fields.room ?? '').localeCompare(String(b.fields.room ?? ''), 'zh')
  || String(a.fields.name ?? '').localeCompare(String(b.fields.name ?? ''), 'zh');

/** The building's units, under its door grid: name, kind and door, each a link to the unit. */
export function unitsSection(building, units = []) {
  return html`<section class="card units" aria-label="${t('实有单位')}">
<h2 class="section-title">${t('实有单位（{n}）', { n: units.length })}</h2>
${units.length ? html`<ul class="list">${units.slice().sort(byRoom).map((u) => html`<li><a class="list-item" href="/app/units/${u.id}"><strong>${u.fields.name}</strong> <span class="muted">${label('unit_kind', u.fields.kind)}${u.fields.room ? ` · ${u.fields.room}` : ''}${u.fields.status === 'closed' ? ` · ${label('unit_status', 'closed')}` : ''}</span></a></li>`)}</ul>`
    : html`<p class="muted">${t('本楼尚未登记单位。')}</p>`}
<a class="btn btn-block" href="/app/buildings/${building.id}/units/new">${t('＋ 登记单位')}</a>
</section>`;
}

function buildingText(building) {
  const b = building?.fields || {};
  return `${b.estate || ''}${b.number ? t('{number}号楼', { number: b.number }) : (b.name || '')}`;
}

/** data: {unit, building, message} */
export function unitView({ unit, building, message }) {
  const u = unit.fields;
  const row = (name, value) => (value === null || value === undefined || value === '' ? '' : html`<dt>${name}</dt><dd>${value}</dd>`);
  return screen({
    title: u.name,
    back: `/app/buildings/${u.building_id}`,
    body: html`${flash(message)}
<section class="card">
<dl class="facts">
${row(t('类型'), label('unit_kind', u.kind))}
${row(t('地址'), `${buildingText(building)} ${u.room || ''}`.trim())}
${row(t('统一社会信用代码'), u.credit_code)}
${row(t('联系人'), u.contact_name)}
${row(t('联系电话'), u.contact_phone)}
${row(t('从业人数'), u.employees)}
${row(t('状态'), label('unit_status', u.status || 'open'))}
${row(t('处置单位'), u.handles_cases ? t('是') : '')}
${row(t('备注'), u.notes)}
</dl>
${u.contact_phone ? html`<a class="btn btn-block" href="tel:${u.contact_phone}">${t('拨打电话')}</a>` : ''}
<a class="btn btn-primary btn-block" href="/app/units/${unit.id}/edit">${t('编辑')}</a>
</section>`,
  });
}

/** data: {mode: 'new'|'edit', building, unit (or null), values, errors, message, messageKind} */
export function unitFormView(data) {
  const { mode, building, unit, values = {}, errors = {} } = data;
  const action = mode === 'new' ? `/app/buildings/${building.id}/units/new` : `/app/units/${unit.id}/edit`;
  const back = mode === 'new' ? `/app/buildings/${building.id}` : `/app/units/${unit.id}`;
  const input = (name, text, extra = '') => html`<label class="field"><span class="field-label">${text}</span><input type="text" name="${name}" value="${values[name] ?? ''}"${extra}>${fieldError(errors, name)}</label>`;
  return screen({
    title: mode === 'new' ? t('登记单位') : t('编辑单位：{name}', { name: values.name || '' }),
    back,
    body: html`${flash(data.message, data.messageKind || 'error')}
<section class="card">
<p class="muted">${buildingText(building)}</p>
<form method="post" action="${action}" class="form">
<label class="field"><span class="field-label">${t('单位名称')}<span class="req">*</span></span><input type="text" name="name" value="${values.name || ''}" maxlength="100" required autocomplete="off">${fieldError(errors, 'name')}</label>
<label class="field"><span class="field-label">${t('类型')}<span class="req">*</span></span><select name="kind">${options('unit_kind', values.kind || 'shop')}</select>${fieldError(errors, 'kind')}</label>
${input('room', t('门牌（如 底商3号、1单元101）'), ' maxlength="32"')}
${input('credit_code', t('统一社会信用代码'), ' maxlength="18" autocapitalize="characters" spellcheck="false" autocomplete="off"')}
${input('contact_name', t('联系人'), ' maxlength="32"')}
<label class="field"><span class="field-label">${t('联系电话')}</span><input type="tel" name="contact_phone" value="${values.contact_phone || ''}" inputmode="tel" maxlength="20">${fieldError(errors, 'contact_phone')}</label>
<label class="field"><span class="field-label">${t('从业人数')}</span><input type="number" name="employees" value="${values.employees ?? ''}" min="0" inputmode="numeric">${fieldError(errors, 'employees')}</label>
<label class="field"><span class="field-label">${t('状态')}</span><select name="status">${options('unit_status', values.status || 'open')}</select>${fieldError(errors, 'status')}</label>
<label class="choice"><input type="checkbox" name="handles_cases" value="1"${flag(values.handles_cases === true, 'checked')}> ${t('可作为处置单位')}</label>
<label class="field"><span class="field-label">${t('备注')}</span><textarea name="notes" rows="2" maxlength="2000">${values.notes || ''}</textarea>${fieldError(errors, 'notes')}</label>
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存')}</button>
<a class="btn btn-block" href="${back}">${t('取消')}</a>
</form>
</section>`,
  });
}
