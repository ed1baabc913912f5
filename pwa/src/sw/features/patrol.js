// Patrol: the findings a worker or volunteer reported and where their cases stand, the report form
// (category, description, place, photos, GPS) and the reporter's check of a case the unit reported
// handled.

import { uuid7 } from '../../core/ids.js';
import { isoSeconds } from '../../core/time.js';
import { dictText, t } from '../../i18n/index.js';
import { readLocation, str } from '../forms.js';
import { photosOfValidForm } from '../photos.js';
import { keepPhotos } from './photo.js';
import { gridOf, loadDictionary, loadGrids, mapById } from '../queries.js';
import { afterWrite, invalid, show } from '../reply.js';
import { isCurrentResident } from '../views/care.js';
import { address, isCode } from '../views/labels.js';
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

/**
 * How many of my findings wait for my check: only handled ones of mine have their steps read.
 * Their after-photos are fetched meanwhile (not awaited), so the 核查 screen has them offline.
 */
export async function countAwaitingCheck(ctx, user) {
  const candidates = (await ctx.storage.listByEntity('finding'))
    .filter((f) => f.fields.status === 'resolved' && f.fields.reporter_id === user.id);
  const steps = await Promise.all(candidates.map((f) => ctx.storage.listByRef('case_step', f.id)));
  const waiting = candidates.map((f, i) => [f, steps[i]]).filter(([f, s]) => isAwaitingCheck(f, s, user.id));
  keepPhotos(ctx, waiting.flatMap(([, s]) => s.filter((step) => step.fields.to_status === 'resolved').flatMap((step) => step.fields.photos || [])));
  return waiting.length;
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

/** GET /app/patrol/new; also the form of 转为事件 (visitCaseScreen) and a refused form. */
async function patrolNewScreen(ctx, { user }, extra = {}) {
  const grids = await loadGrids(ctx);
  const categories = await loadDictionary(ctx, 'finding_category', communityOfGrids(grids));
  const values = extra.values || {};
  // A refused 转为事件 form is still about its visit.
  const visit = extra.visit || (values.visit_id && user.role !== 'patrol_volunteer' ? await visitOrigin(ctx, values.visit_id) : null);
  return patrolNewView({
    categories, grids: grids.map((g) => ({ id: g.id, name: g.fields.name })), values: {}, errors: {}, role: user.role, ...extra, visit: visit?.view || null,
  });
}

/**
 * The visit a need comes from, with what the case takes from it: {visit, household, people (who
 * may be named as the one who asked: the residents the visit named, else the household's current
 * ones), requester (the default: the only one of them), fields (prefilled form values), view}; null
 * when the phone does not hold the visit.
 */
async function visitOrigin(ctx, visitId) {
  const visit = await ctx.storage.view('visit', visitId);
  if (!visit) return null;
  const household = await ctx.storage.view('household', visit.fields.household_id);
  const building = household ? await ctx.storage.view('building', household.fields.building_id) : null;
  const residents = (household ? await ctx.storage.listByRef('resident', household.id) : [])
    .filter((r) => isCurrentResident(r, ctx.today()));
  const named = residents.filter((r) => (visit.fields.resident_ids || []).includes(r.id));
  const people = named.length ? named : residents;
  const requester = people.length === 1 ? people[0] : null;
  const where = household ? address(building, household) : '';
  return {
    visit,
    household,
    people,
    requester,
    fields: {
      visit_id: visit.id,
      requester_id: requester?.id || '',
      description: visit.fields.needs || '',
      address: where,
      grid_id: household?.scope?.grid_id ?? (building ? gridOf(building) : ''),
    },
    view: { householdId: visit.fields.household_id, where, people: people.map((r) => ({ id: r.id, name: r.fields.name })) },
  };
}

/** GET /app/visits/<id>/case: 转为事件, the finding form filled from a visit's need. */
async function visitCaseScreen(ctx, call) {
  const origin = await visitOrigin(ctx, call.params[0]);
  if (!origin || !origin.visit.fields.needs) return notFoundView({ what: t('走访诉求') });
  return patrolNewScreen(ctx, call, { values: origin.fields, visit: origin });
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
    visit_id: str(form, 'visit_id'),
    requester_id: str(form, 'requester_id'),
  };
  const errors = {};
  // 转为事件: the visit must be one this phone holds; a patrol volunteer has no visits (and may name no resident).
  const origin = values.visit_id && call.user.role !== 'patrol_volunteer' ? await visitOrigin(ctx, values.visit_id) : null;
  if (values.visit_id && !origin) errors.visit_id = 'invalid_value';
  const requester = origin && values.requester_id ? origin.people.find((r) => r.id === values.requester_id) : null;
  if (origin && values.requester_id && !requester) errors.requester_id = 'invalid_value';
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
    source: origin ? 'visit' : call.user.role === 'patrol_volunteer' ? 'patrol' : 'grid',
    category: values.category,
    description: values.description,
    urgency: values.urgency,
    photos,
    reported_at: isoSeconds(ctx.now()),
  };
  if (values.address) fields.address = values.address;
  if (origin) {
    fields.visit_id = origin.visit.id;
    if (requester) {
      fields.requester_id = requester.id;
      fields.requester_name = requester.fields.name;
    }
  }
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
  ['GET', '/app/visits/:id/case', 'visitCase', 'field', visitCaseScreen],
  ['POST', '/app/patrol/:id/check', 'patrolCheck', 'patrol', patrolCheck],
];
