// Patrol: the findings a worker or volunteer reported and where their cases stand, the report form
// (category, description, place, photos, GPS) and the reporter's check of a case the unit reported
// handled.

import { uuid7 } from '../../core/ids.js';
import { isoSeconds } from '../../core/time.js';
import { dictText, t } from '../../i18n/index.js';
import { readLocation, str } from '../forms.js';
import { photosOfValidForm } from '../photos.js';
import { loadDictionary, loadGrids, mapById } from '../queries.js';
import { afterWrite, invalid, show } from '../reply.js';
import { isCode } from '../views/labels.js';
import { patrolListView, patrolNewView } from '../views/patrol.js';
import { awaitingCheck, isAwaitingCheck, patrolCheckView } from '../views/patrol_check.js';
import { notFoundView } from '../views/screen.js';

/** Case steps grouped by finding, oldest first. */
function stepsByFinding(steps) {
  const by = new Map();
  for (const s of steps.slice().sort((a, b) => String(a.fields.at).localeCompare(String(b.fields.at)))) {
    if (!by.has(s.fields.finding_id)) by.set(s.fields.finding_id, []);
    by.get(s.fields.finding_id).push(s);
  }
  return by;
}

/** How many of my findings wait for my check: only handled ones of mine have their steps read. */
export async function countAwaitingCheck(ctx, user) {
  const candidates = (await ctx.storage.listByEntity('finding'))
    .filter((f) => f.fields.status === 'resolved' && f.fields.reporter_id === user.id);
  const steps = await Promise.all(candidates.map((f) => ctx.storage.listByRef('case_step', f.id)));
  return candidates.filter((f, i) => isAwaitingCheck(f, steps[i], user.id)).length;
}

/** GET /app/patrol: my findings, newest first. */
export async function patrolScreen(ctx, { user }, extra = {}) {
  const [findings, steps, categories, rejected] = await Promise.all([
    ctx.storage.listByEntity('finding'), ctx.storage.listByEntity('case_step'),
    ctx.storage.listByEntity('finding_category'), ctx.storage.outbox('rejected'),
  ]);
  // Mine: reported by me, or created on this phone and not yet synced (reporter_id is set by the server).
  const mine = findings.filter((f) => f.fields.reporter_id === user.id || (!f.fields.reporter_id && f.pending))
    .sort((a, b) => String(b.fields.reported_at).localeCompare(String(a.fields.reported_at)));
  const stepsBy = stepsByFinding(steps);
  const rejectedIds = new Set(rejected.filter((c) => c.entity === 'finding').map((c) => c.record_id));
  // A rejected create is not in the view any more: show it from the outbox so it is not lost.
  for (const c of rejected) {
    if (c.entity === 'finding' && c.op === 'upsert' && !mine.some((f) => f.id === c.record_id) && c.fields.description) {
      mine.unshift({ entity: 'finding', id: c.record_id, fields: { ...c.fields }, scope: null, pending: false });
    }
  }
  const checkIds = new Set(awaitingCheck(mine, stepsBy, user.id).map((f) => f.id));
  return patrolListView({
    findings: mine, steps: stepsBy, categories: mapById(categories), rejectedIds, checkIds, role: user.role, now: ctx.now(), ...extra,
  });
}

/** The community of the device's grids when they share one (a grid row's parent is its community). */
function communityOfGrids(grids) {
  const communities = new Set(grids.map((g) => g.fields.parent_id).filter(Boolean));
  return communities.size === 1 ? [...communities][0] : null;
}

/** GET /app/patrol/new */
async function patrolNewScreen(ctx, { user }, extra = {}) {
  const grids = await loadGrids(ctx);
  const categories = await loadDictionary(ctx, 'finding_category', communityOfGrids(grids));
  return patrolNewView({
    categories, grids: grids.map((g) => ({ id: g.id, name: g.fields.name })), values: {}, errors: {}, role: user.role, ...extra,
  });
}

/** GET /app/patrol/<id>/check */
async function patrolCheckScreen(ctx, { params: [id], user }, extra = {}) {
  const finding = await ctx.storage.view('finding', id);
  if (!finding) return notFoundView({ what: t('上报事件') });
  const [steps, categories] = await Promise.all([ctx.storage.listByRef('case_step', id), ctx.storage.listByEntity('finding_category')]);
  const stepsBy = stepsByFinding(steps);
  if (!isAwaitingCheck(finding, steps, user.id)) {
    return patrolScreen(ctx, { user }, { message: t('这条上报现在不需要核查（可能已核查过或状态已变化）'), messageKind: 'warn' });
  }
  const feedback = (stepsBy.get(id) || []).filter((s) => s.fields.to_status === 'resolved').pop() || null;
  const cats = mapById(categories);
  const category = cats.get(finding.fields.category);
  const parent = category?.fields?.parent_id ? cats.get(category.fields.parent_id) : null;
  const categoryName = category ? `${parent ? `${dictText(parent.fields)} / ` : ''}${dictText(category.fields)}` : '';
  return patrolCheckView({ finding, feedback, categoryName, ...extra });
}

/** POST /app/patrol/new: a finding reported from the street. */
async function patrolNew(ctx, call) {
  const form = await call.request.formData();
  const areas = await ctx.storage.listByEntity('area');
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
  // The categories of the chosen grid's community (a switched-off one is no longer offered).
  const chosenGrid = grids.find((g) => g.id === values.grid_id);
  const categories = await loadDictionary(ctx, 'finding_category', chosenGrid ? chosenGrid.fields.parent_id : communityOfGrids(grids));
  if (!values.category) errors.category = 'required';
  else if (!categories.some((c) => c.id === values.category)) errors.category = 'invalid_choice';
  if (!values.description) errors.description = 'required';
  else if (values.description.length > 2000) errors.description = 'too_long';
  if (values.address.length > 200) errors.address = 'too_long';
  if (!isCode('urgency', values.urgency)) errors.urgency = 'invalid_choice';
  if (!values.grid_id) errors.grid_id = 'required';
  else if (!grids.some((g) => g.id === values.grid_id)) errors.grid_id = 'invalid_choice';
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, patrolNewScreen, { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
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
  Object.assign(fields, readLocation(form));
  await ctx.engine.createChange('finding', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, patrolScreen, '/app/patrol', {
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
    return show(ctx, call, patrolScreen, '/app/patrol', { message: t('这条上报现在不需要核查（可能已核查过或状态已变化）'), messageKind: 'warn' });
  }
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, patrolCheckScreen, { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const fields = { finding_id: findingId, from_status: 'resolved', to_status: result, photos, at: isoSeconds(ctx.now()) };
  if (values.opinion) fields.opinion = values.opinion;
  await ctx.engine.createChange('case_step', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, patrolScreen, '/app/patrol', {
    message: result === 'verified' ? t('已核查通过，已存本机，联网后自动同步') : t('已要求重新处置，已存本机，联网后自动同步'),
  });
}

export const routes = [
  ['GET', '/app/patrol', 'patrol', 'patrol', patrolScreen],
  ['GET', '/app/patrol/new', 'patrolNew', 'patrol', patrolNewScreen],
  ['POST', '/app/patrol/new', 'patrolNew', 'patrol', patrolNew],
  ['GET', '/app/patrol/:id/check', 'patrolCheck', 'patrol', patrolCheckScreen],
  ['POST', '/app/patrol/:id/check', 'patrolCheck', 'patrol', patrolCheck],
];
