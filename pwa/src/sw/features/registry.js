// The registry on the phone, offline: register a household at an unregistered door (with its first
// resident), a resident moving out or dying (the record stays; a death ends the care tags), a birth
// (ending the mother's 孕产妇 tag when asked) and the household's status and lease. Every write goes
// to the outbox; the server checks the same rules (server/registry/rules.py).

import { uuid7 } from '../../core/ids.js';
import { validatePhone } from '../../core/phone.js';
import { householdErrors, movementErrors } from '../../core/registry_rules.js';
import { t } from '../../i18n/index.js';
import { isDate, str } from '../forms.js';
import { gridOf } from '../queries.js';
import { afterWrite, invalid, show } from '../reply.js';
import { isActiveTag } from '../views/care.js';
import { address, isCode, tagName } from '../views/labels.js';
import { birthView, householdNewView, householdStatusView, leaveView } from '../views/registry.js';
import { notFoundView } from '../views/screen.js';
import { householdScreen } from './household.js';
import { parseResidentForm } from './resident.js';

const CHECK_AGAIN = () => t('请检查标出的内容后再保存');

function readPlace(url) {
  const q = url.searchParams;
  const unit = Number(q.get('unit'));
  const floor = Number(q.get('floor'));
  const room = String(q.get('room') || '').trim();
  if (!Number.isInteger(unit) || unit < 1 || unit > 50 || !Number.isInteger(floor) || floor < -5 || floor > 120
      || !room || room.length > 16) return null;
  return { unit, floor, room };
}

/** The household fields every household form shares: use, contacts and lease. */
function parseHouseholdFields(form, errors) {
  const values = {};
  for (const [name, max] of [['contact_phone', 20], ['landlord_name', 32], ['landlord_phone', 20]]) {
    values[name] = str(form, name);
    if (values[name].length > max) errors[name] = 'too_long';
  }
  for (const name of ['contact_phone', 'landlord_phone']) if (values[name] && !errors[name] && validatePhone(values[name])) errors[name] = 'phone_format';
  values.lease_end = str(form, 'lease_end');
  if (values.lease_end && !isDate(values.lease_end)) errors.lease_end = 'invalid_date';
  return values;
}

/** GET /app/households/new?building=&unit=&floor=&room= */
async function householdNewScreen(ctx, { url }, extra = {}) {
  const building = await ctx.storage.view('building', url.searchParams.get('building') || '');
  const place = readPlace(url);
  if (!building || !place) return notFoundView({ what: t('楼栋') });
  return householdNewView({ building, place, values: {}, errors: {}, today: ctx.today(), ...extra });
}

/** POST /app/households/new: the household and, when a name is given, its first resident. */
async function saveHouseholdNew(ctx, call) {
  const today = ctx.today();
  const building = await ctx.storage.view('building', call.url.searchParams.get('building') || '');
  const place = readPlace(call.url);
  if (!building || !place) return show(ctx, call, householdNewScreen, '/app/');
  const form = await call.request.formData();
  const errors = {};
  const household = {
    ...place, building_id: building.id, status: 'active',
    housing_use: str(form, 'housing_use') || 'owner_occupied',
    registration_status: str(form, 'registration_status') || 'consistent',
    ...parseHouseholdFields(form, errors),
  };
  if (!isCode('housing_use', household.housing_use)) errors.housing_use = 'invalid_choice';
  if (!isCode('registration_status', household.registration_status)) errors.registration_status = 'invalid_choice';
  Object.assign(errors, householdErrors({ ...household, grid_id: gridOf(building) }));
  const siblings = await ctx.storage.listByRef('household', building.id);
  if (siblings.some((h) => h.fields.unit === place.unit && String(h.fields.room) === place.room)) errors.room = 'door_taken';

  const residentForm = { get: (name) => form.get(`r.${name}`) };
  const withResident = Boolean(str(residentForm, 'name') || str(residentForm, 'sex'));
  const parsed = withResident ? parseResidentForm(residentForm, { today, mode: 'new' }) : { values: {}, errors: {} };
  for (const [name, code] of Object.entries(parsed.errors)) errors[`r.${name}`] = code;

  const values = { ...household };
  for (const name of ['name', 'sex', 'birth_date', 'id_number', 'phone', 'relation', 'arrived_by', 'moved_in_on', 'moved_in_from']) {
    values[`r.${name}`] = str(residentForm, name);
  }
  if (Object.keys(errors).length) {
    const message = errors.room ? t('这个房间已经登记过住户') : CHECK_AGAIN();
    return invalid(ctx, call, householdNewScreen, { values, errors, message, messageKind: 'error' });
  }
  const householdId = uuid7(ctx.now());
  const fields = Object.fromEntries(Object.entries(household).filter(([, v]) => v !== ''));
  await ctx.engine.createChange('household', householdId, fields);
  if (withResident) {
    const resident = Object.fromEntries(Object.entries(parsed.values).filter(([, v]) => v !== ''));
    await ctx.engine.createChange('resident', uuid7(ctx.now()), { ...resident, household_id: householdId });
  }
  await afterWrite(ctx);
  return show(ctx, call, householdScreen, `/app/households/${householdId}`, {
    message: t('已登记住户 {where}（已存本机，待同步）', { where: address(building, place) }),
  });
}

