// Residents: the new and edit forms with their care tags, the live ID number check, and what the
// forms post (only the changed fields on an edit; tags given, changed or ended).

import { uuid7 } from '../../core/ids.js';
import { checkResidentId, normaliseIdNumber } from '../../core/idnumber.js';
import { validatePhone } from '../../core/phone.js';
import { movementErrors } from '../../core/registry_rules.js';
import { t } from '../../i18n/index.js';
import { isDate, str } from '../forms.js';
import { loadDictionary } from '../queries.js';
import { afterWrite, invalid, show } from '../reply.js';
import { isActiveTag } from '../views/care.js';
import { isCode } from '../views/labels.js';
import { idCheck, residentFormView } from '../views/resident_form.js';
import { notFoundView } from '../views/screen.js';
import { householdScreen } from './household.js';

/** GET /app/residents/new?household=<id> */
async function residentNewScreen(ctx, { url }, extra = {}) {
  const householdId = url.searchParams.get('household');
  const household = householdId ? await ctx.storage.view('household', householdId) : null;
  if (!household) return notFoundView({ what: t('住户') });
  const [building, tagTypes] = await Promise.all([
    ctx.storage.view('building', household.fields.building_id),
    loadDictionary(ctx, 'care_tag_type', household.scope?.community_id, extra.chosenTags),
  ]);
  const arrival = url.searchParams.get('arrival');
  const values = arrival === 'move_in' ? { arrived_by: 'move_in', moved_in_on: ctx.today() } : {};
  return residentFormView({
    mode: 'new', household, building, resident: null, values, tagTypes,
    chosenTags: new Set(), details: {}, errors: {}, today: ctx.today(), ...extra,
  });
}

/** GET /app/residents/<id>/edit */
async function residentEditScreen(ctx, { params: [id] }, extra = {}) {
  const resident = await ctx.storage.view('resident', id);
  if (!resident) return notFoundView({ what: t('居民') });
  const today = ctx.today();
  const household = await ctx.storage.view('household', resident.fields.household_id);
  if (!household) return notFoundView({ what: t('住户') });
  const [building, tags] = await Promise.all([
    ctx.storage.view('building', household.fields.building_id), ctx.storage.listByRef('resident_tag', id),
  ]);
  const active = tags.filter((t) => isActiveTag(t, today));
  // A tag the community switched off stays on the residents who have it (and on the form).
  const keep = new Set([...active.map((t) => t.fields.tag), ...(extra.chosenTags || [])]);
  const tagTypes = await loadDictionary(ctx, 'care_tag_type', household.scope?.community_id, keep);
  const details = {};
  for (const t of active) details[t.fields.tag] = { ...(t.fields.detail || {}) };
  return residentFormView({
    mode: 'edit', household, building, resident, values: { ...resident.fields }, tagTypes,
    chosenTags: new Set(active.map((t) => t.fields.tag)), details, errors: {}, today, ...extra,
  });
}

/** GET /app/residents/check-id: the ID number check under the field, as the worker types. */
async function checkIdScreen(ctx, { url }) {
  const q = url.searchParams;
  return idCheck({
    id_type: q.get('id_type') || 'resident_id', id_number: q.get('id_number') || '',
    birth_date: q.get('birth_date') || '', sex: q.get('sex') || '',
  }, { today: ctx.today() });
}

const RESIDENT_TEXT = { name: 50, id_number: 32, phone: 20, ethnicity: 16, notes: 2000, moved_in_from: 100, moved_out_to: 100 };
const RESIDENT_ENUMS = { sex: 'sex', id_type: 'id_type', relation: 'relation', population_type: 'population_type', political_status: 'political_status', arrived_by: 'arrival', left_by: 'departure' };
const RESIDENT_DATES = ['birth_date', 'permit_expiry', 'moved_out_on', 'moved_in_on'];
const NOT_NULL = { id_type: 'resident_id', population_type: 'registered' };

/** The resident form as wire values ('' for empty) and its errors {field: code}. */
export function parseResidentForm(form, { today, mode }) {
  const values = {};
  const errors = {};
  for (const name of [...Object.keys(RESIDENT_TEXT), ...Object.keys(RESIDENT_ENUMS), ...RESIDENT_DATES]) values[name] = str(form, name);
  if (mode !== 'edit') Object.assign(values, { moved_out_on: '', left_by: '', moved_out_to: '' });
  if (!values.id_type) values.id_type = 'resident_id';
  if (!values.population_type) values.population_type = 'registered';
  if (values.id_type === 'resident_id' && values.id_number) values.id_number = normaliseIdNumber(values.id_number);
  if (!values.name) errors.name = 'required';
  if (!values.sex) errors.sex = 'required';
  for (const [name, max] of Object.entries(RESIDENT_TEXT)) if (values[name].length > max) errors[name] = 'too_long';
  for (const [name, kind] of Object.entries(RESIDENT_ENUMS)) if (values[name] && !isCode(kind, values[name])) errors[name] = 'invalid_choice';
  for (const name of RESIDENT_DATES) if (values[name] && !isDate(values[name])) errors[name] = 'invalid_date';
  if (!errors.birth_date && values.birth_date && values.birth_date > today) errors.birth_date = 'future_date';
  if (values.phone && validatePhone(values.phone)) errors.phone = 'phone_format';
  if (values.permit_expiry && !['migrant', 'foreign'].includes(values.population_type)) errors.permit_expiry = 'permit_for_migrant_only';
  const badDates = new Set(Object.keys(errors));
  for (const [name, code] of Object.entries(movementErrors(values, { today }))) if (!errors[name] && !badDates.has(name)) errors[name] = code;
  const idErrors = checkResidentId(values, { today });
  for (const [name, code] of Object.entries(idErrors)) if (!errors[name]) errors[name] = code;
  return { values, errors };
}

