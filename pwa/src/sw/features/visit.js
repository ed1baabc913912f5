// Visits: the visit sheet on a household's screen and what it posts, the correction of a visit the
// community returned, and the residents due (or overdue) for a care visit.

import { rankDue, riskLevel, tagCounts } from '../../core/due_rank.js';
import { uuid7 } from '../../core/ids.js';
import { isoSeconds } from '../../core/time.js';
import { t } from '../../i18n/index.js';
import { isDate, readLocation, str } from '../forms.js';
import { photosOfValidForm } from '../photos.js';
import { loadCare, mapById } from '../queries.js';
import { afterWrite, invalid, show } from '../reply.js';
import { careStatus, DUE_WINDOW_DAYS } from '../views/care.js';
import { dueView } from '../views/due.js';
import { leaseReminders } from '../views/registry.js';
import { address, isCode, label } from '../views/labels.js';
import { forbiddenView, notFoundView } from '../views/screen.js';
import { visitFixView } from '../views/visit_fix.js';
import { homeScreen } from './home.js';
import { householdScreen } from './household.js';

/** GET /app/households/<id>/visit: the household's screen with the visit sheet open. */
async function visitSheet(ctx, call, extra = {}) {
  return householdScreen(ctx, call, { sheet: true, ...extra });
}

/** GET /app/visits/<id>/fix: a visit the community returned, for its visitor to correct. */
async function visitFixScreen(ctx, { params: [id], user }, extra = {}) {
  const visit = await ctx.storage.view('visit', id);
  if (!visit) return notFoundView({ what: t('走访记录') });
  if (visit.fields.visitor_id !== user.id || visit.fields.review_status !== 'returned') {
    return forbiddenView({ role: user.role });
  }
  const household = await ctx.storage.view('household', visit.fields.household_id);
  const building = household ? await ctx.storage.view('building', household.fields.building_id) : null;
  return visitFixView({ visit, where: household ? address(building, household) : '', ...extra });
}

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
  if (!isCode('method', values.method)) errors.method = 'invalid_choice';
  if (!isCode('outcome', values.outcome)) errors.outcome = 'invalid_choice';
  if (values.notes.length > 2000) errors.notes = 'too_long';
  if (values.needs.length > 2000) errors.needs = 'too_long';
  if (values.follow_up_on && !isDate(values.follow_up_on)) errors.follow_up_on = 'invalid_date';
  return { values, errors };
}

/** POST /app/households/<id>/visits: the routine visit (in_person + normal by default) and any other. */
async function visit(ctx, call) {
  const [householdId] = call.params;
  const household = await ctx.storage.view('household', householdId);
  if (!household) return show(ctx, call, householdScreen, `/app/households/${householdId}`);
  const form = await call.request.formData();
  const { values, errors } = readVisitForm(form, { method: 'in_person', outcome: 'normal' });
  values.resident_ids = form.getAll('resident_ids').filter((v) => typeof v === 'string');
  const residents = await ctx.storage.listByRef('resident', householdId);
  const known = new Set(residents.map((r) => r.id));
  const residentIds = [...new Set(values.resident_ids)].filter((id) => known.has(id)).slice(0, 20);
  const photos = await photosOfValidForm(ctx, form, errors);
  if (Object.keys(errors).length) {
    return invalid(ctx, call, visitSheet, { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
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
  Object.assign(fields, readLocation(form));
  await ctx.engine.createChange('visit', uuid7(ctx.now()), fields);
  await afterWrite(ctx);
  return show(ctx, call, householdScreen, `/app/households/${householdId}`, {
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
    return show(ctx, call, homeScreen, '/app/');
  }
  const { values, errors } = readVisitForm(await call.request.formData());
  if (Object.keys(errors).length) {
    return invalid(ctx, call, visitFixScreen, { values, errors, message: t('请检查标出的内容'), messageKind: 'error' });
  }
  const changed = {};
  for (const [name, value] of Object.entries(values)) {
    const next = value === '' ? null : value;
    if ((visit.fields[name] ?? null) !== next) changed[name] = next;
  }
  if (!Object.keys(changed).length) {
    return invalid(ctx, call, visitFixScreen, { values, message: t('内容没有修改：请按社区意见修改后再提交'), messageKind: 'error' });
  }
  await ctx.engine.createChange('visit', visitId, changed);
  await afterWrite(ctx);
  return show(ctx, call, householdScreen, `/app/households/${visit.fields.household_id}`, {
    message: t('已修改走访记录（已存本机，同步后重新提交给社区）'),
  });
}

/** GET /app/due(?tag=code): residents whose care visit is due within the window, or overdue, most at risk first. */
export async function dueScreen(ctx, call = {}) {
  const today = ctx.today();
  const [care, households, buildings] = await Promise.all([
    loadCare(ctx), ctx.storage.listByEntity('household'), ctx.storage.listByEntity('building'),
  ]);
  const hh = mapById(households);
  const bb = mapById(buildings);
  const entries = careStatus({ ...care, today }).filter((e) => e.days <= DUE_WINDOW_DAYS).map((e) => {
    const household = hh.get(e.resident.fields.household_id) || null;
    return { ...e, household, building: household ? bb.get(household.fields.building_id) || null : null };
  });
  const leases = leaseReminders(households, bb, today);
  const asked = call.url?.searchParams?.get('tag') || null;
  const counts = tagCounts(entries);
  const tag = counts.some((c) => c.code === asked) ? asked : null;
  const ranked = rankDue(entries, { tag }).map((e) => ({ ...e, risk: riskLevel(e) }));
  return dueView({
    entries: ranked, counts, tag, total: entries.length, leases, tagTypes: mapById(care.tagTypes), today, window: DUE_WINDOW_DAYS,
  });
}

export const routes = [
  ['GET', '/app/households/:id/visit', 'visitSheet', 'field', visitSheet],
  ['POST', '/app/households/:id/visits', 'visit', 'field', visit],
  ['GET', '/app/visits/:id/fix', 'visitFix', 'field', visitFixScreen],
  ['POST', '/app/visits/:id/fix', 'visitFix', 'field', visitFix],
  ['GET', '/app/due', 'due', 'field', dueScreen],
];