async function residentPlace(ctx, id) {
  const resident = await ctx.storage.view('resident', id);
  if (!resident) return null;
  const household = await ctx.storage.view('household', resident.fields.household_id);
  if (!household) return null;
  const building = await ctx.storage.view('building', household.fields.building_id);
  return { resident, household, building };
}

async function openTags(ctx, residentId, on) {
  const tags = await ctx.storage.listByRef('resident_tag', residentId);
  return tags.filter((tag) => !tag.fields.ended_on || tag.fields.ended_on > on);
}

function leaveScreen(how) {
  return async (ctx, { params: [id] }, extra = {}) => {
    const found = await residentPlace(ctx, id);
    if (!found) return notFoundView({ what: t('居民') });
    const today = ctx.today();
    const tagTypes = new Map((await ctx.storage.listByEntity('care_tag_type')).map((x) => [x.id, x]));
    const names = (await openTags(ctx, id, today)).map((tag) => tagName(tag.fields.tag, tagTypes));
    return leaveView({ how, ...found, openTags: names, values: { moved_out_on: today }, errors: {}, today, ...extra });
  };
}

/** POST /app/residents/<id>/move-out and /death: the record stays, with when and where to. */
function saveLeave(how) {
  const screenFn = leaveScreen(how);
  return async (ctx, call) => {
    const id = call.params[0];
    const found = await residentPlace(ctx, id);
    if (!found) return show(ctx, call, screenFn, `/app/residents/${id}/${how === 'death' ? 'death' : 'move-out'}`);
    const today = ctx.today();
    const form = await call.request.formData();
    const values = { left_by: how, moved_out_on: str(form, 'moved_out_on'), moved_out_to: how === 'death' ? '' : str(form, 'moved_out_to') };
    const errors = {};
    if (!values.moved_out_on) errors.moved_out_on = 'required';
    else if (!isDate(values.moved_out_on)) errors.moved_out_on = 'invalid_date';
    if (values.moved_out_to.length > 100) errors.moved_out_to = 'too_long';
    if (!errors.moved_out_on) Object.assign(errors, movementErrors({ ...found.resident.fields, ...values }, { today }));
    if (Object.keys(errors).length) return invalid(ctx, call, screenFn, { values, errors, message: CHECK_AGAIN(), messageKind: 'error' });
    const fields = { left_by: how, moved_out_on: values.moved_out_on, moved_out_to: values.moved_out_to || null };
    await ctx.engine.createChange('resident', id, fields);
    if (how === 'death') {
      // The care tags end with the person, so no visit falls due for them any more.
      for (const tag of await openTags(ctx, id, values.moved_out_on)) {
        await ctx.engine.createChange('resident_tag', tag.id, { ended_on: values.moved_out_on });
      }
    }
    await afterWrite(ctx);
    const name = found.resident.fields.name;
    const message = how === 'death' ? t('已登记 {name} 死亡（已存本机，待同步）', { name }) : t('{name} 已迁出（已存本机，待同步）', { name });
    return show(ctx, call, householdScreen, `/app/households/${found.household.id}`, { message });
  };
}