/** A care tag's detail from the form (`detail.<tag>.<field>`) checked against its dictionary spec. */
function parseTagDetail(form, tagType) {
  const code = tagType.id;
  const detail = {};
  const errors = {};
  for (const spec of tagType.fields.detail_fields || []) {
    const key = `detail.${code}.${spec.name}`;
    if (spec.type === 'bool') {
      detail[spec.name] = form.get(key) === 'true';
      continue;
    }
    const value = str(form, key);
    if (!value) {
      if (spec.required) errors[key] = 'required';
      continue;
    }
    detail[spec.name] = value;
    if (spec.type === 'choice' && !(spec.choices || []).map(String).includes(value)) errors[key] = 'invalid_choice';
    else if (spec.type === 'date' && !isDate(value)) errors[key] = 'invalid_date';
    else if (spec.type === 'phone' && validatePhone(value)) errors[key] = 'phone_format';
    else if (spec.type === 'text' && value.length > (spec.max || 100)) errors[key] = 'too_long';
  }
  return { detail, errors };
}

function sameJSON(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields to write: all non-empty on create; on edit only the changed ones ('' clears to null). */
function residentChanges(values, current, mode) {
  const fields = {};
  for (const [name, value] of Object.entries(values)) {
    if (mode === 'new') {
      if (value !== '') fields[name] = value;
    } else {
      const next = value === '' ? (NOT_NULL[name] ?? null) : value;
      if (!sameJSON(next, current[name] ?? NOT_NULL[name] ?? null)) fields[name] = next;
    }
  }
  return fields;
}

/** POST /app/residents/new?household=<id> and /app/residents/<id>/edit: the resident and their care tags. */
async function saveResident(ctx, call, mode) {
  const today = ctx.today();
  const form = await call.request.formData();
  let resident = null;
  let householdId;
  if (mode === 'edit') {
    resident = await ctx.storage.view('resident', call.params[0]);
    if (!resident) return show(ctx, call, residentEditScreen, `/app/residents/${call.params[0]}/edit`);
    householdId = resident.fields.household_id;
  } else {
    householdId = call.url.searchParams.get('household');
  }
  const household = householdId ? await ctx.storage.view('household', householdId) : null;
  if (!household) return show(ctx, call, residentNewScreen, `/app/residents/new?household=${encodeURIComponent(householdId || '')}`);

  const { values, errors } = parseResidentForm(form, { today, mode });
  // The community's tags (its detail fields): active ones, and any the resident already has.
  const given = resident ? (await ctx.storage.listByRef('resident_tag', resident.id)).filter((t) => isActiveTag(t, today)) : [];
  const tagTypes = await loadDictionary(ctx, 'care_tag_type', household.scope?.community_id,
    new Set(given.map((t) => t.fields.tag)));
  const typeById = new Map(tagTypes.map((t) => [t.id, t]));
  const chosen = new Set(form.getAll('tags').filter((c) => typeof c === 'string' && typeById.has(c)));
  const details = {};
  for (const type of tagTypes) {
    const parsed = parseTagDetail(form, type);
    details[type.id] = parsed.detail;
    if (chosen.has(type.id)) Object.assign(errors, parsed.errors);
  }
  if (Object.keys(errors).length) {
    const screen = mode === 'edit' ? residentEditScreen : residentNewScreen;
    return invalid(ctx, call, screen, {
      values, errors, chosenTags: chosen, details, message: t('请检查标出的内容后再保存'), messageKind: 'error',
    });
  }

  const residentId = resident ? resident.id : uuid7(ctx.now());
  const fields = residentChanges(values, resident ? resident.fields : {}, mode);
  if (mode === 'new') fields.household_id = householdId;
  if (Object.keys(fields).length) await ctx.engine.createChange('resident', residentId, fields);

  const existing = resident ? await ctx.storage.listByRef('resident_tag', residentId) : [];
  const active = new Map();
  for (const tag of existing) {
    if (isActiveTag(tag, today) && !active.has(tag.fields.tag)) active.set(tag.fields.tag, tag);
  }
  let tagChanges = 0;
  for (const code of chosen) {
    const tag = active.get(code);
    if (!tag) {
      await ctx.engine.createChange('resident_tag', uuid7(ctx.now()), {
        resident_id: residentId, tag: code, detail: details[code], started_on: today,
      });
      tagChanges += 1;
    } else if (!sameJSON(sortKeys(tag.fields.detail || {}), sortKeys(details[code]))) {
      await ctx.engine.createChange('resident_tag', tag.id, { detail: details[code] });
      tagChanges += 1;
    }
  }
  for (const [code, tag] of active) {
    if (!chosen.has(code)) {
      await ctx.engine.deleteRecord('resident_tag', tag.id);
      tagChanges += 1;
    }
  }
  if (Object.keys(fields).length || tagChanges) await afterWrite(ctx);
  const name = values.name;
  const message = !Object.keys(fields).length && !tagChanges ? t('{name}：没有修改', { name }) : t('已保存居民 {name}（已存本机，待同步）', { name });
  return show(ctx, call, householdScreen, `/app/households/${householdId}`, { message });
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const routes = [
  ['GET', '/app/residents/new', 'residentNew', 'field', residentNewScreen],
  ['POST', '/app/residents/new', 'residentNew', 'field', (ctx, call) => saveResident(ctx, call, 'new')],
  ['GET', '/app/residents/check-id', 'checkId', 'field', checkIdScreen],
  ['GET', '/app/residents/:id/edit', 'residentEdit', 'field', residentEditScreen],
  ['POST', '/app/residents/:id/edit', 'residentEdit', 'field', (ctx, call) => saveResident(ctx, call, 'edit')],
];
