// 实有单位: a building's units, added and edited offline and queued in the outbox like every record.
// The form is checked with the server's rules (credit code, phone, lengths, choices) before it is queued.

import { creditCodeError, normaliseCreditCode } from '../../core/creditcode.js';
import { uuid7 } from '../../core/ids.js';
import { validatePhone } from '../../core/phone.js';
import { t } from '../../i18n/index.js';
import { str } from '../forms.js';
import { afterWrite, invalid, show } from '../reply.js';
import { isCode } from '../views/labels.js';
import { notFoundView } from '../views/screen.js';
import { unitFormView, unitView } from '../views/unit.js';

const TEXT = { name: 100, room: 32, credit_code: 18, contact_name: 32, contact_phone: 20, notes: 2000 };
const ENUMS = { kind: 'unit_kind', status: 'unit_status' };

/** The unit form as wire values and its errors {field: code}. */
export function parseUnitForm(form) {
  const values = {};
  const errors = {};
  for (const name of [...Object.keys(TEXT), ...Object.keys(ENUMS), 'employees']) values[name] = str(form, name);
  values.handles_cases = form.get('handles_cases') === '1';
  if (values.credit_code) values.credit_code = normaliseCreditCode(values.credit_code);
  if (!values.name) errors.name = 'required';
  if (!values.kind) errors.kind = 'required';
  if (!values.status) values.status = 'open';
  for (const [name, max] of Object.entries(TEXT)) if (values[name].length > max) errors[name] = 'too_long';
  for (const [name, kind] of Object.entries(ENUMS)) if (values[name] && !isCode(kind, values[name])) errors[name] = 'invalid_choice';
  if (values.credit_code && !errors.credit_code) {
    const code = creditCodeError(values.credit_code);
    if (code) errors.credit_code = code;
  }
  if (values.contact_phone && validatePhone(values.contact_phone)) errors.contact_phone = 'phone_format';
  if (values.employees !== '') {
    const n = Number(values.employees);
    if (!/^[0-9]+$/.test(values.employees)) errors.employees = 'invalid_type';
    else if (n > 1000000) errors.employees = 'out_of_range';
    else values.employees = n;
  }
  return { values, errors };
}

/** GET /app/buildings/<id>/units/new */
async function unitNewScreen(ctx, { params: [buildingId] }, extra = {}) {
  const building = await ctx.storage.view('building', buildingId);
  if (!building) return notFoundView({ what: t('楼栋') });
  return unitFormView({ mode: 'new', building, unit: null, values: { kind: 'shop', status: 'open' }, errors: {}, ...extra });
}

/** GET /app/units/<id> */
async function unitScreen(ctx, { params: [id] }, extra = {}) {
  const unit = await ctx.storage.view('unit', id);
  if (!unit) return notFoundView({ what: t('单位') });
  const building = await ctx.storage.view('building', unit.fields.building_id);
  return unitView({ unit, building, ...extra });
}

/** GET /app/units/<id>/edit */
async function unitEditScreen(ctx, { params: [id] }, extra = {}) {
  const unit = await ctx.storage.view('unit', id);
  if (!unit) return notFoundView({ what: t('单位') });
  const building = await ctx.storage.view('building', unit.fields.building_id);
  return unitFormView({ mode: 'edit', building, unit, values: { ...unit.fields }, errors: {}, ...extra });
}

/** The fields to write: the filled ones on create; on edit only the changed ones ('' clears to null). */
function changes(values, current, mode) {
  const fields = {};
  for (const [name, value] of Object.entries(values)) {
    const next = value === '' ? null : value;
    if (mode === 'new') {
      if (next !== null) fields[name] = next;
    } else if (JSON.stringify(next) !== JSON.stringify(current[name] ?? (name === 'handles_cases' ? false : null))) {
      fields[name] = next;
    }
  }
  return fields;
}

/** POST /app/buildings/<id>/units/new and /app/units/<id>/edit */
async function saveUnit(ctx, call, mode) {
  const form = await call.request.formData();
  let unit = null;
  let buildingId = call.params[0];
  if (mode === 'edit') {
    unit = await ctx.storage.view('unit', call.params[0]);
    if (!unit) return show(ctx, call, unitScreen, `/app/units/${call.params[0]}`);
    buildingId = unit.fields.building_id;
  }
  const building = await ctx.storage.view('building', buildingId);
  if (!building) return show(ctx, call, unitNewScreen, `/app/buildings/${buildingId}/units/new`);
  const { values, errors } = parseUnitForm(form);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, mode === 'edit' ? unitEditScreen : unitNewScreen, {
      values, errors, message: t('请检查标出的内容后再保存'), messageKind: 'error',
    });
  }
  const id = unit ? unit.id : uuid7(ctx.now());
  const fields = changes(values, unit ? unit.fields : {}, mode);
  if (mode === 'new') fields.building_id = buildingId;
  if (Object.keys(fields).length) {
    await ctx.engine.createChange('unit', id, fields);
    await afterWrite(ctx);
  }
  const message = Object.keys(fields).length ? t('已保存单位 {name}（已存本机，待同步）', { name: values.name }) : t('{name}：没有修改', { name: values.name });
  return show(ctx, call, unitScreen, `/app/units/${id}`, { message });
}

export const routes = [
  ['GET', '/app/buildings/:id/units/new', 'unitNew', 'field', unitNewScreen],
  ['POST', '/app/buildings/:id/units/new', 'unitNew', 'field', (ctx, call) => saveUnit(ctx, call, 'new')],
  ['GET', '/app/units/:id', 'unit', 'field', unitScreen],
  ['GET', '/app/units/:id/edit', 'unitEdit', 'field', unitEditScreen],
  ['POST', '/app/units/:id/edit', 'unitEdit', 'field', (ctx, call) => saveUnit(ctx, call, 'edit')],
];