async function mothersOf(ctx, householdId, today) {
  const residents = await ctx.storage.listByRef('resident', householdId);
  const out = [];
  for (const r of residents) {
    for (const tag of await ctx.storage.listByRef('resident_tag', r.id)) {
      if (tag.fields.tag === 'pregnant' && isActiveTag(tag, today)) out.push({ tagId: tag.id, name: r.fields.name });
    }
  }
  return out;
}

/** GET /app/households/<id>/birth */
async function birthScreen(ctx, { params: [id] }, extra = {}) {
  const household = await ctx.storage.view('household', id);
  if (!household) return notFoundView({ what: t('住户') });
  const today = ctx.today();
  const building = await ctx.storage.view('building', household.fields.building_id);
  return birthView({ household, building, mothers: await mothersOf(ctx, id, today), values: { birth_date: today }, errors: {}, today, ...extra });
}

/** POST /app/households/<id>/birth: a resident with arrived_by=birth, and the mother's tag ended. */
async function saveBirth(ctx, call) {
  const id = call.params[0];
  const household = await ctx.storage.view('household', id);
  if (!household) return show(ctx, call, birthScreen, `/app/households/${id}/birth`);
  const today = ctx.today();
  const form = await call.request.formData();
  const values = { name: str(form, 'name'), sex: str(form, 'sex'), birth_date: str(form, 'birth_date'), end_tags: form.getAll('end_tags') };
  const errors = {};
  if (!values.name) errors.name = 'required';
  else if (values.name.length > 50) errors.name = 'too_long';
  if (!values.sex) errors.sex = 'required';
  else if (!isCode('sex', values.sex)) errors.sex = 'invalid_choice';
  if (!values.birth_date) errors.birth_date = 'required';
  else if (!isDate(values.birth_date)) errors.birth_date = 'invalid_date';
  else if (values.birth_date > today) errors.birth_date = 'future_date';
  const resident = {
    household_id: id, name: values.name, sex: values.sex, birth_date: values.birth_date,
    arrived_by: 'birth', moved_in_on: values.birth_date, relation: 'child', population_type: 'registered',
  };
  if (!Object.keys(errors).length) Object.assign(errors, movementErrors(resident, { today }));
  if (Object.keys(errors).length) return invalid(ctx, call, birthScreen, { values, errors, message: CHECK_AGAIN(), messageKind: 'error' });
  await ctx.engine.createChange('resident', uuid7(ctx.now()), resident);
  const mothers = new Set((await mothersOf(ctx, id, today)).map((m) => m.tagId));
  for (const tagId of values.end_tags) {
    if (mothers.has(tagId)) await ctx.engine.createChange('resident_tag', tagId, { ended_on: values.birth_date });
  }
  await afterWrite(ctx);
  return show(ctx, call, householdScreen, `/app/households/${id}`, { message: t('已登记 {name} 出生（已存本机，待同步）', { name: values.name }) });
}

async function statusData(ctx, household) {
  const building = await ctx.storage.view('building', household.fields.building_id);
  const grid = building ? gridOf(building) : null;
  const [households, buildings] = await Promise.all([ctx.storage.listByEntity('household'), ctx.storage.listByEntity('building')]);
  const inGrid = new Map(buildings.filter((b) => gridOf(b) === grid).map((b) => [b.id, b]));
  const candidates = households
    .filter((h) => h.id !== household.id && inGrid.has(h.fields.building_id) && (h.fields.status || 'active') === 'active')
    .map((h) => ({ id: h.id, address: address(inGrid.get(h.fields.building_id), h), record: h }))
    .sort((a, b) => a.address.localeCompare(b.address, 'zh', { numeric: true }));
  return { building, grid, candidates };
}

