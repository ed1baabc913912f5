// POST handlers of the screens: parse the form, check it as far as the phone can (required fields,
// enums, lengths, dates, phones, the ID number, care-tag details: the server checks everything
// again), write through the sync engine (clock tick + outbox, in IndexedDB), ask for a background
// sync, and answer at once with the updated screen. Nothing here waits for the network, except
// login (it needs it once) and the sync button without JavaScript.
//
// Each handler is (ctx, call) → Promise<Response>; ctx comes from screens.js createRouter().

import { uuid7 } from '../core/ids.js';
import { checkResidentId, normaliseIdNumber } from '../core/idnumber.js';
import { validatePhone } from '../core/phone.js';
import { t, zh } from '../i18n/index.js';
import { LABELS, label } from './views/html.js';
import { loginView } from './views/login.js';
import { isAwaitingCheck } from './views/patrol_check.js';

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const SYNC_WAIT_MS = 30000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real YYYY-MM-DD date with a year from 1900 to 2100 (protocol 10.1). */
export function isDate(text) {
  const m = DATE.exec(text || '');
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** ISO 8601 UTC to the second, as the server stores datetimes. */
export function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function str(form, name) {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

function number(form, name, lo, hi) {
  const text = str(form, name);
  if (!text) return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= lo && value <= hi ? value : null;
}

function inEnum(kind, value) {
  return Object.prototype.hasOwnProperty.call(LABELS[kind] || {}, value);
}

async function sha256Hex(blob) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The photos of a multipart form field: checked, stored through storage.putBlob (uploaded after the
 * next push) and returned as sha256 ids. {hashes} or {error: code}.
 */
export async function storePhotos(ctx, form, name = 'photo') {
  const files = form.getAll(name).filter((f) => typeof f === 'object' && f !== null && typeof f.arrayBuffer === 'function' && f.size > 0);
  if (files.length > MAX_PHOTOS) return { error: 'too_long' };
  for (const file of files) {
    if (!PHOTO_TYPES.includes(file.type)) return { error: 'photo_type' };
    if (file.size > MAX_PHOTO_BYTES) return { error: 'photo_too_large' };
  }
  const hashes = [];
  for (const file of files) {
    const sha = await sha256Hex(file);
    await ctx.storage.putBlob(sha, file, file.type);
    if (!hashes.includes(sha)) hashes.push(sha);
  }
  return { hashes };
}

/**
 * A form's photos, stored as blobs only once the rest of the form is valid (a refused form keeps
 * nothing); a photo's own problem lands in `errors.photos`.
 */
async function photosOfValidForm(ctx, form, errors) {
  if (Object.keys(errors).length) return [];
  const stored = await storePhotos(ctx, form);
  if (stored.error) {
    errors.photos = stored.error;
    return [];
  }
  return stored.hashes;
}

async function afterWrite(ctx) {
  try {
    await ctx.registerBackgroundSync?.();
  } catch {
    // Background Sync is a nicety: the page also syncs after every write and when back online.
  }
}

/** Render screen `name` for `path` as the answer to a POST (pushed as the new URL for htmx). */
async function show(ctx, call, name, path, extra = {}, { status = 200 } = {}) {
  const url = new URL(path, call.url);
  const m = /^\/app\/[a-z]+\/([^/?]+)/.exec(url.pathname);
  const params = m ? [m[1]] : [];
  const fragment = await ctx.screens[name](ctx, { ...call, url, params }, extra);
  return ctx.respond(call.request, fragment, { status, push: status === 200 ? path : null, redirect: status === 200 ? path : null });
}

async function invalid(ctx, call, name, extra) {
  const fragment = await ctx.screens[name](ctx, call, extra);
  return ctx.respond(call.request, fragment, { status: 422 });
}

// --- visits ----------------------------------------------------------------------------------

/** The fields a visitor writes, from a visit form, with their errors (defaults for blank choices). */
function readVisitForm(form, defaults = {}) {
  const values = {
    method: str(form, 'method') || defaults.method || '',
    outcome: str(form, 'outcome') || defaults.outcome || '',
    notes: str(form, 'notes'),
    needs: str(form, 'needs'),
    follow_up_on: str(form, 'follow_up_on'),
  };
  const errors = {};
  if (!inEnum('method', values.method)) errors.method = 'invalid_choice';
  if (!inEnum('outcome', values.outcome)) errors.outcome = 'invalid_choice';
  if (values.notes.length > 2000) errors.notes = 'too_long';
  if (values.needs.length > 2000) errors.needs = 'too_long';
  if (values.follow_up_on && !isDate(values.follow_up_on)) errors.follow_up_on = 'invalid_date';
  return { values, errors };
}

/** POST /app/households/<id>/visits: the routine visit (in_person + normal by default) and any other. */
async function visit(ctx, call) {
  const [householdId] = call.params;
  const household = await ctx.storage.view('household', householdId);
  if (!household) return show(ctx, call, 'household', `/app/households/${householdId}`);
  const form = await call.request.formData();
  const { values, errors } = readVisitForm(form, { method: 'in_person', outcome: 'normal' });
  values.resident_ids = form.getAll('resident_ids').filter((v) => typeof v === 'string');
  const residents = await ctx.storage.listByRef('resident', householdId);
  const known = new Set(residents.map((r) => r.id));
  const residentIds = [...new Set(values.resident_ids)].filter((id) => known.has(id)).slice(0, 20);
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, 'visitSheet', { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const fields = {
    household_id: householdId,
    resident_ids: residentIds,
    visited_at: isoSeconds(ctx.now()),
    method: values.method,
    outcome: values.outcome,
    photos,
  };
  if (values.notes) fields.notes = values.notes;
  if (values.needs) fields.needs = values.needs;
  if (values.follow_up_on) fields.follow_up_on = values.follow_up_on;
  const lat = number(form, 'lat', -90, 90);
  const lng = number(form, 'lng', -180, 180);
  if (lat !== null && lng !== null) {
    fields.lat = lat;
    fields.lng = lng;
    const accuracy = number(form, 'accuracy', 0, 100000);
    if (accuracy !== null) fields.accuracy = accuracy;
  }
  await ctx.engine.createChange('visit', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, 'household', `/app/households/${householdId}`, {
    message: t('已记录走访：{method} · {outcome}{photos}（已存本机，待同步）', {
      method: label('method', fields.method), outcome: label('outcome', fields.outcome),
      photos: photos.length ? t('，照片 {n} 张', { n: photos.length }) : '',
    }),
  });
}

/** POST /app/visits/<id>/fix: correct a visit the community returned; only changed fields go out. */
async function visitFix(ctx, call) {
  const [visitId] = call.params;
  const visit = await ctx.storage.view('visit', visitId);
  if (!visit || visit.fields.review_status !== 'returned' || visit.fields.visitor_id !== call.user.id) {
    return show(ctx, call, 'home', '/app/');
  }
  const { values, errors } = readVisitForm(await call.request.formData());
  if (Object.keys(errors).length) {
    return invalid(ctx, call, 'visitFix', { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const changed = {};
  for (const [name, value] of Object.entries(values)) {
    const next = value === '' ? null : value;
    if ((visit.fields[name] ?? null) !== next) changed[name] = next;
  }
  if (!Object.keys(changed).length) {
    return invalid(ctx, call, 'visitFix', { values, message: t('内容没有修改：请按社区意见修改后再提交'), messageKind: 'error' });
  }
  await ctx.engine.createChange('visit', visitId, changed);
  await afterWrite(ctx);
  return show(ctx, call, 'household', `/app/households/${visit.fields.household_id}`, {
    message: t('已修改走访记录（已存本机，同步后重新提交给社区）'),
  });
}

// --- residents and their care tags ---------------------------------------------------------

const RESIDENT_TEXT = { name: 50, id_number: 32, phone: 20, ethnicity: 16, notes: 2000 };
const RESIDENT_ENUMS = { sex: 'sex', id_type: 'id_type', relation: 'relation', population_type: 'population_type', political_status: 'political_status' };
const RESIDENT_DATES = ['birth_date', 'permit_expiry', 'moved_out_on'];
const NOT_NULL = { id_type: 'resident_id', population_type: 'registered' };

/** The resident form as wire values ('' for empty) and its errors {field: code}. */
export function parseResidentForm(form, { today, mode }) {
  const values = {};
  const errors = {};
  for (const name of [...Object.keys(RESIDENT_TEXT), ...Object.keys(RESIDENT_ENUMS), ...RESIDENT_DATES]) values[name] = str(form, name);
  if (mode !== 'edit') values.moved_out_on = '';
  if (!values.id_type) values.id_type = 'resident_id';
  if (!values.population_type) values.population_type = 'registered';
  if (values.id_type === 'resident_id' && values.id_number) values.id_number = normaliseIdNumber(values.id_number);
  if (!values.name) errors.name = 'required';
  if (!values.sex) errors.sex = 'required';
  for (const [name, max] of Object.entries(RESIDENT_TEXT)) if (values[name].length > max) errors[name] = 'too_long';
  for (const [name, kind] of Object.entries(RESIDENT_ENUMS)) if (values[name] && !inEnum(kind, values[name])) errors[name] = 'invalid_choice';
  for (const name of RESIDENT_DATES) if (values[name] && !isDate(values[name])) errors[name] = 'invalid_date';
  if (!errors.birth_date && values.birth_date && values.birth_date > today) errors.birth_date = 'future_date';
  if (values.phone && validatePhone(values.phone)) errors.phone = 'phone_format';
  if (values.permit_expiry && !['migrant', 'foreign'].includes(values.population_type)) errors.permit_expiry = 'permit_for_migrant_only';
  const idErrors = checkResidentId(values, { today });
  for (const [name, code] of Object.entries(idErrors)) if (!errors[name]) errors[name] = code;
  return { values, errors };
}

/** A care tag's detail from the form (`detail.<tag>.<field>`) checked against its dictionary spec. */
export function parseTagDetail(form, tagType) {
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
export function residentChanges(values, current, mode) {
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

async function saveResident(ctx, call, mode) {
  const today = ctx.today();
  const form = await call.request.formData();
  let resident = null;
  let householdId;
  if (mode === 'edit') {
    resident = await ctx.storage.view('resident', call.params[0]);
    if (!resident) return show(ctx, call, 'residentEdit', `/app/residents/${call.params[0]}/edit`);
    householdId = resident.fields.household_id;
  } else {
    householdId = call.url.searchParams.get('household');
  }
  const household = householdId ? await ctx.storage.view('household', householdId) : null;
  if (!household) return show(ctx, call, 'residentNew', `/app/residents/new?household=${encodeURIComponent(householdId || '')}`);

  const { values, errors } = parseResidentForm(form, { today, mode });
  const tagTypes = await ctx.storage.listByEntity('care_tag_type');
  const typeById = new Map(tagTypes.map((t) => [t.id, t]));
  const chosen = new Set(form.getAll('tags').filter((c) => typeof c === 'string' && typeById.has(c)));
  const details = {};
  for (const type of tagTypes) {
    const parsed = parseTagDetail(form, type);
    details[type.id] = parsed.detail;
    if (chosen.has(type.id)) Object.assign(errors, parsed.errors);
  }
  if (Object.keys(errors).length) {
    const screen = mode === 'edit' ? 'residentEdit' : 'residentNew';
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
    const f = tag.fields;
    const live = (!f.ended_on || f.ended_on > today) && (!f.started_on || f.started_on <= today);
    if (live && !active.has(f.tag)) active.set(f.tag, tag);
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
  return show(ctx, call, 'household', `/app/households/${householdId}`, { message });
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// --- patrol findings -------------------------------------------------------------------------

async function patrolNew(ctx, call) {
  const form = await call.request.formData();
  const [categories, areas] = await Promise.all([ctx.storage.listByEntity('finding_category'), ctx.storage.listByEntity('area')]);
  const grids = areas.filter((a) => a.fields.level === 'grid');
  const values = {
    category: str(form, 'category'),
    description: str(form, 'description'),
    address: str(form, 'address'),
    urgency: str(form, 'urgency') || 'normal',
    grid_id: str(form, 'grid_id') || (grids.length === 1 ? grids[0].id : ''),
    lat: str(form, 'lat'),
    lng: str(form, 'lng'),
    accuracy: str(form, 'accuracy'),
  };
  const errors = {};
  if (!values.category) errors.category = 'required';
  else if (!categories.some((c) => c.id === values.category)) errors.category = 'invalid_choice';
  if (!values.description) errors.description = 'required';
  else if (values.description.length > 2000) errors.description = 'too_long';
  if (values.address.length > 200) errors.address = 'too_long';
  if (!inEnum('urgency', values.urgency)) errors.urgency = 'invalid_choice';
  if (!values.grid_id) errors.grid_id = 'required';
  else if (!grids.some((g) => g.id === values.grid_id)) errors.grid_id = 'invalid_choice';
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, 'patrolNew', { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const fields = {
    grid_id: values.grid_id,
    source: call.user.role === 'patrol_volunteer' ? 'patrol' : 'grid',
    category: values.category,
    description: values.description,
    urgency: values.urgency,
    photos,
    reported_at: isoSeconds(ctx.now()),
  };
  if (values.address) fields.address = values.address;
  const lat = number(form, 'lat', -90, 90);
  const lng = number(form, 'lng', -180, 180);
  if (lat !== null && lng !== null) {
    fields.lat = lat;
    fields.lng = lng;
    const accuracy = number(form, 'accuracy', 0, 100000);
    if (accuracy !== null) fields.accuracy = accuracy;
  }
  await ctx.engine.createChange('finding', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, 'patrol', '/app/patrol', {
    message: t('已上报{photos}，已存本机，联网后自动同步', { photos: photos.length ? t('（照片 {n} 张）', { n: photos.length }) : '' }),
  });
}

/**
 * POST /app/patrol/<id>/check: the reporter's check of a case the unit reported handled. A pass
 * (已核查) lets the community close it; a fail sends it back to 处置中 with what is still wrong.
 */
async function patrolCheck(ctx, call) {
  const [findingId] = call.params;
  const finding = await ctx.storage.view('finding', findingId);
  const form = await call.request.formData();
  const result = str(form, 'result');
  const values = { opinion: str(form, 'opinion') };
  const errors = {};
  if (!['verified', 'in_progress'].includes(result)) errors.result = 'invalid_choice';
  if (result === 'in_progress' && !values.opinion) errors.opinion = 'required';
  if (values.opinion.length > 2000) errors.opinion = 'too_long';
  // A second tap or a stale page: answer with the list and a note rather than queue a step the
  // server would refuse as stale.
  if (!finding || !isAwaitingCheck(finding, await ctx.storage.listByRef('case_step', findingId), call.user.id)) {
    return show(ctx, call, 'patrol', '/app/patrol', { message: t('这条上报现在不需要核查（可能已核查过或状态已变化）'), messageKind: 'warn' });
  }
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, 'patrolCheck', { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const fields = { finding_id: findingId, from_status: 'resolved', to_status: result, photos, at: isoSeconds(ctx.now()) };
  if (values.opinion) fields.opinion = values.opinion;
  await ctx.engine.createChange('case_step', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, 'patrol', '/app/patrol', {
    message: result === 'verified' ? t('已核查通过，已存本机，联网后自动同步') : t('已退回重新处置，已存本机，联网后自动同步'),
  });
}

// --- sync page -------------------------------------------------------------------------------

function safeNext(path) {
  return typeof path === 'string' && /^\/app\/[a-z/]*$/.test(path) ? path : '/app/';
}

const SCREEN_OF = { '/app/': 'home', '/app/sync': 'sync', '/app/patrol': 'patrol', '/app/due': 'due' };

/** POST /app/sync/run (the sync button when the page script did not catch it): sync, then show `next`. */
async function syncRun(ctx, call) {
  const form = await call.request.formData();
  const next = safeNext(str(form, 'next'));
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve({ state: 'timeout' }), SYNC_WAIT_MS); });
  let outcome;
  try {
    outcome = await Promise.race([ctx.requestSync('button'), timeout]);
  } catch (error) {
    outcome = { state: 'error', error: 'failed', message: String(error?.message ?? error) };
  } finally {
    clearTimeout(timer);
  }
  if (outcome?.error === 'device_revoked') {
    return ctx.respond(call.request, loginView({ message: t('此设备已被停用，本机数据已清除。'), messageKind: 'warn' }), {
      push: '/app/login', redirect: '/app/login?revoked=1',
    });
  }
  const messages = {
    done: [t('同步完成'), 'ok'],
    timeout: [t('同步仍在进行，完成后页面会自动刷新'), 'warn'],
    offline: [t('网络不可用：修改已保存在本机，联网后会自动同步'), 'warn'],
    update_required: [t('应用版本过旧，请更新后再同步'), 'error'],
    failed: [t('同步失败：{reason}', { reason: outcome?.message || t('请稍后重试') }), 'error'],
  };
  let [message, kind] = messages[outcome?.state === 'error' ? (outcome.error || 'failed') : (outcome?.state || 'done')] || messages.done;
  if (outcome?.state === 'done' && outcome.rejected) {
    message += t('，有 {n} 条修改被退回，请处理', { n: outcome.rejected });
    kind = 'warn';
  }
  return show(ctx, call, SCREEN_OF[next] || 'home', next, { message, messageKind: kind });
}

/** Set a value at a field path ('detail.kin_phone' writes fields.detail.kin_phone). */
function setAt(fields, path, value) {
  if (Object.prototype.hasOwnProperty.call(fields, path) || !path.includes('.')) {
    fields[path] = value;
    return;
  }
  const [head, ...rest] = path.split('.');
  const inner = fields[head] && typeof fields[head] === 'object' ? { ...fields[head] } : {};
  setAt(inner, rest.join('.'), value);
  fields[head] = inner;
}

function getAt(fields, path) {
  if (Object.prototype.hasOwnProperty.call(fields, path)) return fields[path];
  return path.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), fields);
}

/** A typed value from the fix form, shaped like the value it replaces. */
export function coerce(text, original) {
  if (typeof original === 'number') {
    if (text === '') return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (typeof original === 'boolean') return text === 'true' || text === zh('是') || text === t('是') || text === '1';
  if (original !== null && typeof original === 'object') {
    return JSON.parse(text);
  }
  if (text === '' && (original === null || original === undefined)) return null;
  return text;
}

/** POST /app/sync/rejected/<change id>: the worker's fixed values replace the rejected change. */
async function resend(ctx, call) {
  const [changeId] = call.params;
  const change = await ctx.storage.change(changeId);
  if (!change || change.status !== 'rejected') {
    return show(ctx, call, 'sync', '/app/sync', { message: t('这条修改已经处理过了'), messageKind: 'warn' });
  }
  const form = await call.request.formData();
  const fields = JSON.parse(JSON.stringify(change.fields || {}));
  try {
    for (const [key, value] of form.entries()) {
      if (!key.startsWith('f.') || typeof value !== 'string') continue;
      const path = key.slice(2);
      let next = coerce(value.trim(), getAt(change.fields || {}, path));
      if (path === 'id_number' && typeof next === 'string' && (fields.id_type ?? 'resident_id') === 'resident_id') next = normaliseIdNumber(next);
      setAt(fields, path, next);
    }
  } catch {
    return show(ctx, call, 'sync', '/app/sync', { message: t('内容格式不正确，请检查后再提交'), messageKind: 'error' }, { status: 422 });
  }
  await ctx.engine.replaceRejected(changeId, change.op === 'delete' ? {} : fields);
  await afterWrite(ctx);
  return show(ctx, call, 'sync', '/app/sync', { message: t('已重新提交（已存本机，待同步）') });
}

/** POST /app/sync/rejected/<change id>/discard: the worker gives the change up. */
async function discard(ctx, call) {
  const [changeId] = call.params;
  const change = await ctx.storage.change(changeId);
  if (change && change.status === 'rejected') await ctx.storage.discardRejected(changeId);
  return show(ctx, call, 'sync', '/app/sync', { message: t('已放弃这条修改'), messageKind: 'warn' });
}

// --- session -------------------------------------------------------------------------------------

/** POST /app/login: needs the network once; the first download then runs in the background. */
async function login(ctx, call) {
  const form = await call.request.formData();
  const username = str(form, 'username');
  const password = typeof form.get('password') === 'string' ? form.get('password') : '';
  const retry = (error) => ctx.respond(call.request, loginView({ username, error }), { status: 422 });
  if (!username || !password) return retry(t('请输入用户名和密码'));
  try {
    await ctx.engine.login(username, password);
  } catch (error) {
    const name = error?.name; // set explicitly by engine.js, so it survives minification
    if (name === 'Offline') return retry(t('无法连接服务器：首次登录需要联网，请检查网络后重试'));
    if (name === 'DeviceRevoked') return retry(t('此设备已被停用，本机数据已清除。请联系社区管理员'));
    if (name === 'UpdateRequired') return retry(t('应用版本过旧，请更新后再登录'));
    if (error?.body?.message) return retry(error.body.message);
    return retry(t('登录失败，请稍后重试'));
  }
  // The first download starts now; the home screen refreshes itself when it is done.
  Promise.resolve().then(() => ctx.requestSync?.('login')).catch(() => {});
  return show(ctx, { ...call, user: await ctx.storage.getMeta('user') }, 'home', '/app/', { message: t('登录成功，正在下载本网格数据') });
}

/** POST /app/logout: clears this phone's data; asks first while changes are unsynced. */
async function logout(ctx, call) {
  const form = await call.request.formData();
  const [pending, rejected] = await Promise.all([ctx.storage.outboxCount('pending'), ctx.storage.outboxCount('rejected')]);
  if (pending + rejected > 0 && str(form, 'confirm') !== '1') {
    return show(ctx, call, 'sync', '/app/sync', { confirmLogout: true }, { status: 200 });
  }
  await ctx.engine.logout();
  return ctx.respond(call.request, loginView({ message: t('已退出登录，本机数据已清除'), messageKind: 'ok' }), {
    push: '/app/login', redirect: '/app/login',
  });
}

/**
 * POST /app/lang: store the interface language ('zh' or 'en') and reload `next` as a whole page,
 * so the shell (tab bar, <html lang>, the page script's texts) changes with the screen.
 */
async function lang(ctx, call) {
  const form = await call.request.formData();
  const choice = str(form, 'lang') === 'en' ? 'en' : 'zh';
  await ctx.storage.setMeta('lang', choice);  // the next request (the reload) reads it
  const next = safeNext(str(form, 'next'));
  if (call.request.headers.get('HX-Request') === 'true') {
    return new Response(null, { status: 204, headers: { 'HX-Redirect': next } });
  }
  return new Response(null, { status: 303, headers: { Location: next } });
}

export const ACTIONS = {
  login,
  logout,
  lang,
  visit,
  visitFix,
  residentNew: (ctx, call) => saveResident(ctx, call, 'new'),
  residentEdit: (ctx, call) => saveResident(ctx, call, 'edit'),
  patrolNew,
  patrolCheck,
  syncRun,
  resend,
  discard,
};