function stateOf(fields) {
  if (fields.status === 'demolished' || fields.status === 'merged') return fields.status;
  return fields.housing_use === 'vacant' ? 'vacant' : 'active';
}

/** GET /app/households/<id>/status */
async function statusScreen(ctx, { params: [id] }, extra = {}) {
  const household = await ctx.storage.view('household', id);
  if (!household) return notFoundView({ what: t('住户') });
  const { building, candidates } = await statusData(ctx, household);
  const f = household.fields;
  const values = {
    state: stateOf(f), merged_into_id: f.merged_into_id || '', housing_use: f.housing_use || 'owner_occupied',
    landlord_name: f.landlord_name || '', landlord_phone: f.landlord_phone || '', lease_end: f.lease_end || '',
  };
  return householdStatusView({ household, building, candidates, values, errors: {}, ...extra });
}

/** POST /app/households/<id>/status: only the fields that changed. */
async function saveStatus(ctx, call) {
  const id = call.params[0];
  const household = await ctx.storage.view('household', id);
  if (!household) return show(ctx, call, statusScreen, `/app/households/${id}/status`);
  const form = await call.request.formData();
  const errors = {};
  const state = str(form, 'state');
  const values = { state, merged_into_id: str(form, 'merged_into_id'), housing_use: str(form, 'housing_use'), ...parseHouseholdFields(form, errors) };
  if (!['active', 'vacant', 'demolished', 'merged'].includes(state)) errors.status = 'invalid_choice';
  if (values.housing_use && !isCode('housing_use', values.housing_use)) errors.housing_use = 'invalid_choice';
  const next = {
    status: state === 'demolished' || state === 'merged' ? state : 'active',
    merged_into_id: state === 'merged' ? values.merged_into_id || null : null,
    housing_use: state === 'vacant' ? 'vacant' : values.housing_use || household.fields.housing_use,
    landlord_name: values.landlord_name || null, landlord_phone: values.landlord_phone || null, lease_end: values.lease_end || null,
  };
  if (state === 'active' && next.housing_use === 'vacant') errors.housing_use = 'invalid_choice';
  const { grid, candidates } = await statusData(ctx, household);
  const target = candidates.find((c) => c.id === next.merged_into_id);
  Object.assign(errors, householdErrors({ ...household.fields, ...next, grid_id: grid }, {
    id, target: target ? { grid_id: grid, deleted: false } : null,
  }));
  if (Object.keys(errors).length) return invalid(ctx, call, statusScreen, { values, errors, message: CHECK_AGAIN(), messageKind: 'error' });
  const fields = {};
  for (const [name, value] of Object.entries(next)) if ((household.fields[name] ?? null) !== value) fields[name] = value;
  if (Object.keys(fields).length) {
    await ctx.engine.createChange('household', id, fields);
    await afterWrite(ctx);
  }
  return show(ctx, call, householdScreen, `/app/households/${id}`, {
    message: Object.keys(fields).length ? t('已保存住户状态（已存本机，待同步）') : t('住户状态没有修改'),
  });
}

export const routes = [
  ['GET', '/app/households/new', 'householdNew', 'field', householdNewScreen],
  ['POST', '/app/households/new', 'householdNew', 'field', saveHouseholdNew],
  ['GET', '/app/households/:id/birth', 'birth', 'field', birthScreen],
  ['POST', '/app/households/:id/birth', 'birth', 'field', saveBirth],
  ['GET', '/app/households/:id/status', 'householdStatus', 'field', statusScreen],
  ['POST', '/app/households/:id/status', 'householdStatus', 'field', saveStatus],
  ['GET', '/app/residents/:id/move-out', 'residentMoveOut', 'field', leaveScreen('move_out')],
  ['POST', '/app/residents/:id/move-out', 'residentMoveOut', 'field', saveLeave('move_out')],
  ['GET', '/app/residents/:id/death', 'residentDeath', 'field', leaveScreen('death')],
  ['POST', '/app/residents/:id/death', 'residentDeath', 'field', saveLeave('death')],
];
