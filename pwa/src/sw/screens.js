// The screens the service worker answers under /app/: URL → data loaded through the storage API →
// a pure view (views/*.js) → a Response. POST URLs go to actions.js.
//
// createRouter(deps) is independent of the service worker globals so node tests can drive it
// with a fake-indexeddb store; router.js wires the real modules.
//
// deps: {storage (storage/db.js API), engine (sync/engine.js API), shell(fragment, {title}) →
//        Promise<Response|null> (the precached index.html with the fragment in <main id="screen">),
//        requestSync(reason) → Promise<outcome>, registerBackgroundSync(), now() → ms}

import { todayISO } from '../core/idnumber.js';
import { dictText, setLanguage, t } from '../i18n/index.js';
import { ACTIONS } from './actions.js';
import { buildingView } from './views/building.js';
import { careStatus, doorStatus, isActiveTag, isCurrentResident, DUE_WINDOW_DAYS } from './views/care.js';
import { dueView } from './views/due.js';
import { address, APP_NAME, forbiddenView, notFoundView } from './views/html.js';
import { homeView } from './views/home.js';
import { householdView } from './views/household.js';
import { loginView } from './views/login.js';
import { patrolListView, patrolNewView } from './views/patrol.js';
import { awaitingCheck, isAwaitingCheck, patrolCheckView } from './views/patrol_check.js';
import { idCheck, residentFormView } from './views/resident_form.js';
import { searchRecords, searchView } from './views/search.js';
import { syncView } from './views/sync_page.js';
import { visitFixView } from './views/visit_fix.js';

const ID = '([0-9a-zA-Z_-]{1,64})';

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
async function countAwaitingCheck(ctx, user) {
  const candidates = (await ctx.storage.listByEntity('finding'))
    .filter((f) => f.fields.status === 'resolved' && f.fields.reporter_id === user.id);
  const steps = await Promise.all(candidates.map((f) => ctx.storage.listByRef('case_step', f.id)));
  return candidates.filter((f, i) => isAwaitingCheck(f, steps[i], user.id)).length;
}

// method, pattern, handler name, who may use it ('any' = also logged out, 'patrol' = patrol
// volunteers too, 'field' = every role but patrol volunteers).
export const ROUTES = [
  ['GET', '/app/login', 'login', 'any'],
  ['POST', '/app/login', 'login', 'any'],
  ['GET', '/app/', 'home', 'patrol'],
  ['GET', `/app/buildings/${ID}`, 'building', 'field'],
  ['GET', `/app/households/${ID}`, 'household', 'field'],
  ['GET', `/app/households/${ID}/visit`, 'visitSheet', 'field'],
  ['POST', `/app/households/${ID}/visits`, 'visit', 'field'],
  ['GET', `/app/visits/${ID}/fix`, 'visitFix', 'field'],
  ['POST', `/app/visits/${ID}/fix`, 'visitFix', 'field'],
  ['GET', '/app/residents/new', 'residentNew', 'field'],
  ['POST', '/app/residents/new', 'residentNew', 'field'],
  ['GET', '/app/residents/check-id', 'checkId', 'field'],
  ['GET', `/app/residents/${ID}/edit`, 'residentEdit', 'field'],
  ['POST', `/app/residents/${ID}/edit`, 'residentEdit', 'field'],
  ['GET', '/app/due', 'due', 'field'],
  ['GET', '/app/patrol', 'patrol', 'patrol'],
  ['GET', '/app/patrol/new', 'patrolNew', 'patrol'],
  ['POST', '/app/patrol/new', 'patrolNew', 'patrol'],
  ['GET', `/app/patrol/${ID}/check`, 'patrolCheck', 'patrol'],
  ['POST', `/app/patrol/${ID}/check`, 'patrolCheck', 'patrol'],
  ['GET', '/app/search', 'search', 'field'],
  ['GET', '/app/sync', 'sync', 'patrol'],
  ['POST', '/app/sync/run', 'syncRun', 'patrol'],
  ['POST', `/app/sync/rejected/${ID}`, 'resend', 'patrol'],
  ['POST', `/app/sync/rejected/${ID}/discard`, 'discard', 'patrol'],
  ['POST', '/app/logout', 'logout', 'patrol'],
  ['POST', '/app/lang', 'lang', 'any'],
].map(([method, path, name, access]) => ({ method, pattern: new RegExp(`^${path}$`), name, access }));

/** The route for a method and path: {route, params} or null. */
export function matchRoute(method, pathname) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

const HTML_TYPE = 'text/html; charset=utf-8';
const TITLE = /^\s*<title>([\s\S]*?)<\/title>\s*/;
const APP_SUFFIX = new RegExp(` · ${APP_NAME}$`);
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };

function unescape(text) {
  return text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e]);
}

function isFragmentRequest(request) {
  return request.headers.get('HX-Request') === 'true' && request.headers.get('HX-History-Restore-Request') !== 'true';
}

export function createRouter(deps) {
  const now = deps.now || (() => Date.now());
  const ctx = { ...deps, now, today: () => todayISO(new Date(now())), screens: SCREENS };

  /**
   * A rendered screen as a Response: the fragment for htmx, the whole shell page for navigations.
   * Options: status, push (HX-Push-Url for htmx answers to POSTs), redirect (non-htmx POST → 303).
   */
  async function respond(request, fragment, { status = 200, push = null, redirect = null } = {}) {
    if (isFragmentRequest(request)) {
      const headers = { 'Content-Type': HTML_TYPE, 'Cache-Control': 'no-store' };
      if (push) headers['HX-Push-Url'] = push;
      return new Response(fragment, { status, headers });
    }
    if (redirect && request.method !== 'GET') {
      return new Response(null, { status: 303, headers: { Location: redirect } });
    }
    const m = TITLE.exec(fragment);
    const title = m ? unescape(m[1]).replace(APP_SUFFIX, '') : undefined;
    const page = await ctx.shell(m ? fragment.slice(m[0].length) : fragment, { title });
    if (!page) return null; // the shell is not precached yet: let the network answer
    if (status === 200) return page;
    return new Response(page.body, { status, headers: page.headers });
  }
  ctx.respond = respond;

  async function route(request) {
    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    if (!match) return null;
    const { route: r, params } = match;
    // The interface language of this answer (module state: one device, one setting).
    const [lang, user, token] = await Promise.all(['lang', 'user', 'token'].map((key) => ctx.storage.getMeta(key)));
    setLanguage(lang);
    const loggedIn = Boolean(user && token);
    const call = { request, url, params, user: user || null };
    if (r.access !== 'any' && !loggedIn) {
      const fragment = loginView({ message: t('请先登录'), messageKind: 'warn' });
      if (isFragmentRequest(request)) return respond(request, fragment, { push: '/app/login' });
      return new Response(null, { status: 303, headers: { Location: '/app/login' } });
    }
    if (r.access === 'field' && user?.role === 'patrol_volunteer') {
      return respond(request, forbiddenView({ role: user.role }));
    }
    if (request.method === 'POST') return ACTIONS[r.name](ctx, call);
    return respond(request, await SCREENS[r.name](ctx, call));
  }

  return { route, respond, ctx };
}

// --- data loading --------------------------------------------------------------------------

const byName = (a, b) => String(a.fields.name ?? '').localeCompare(String(b.fields.name ?? ''), 'zh');
const bySort = (a, b) => (Number(a.fields.sort ?? 0) - Number(b.fields.sort ?? 0)) || String(a.id).localeCompare(String(b.id));
const buildingOrder = (a, b) => String(a.fields.number).localeCompare(String(b.fields.number), 'zh', { numeric: true });

function mapById(records) {
  return new Map(records.map((r) => [r.id, r]));
}

function gridOf(building) {
  return building.scope?.grid_id ?? building.fields.grid_id;
}

/** The grids on this device (area rows of level grid), in code then name order. */
export async function loadGrids(ctx) {
  const areas = await ctx.storage.listByEntity('area');
  return areas.filter((a) => a.fields.level === 'grid')
    .sort((a, b) => String(a.fields.code ?? '').localeCompare(String(b.fields.code ?? '')) || byName(a, b));
}

/** Everything the due computation needs, for the whole device. */
export async function loadCare(ctx) {
  const [residents, tags, tagTypes, visits] = await Promise.all([
    ctx.storage.listByEntity('resident'), ctx.storage.listByEntity('resident_tag'),
    ctx.storage.listByEntity('care_tag_type'), ctx.storage.listByEntity('visit'),
  ]);
  return { residents, tags, tagTypes, visits };
}

async function outboxCounts(ctx) {
  const [pending, rejected] = await Promise.all([ctx.storage.outboxCount('pending'), ctx.storage.outboxCount('rejected')]);
  return { pending, rejected };
}

export const SCREENS = {
  async login(ctx, { user, url }) {
    const revoked = url.searchParams.get('revoked');
    return loginView({
      username: user?.username || '',
      message: revoked ? t('此设备已被停用，本机数据已清除。') : '',
      messageKind: 'warn',
    });
  },

  async home(ctx, { user }, extra = {}) {
    const [outbox, lastSync, cursor] = await Promise.all([
      outboxCounts(ctx), ctx.storage.getMeta('last_sync'), ctx.storage.getMeta('cursor'),
    ]);
    const syncing = Boolean(ctx.engine.isSyncing?.());
    const toCheck = await countAwaitingCheck(ctx, user);
    if (user.role === 'patrol_volunteer') {
      return homeView({ user, outbox, lastSync, syncing, firstSync: !cursor, toCheck, ...extra });
    }
    const today = ctx.today();
    const [grids, buildings, households, care] = await Promise.all([
      loadGrids(ctx), ctx.storage.listByEntity('building'), ctx.storage.listByEntity('household'), loadCare(ctx),
    ]);
    const perBuilding = new Map();
    for (const h of households) perBuilding.set(h.fields.building_id, (perBuilding.get(h.fields.building_id) || 0) + 1);
    const gridList = grids.map((g) => ({
      id: g.id,
      name: g.fields.name,
      buildings: buildings.filter((b) => gridOf(b) === g.id).sort(buildingOrder).map((b) => ({
        id: b.id, number: b.fields.number, name: b.fields.name, households: perBuilding.get(b.id) || 0,
      })),
    }));
    // Buildings of a grid the device has no area row for (should not happen): still reachable.
    const known = new Set(grids.map((g) => g.id));
    const orphans = buildings.filter((b) => !known.has(gridOf(b))).sort(buildingOrder);
    if (orphans.length) {
      gridList.push({
        id: '', name: t('其他楼栋'),
        buildings: orphans.map((b) => ({ id: b.id, number: b.fields.number, name: b.fields.name, households: perBuilding.get(b.id) || 0 })),
      });
    }
    const status = careStatus({ ...care, today });
    const due = {
      overdue: status.filter((e) => e.overdue).length,
      due: status.filter((e) => !e.overdue && e.days <= DUE_WINDOW_DAYS).length,
    };
    const returned = care.visits
      .filter((v) => v.fields.review_status === 'returned' && v.fields.visitor_id === user.id)
      .map((v) => ({ id: v.id, visitedAt: v.fields.visited_at, comment: v.fields.review_comment }));
    return homeView({ user, grids: gridList, due, returned, toCheck, outbox, lastSync, syncing, firstSync: !cursor, ...extra });
  },

  async building(ctx, { params: [id] }) {
    const building = await ctx.storage.view('building', id);
    if (!building) return notFoundView({ what: t('楼栋') });
    const today = ctx.today();
    const [households, tagTypes, allTags, areas] = await Promise.all([
      ctx.storage.listByRef('household', id), ctx.storage.listByEntity('care_tag_type'),
      ctx.storage.listByEntity('resident_tag'), loadGrids(ctx),
    ]);
    const perHousehold = await Promise.all(households.map(async (h) => {
      const [residents, visits] = await Promise.all([ctx.storage.listByRef('resident', h.id), ctx.storage.listByRef('visit', h.id)]);
      return { h, residents, visits };
    }));
    const residents = perHousehold.flatMap((p) => p.residents);
    const residentIds = new Set(residents.map((r) => r.id));
    const tags = allTags.filter((t) => residentIds.has(t.fields.resident_id));
    const visits = perHousehold.flatMap((p) => p.visits);
    const care = careStatus({ residents, tags, tagTypes, visits, today });
    const overdue = new Set(care.filter((e) => e.overdue).map((e) => e.resident.id));
    const status = new Map();
    const marks = new Map();
    const types = mapById(tagTypes);
    const order = (code) => Number(types.get(code)?.fields?.sort ?? 99);
    for (const { h, residents: rs, visits: vs } of perHousehold) {
      status.set(h.id, doorStatus({ household: h, residents: rs, visits: vs, overdueResidentIds: overdue, today }));
      const living = new Set(rs.filter((r) => isCurrentResident(r, today)).map((r) => r.id));
      const codes = [...new Set(tags.filter((t) => living.has(t.fields.resident_id) && isActiveTag(t, today)).map((t) => t.fields.tag))];
      marks.set(h.id, codes.sort((a, b) => order(a) - order(b)));
    }
    const grid = areas.find((g) => g.id === gridOf(building));
    return buildingView({ building, households, status, tags: marks, tagTypes: types, gridName: grid?.fields?.name || '' });
  },

  async household(ctx, { params: [id], user, url }, extra = {}) {
    const household = await ctx.storage.view('household', id);
    if (!household) return notFoundView({ what: t('住户') });
    const today = ctx.today();
    const [building, residents, visits, tagTypes] = await Promise.all([
      ctx.storage.view('building', household.fields.building_id), ctx.storage.listByRef('resident', id),
      ctx.storage.listByRef('visit', id), ctx.storage.listByEntity('care_tag_type'),
    ]);
    const tagLists = await Promise.all(residents.map((r) => ctx.storage.listByRef('resident_tag', r.id)));
    const tags = tagLists.flat();
    const care = careStatus({ residents, tags, tagTypes, visits, today });
    const types = mapById(tagTypes);
    const order = (t) => Number(types.get(t.fields.tag)?.fields?.sort ?? 99);
    const relationOrder = ['head', 'spouse', 'parent', 'in_law', 'child', 'grandchild', 'grandparent', 'sibling', 'tenant', 'other'];
    const rank = (r) => { const i = relationOrder.indexOf(r.fields.relation); return i < 0 ? 99 : i; };
    const rows = residents.slice().sort((a, b) => (rank(a) - rank(b)) || String(a.fields.birth_date ?? '').localeCompare(String(b.fields.birth_date ?? '')))
      .map((record) => ({ record, tags: tagLists[residents.indexOf(record)].filter((t) => isActiveTag(t, today)).sort((a, b) => order(a) - order(b)) }));
    const sorted = visits.slice().sort((a, b) => String(b.fields.visited_at).localeCompare(String(a.fields.visited_at)));
    return householdView({
      household,
      building,
      residents: rows,
      tagTypes: types,
      visits: sorted,
      care: new Map(care.map((e) => [e.resident.id, e])),
      residentNames: new Map(residents.map((r) => [r.id, r.fields.name])),
      today,
      user,
      more: url?.searchParams?.get('more') === '1',
      ...extra,
    });
  },

  async visitFix(ctx, { params: [id], user }, extra = {}) {
    const visit = await ctx.storage.view('visit', id);
    if (!visit) return notFoundView({ what: t('走访记录') });
    if (visit.fields.visitor_id !== user.id || visit.fields.review_status !== 'returned') {
      return forbiddenView({ role: user.role });
    }
    const household = await ctx.storage.view('household', visit.fields.household_id);
    const building = household ? await ctx.storage.view('building', household.fields.building_id) : null;
    return visitFixView({ visit, where: household ? address(building, household) : '', ...extra });
  },

  async visitSheet(ctx, call, extra = {}) {
    return SCREENS.household(ctx, call, { sheet: true, ...extra });
  },

  async residentNew(ctx, { url }, extra = {}) {
    const householdId = url.searchParams.get('household');
    const household = householdId ? await ctx.storage.view('household', householdId) : null;
    if (!household) return notFoundView({ what: t('住户') });
    const [building, tagTypes] = await Promise.all([
      ctx.storage.view('building', household.fields.building_id), ctx.storage.listByEntity('care_tag_type'),
    ]);
    return residentFormView({
      mode: 'new', household, building, resident: null, values: {}, tagTypes: tagTypes.sort(bySort),
      chosenTags: new Set(), details: {}, errors: {}, today: ctx.today(), ...extra,
    });
  },

  async residentEdit(ctx, { params: [id] }, extra = {}) {
    const resident = await ctx.storage.view('resident', id);
    if (!resident) return notFoundView({ what: t('居民') });
    const today = ctx.today();
    const household = await ctx.storage.view('household', resident.fields.household_id);
    if (!household) return notFoundView({ what: t('住户') });
    const [building, tagTypes, tags] = await Promise.all([
      ctx.storage.view('building', household.fields.building_id), ctx.storage.listByEntity('care_tag_type'),
      ctx.storage.listByRef('resident_tag', id),
    ]);
    const active = tags.filter((t) => isActiveTag(t, today));
    const details = {};
    for (const t of active) details[t.fields.tag] = { ...(t.fields.detail || {}) };
    return residentFormView({
      mode: 'edit', household, building, resident, values: { ...resident.fields }, tagTypes: tagTypes.sort(bySort),
      chosenTags: new Set(active.map((t) => t.fields.tag)), details, errors: {}, today, ...extra,
    });
  },

  async checkId(ctx, { url }) {
    const q = url.searchParams;
    return idCheck({
      id_type: q.get('id_type') || 'resident_id', id_number: q.get('id_number') || '',
      birth_date: q.get('birth_date') || '', sex: q.get('sex') || '',
    }, { today: ctx.today() });
  },

  async due(ctx) {
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
    return dueView({ entries, tagTypes: mapById(care.tagTypes), today, window: DUE_WINDOW_DAYS });
  },

  async patrol(ctx, { user }, extra = {}) {
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
  },

  async patrolCheck(ctx, { params: [id], user }, extra = {}) {
    const finding = await ctx.storage.view('finding', id);
    if (!finding) return notFoundView({ what: t('上报事件') });
    const [steps, categories] = await Promise.all([ctx.storage.listByRef('case_step', id), ctx.storage.listByEntity('finding_category')]);
    const stepsBy = stepsByFinding(steps);
    if (!isAwaitingCheck(finding, steps, user.id)) {
      return SCREENS.patrol(ctx, { user }, { message: t('这条上报现在不需要核查（可能已核查过或状态已变化）'), messageKind: 'warn' });
    }
    const feedback = (stepsBy.get(id) || []).filter((s) => s.fields.to_status === 'resolved').pop() || null;
    const cats = mapById(categories);
    const category = cats.get(finding.fields.category);
    const parent = category?.fields?.parent_id ? cats.get(category.fields.parent_id) : null;
    const categoryName = category ? `${parent ? `${dictText(parent.fields)} / ` : ''}${dictText(category.fields)}` : '';
    return patrolCheckView({ finding, feedback, categoryName, ...extra });
  },

  async patrolNew(ctx, { user }, extra = {}) {
    const [categories, grids] = await Promise.all([ctx.storage.listByEntity('finding_category'), loadGrids(ctx)]);
    return patrolNewView({
      categories, grids: grids.map((g) => ({ id: g.id, name: g.fields.name })), values: {}, errors: {}, role: user.role, ...extra,
    });
  },

  async search(ctx, { url }) {
    const q = (url.searchParams.get('q') || '').slice(0, 50);
    const today = ctx.today();
    if (!q.trim()) return searchView({ q, results: null, today });
    const [residents, households, buildings] = await Promise.all([
      ctx.storage.listByEntity('resident'), ctx.storage.listByEntity('household'), ctx.storage.listByEntity('building'),
    ]);
    return searchView({ q, results: searchRecords({ q, residents, households, buildings, today }), today });
  },

  async sync(ctx, { user }, extra = {}) {
    const [pending, rejected, lastSync, estimate] = await Promise.all([
      ctx.storage.outbox('pending'), ctx.storage.outbox('rejected'), ctx.storage.getMeta('last_sync'),
      ctx.storage.estimate().catch(() => null),
    ]);
    const describe = new Map();
    for (const change of rejected) {
      const record = await ctx.storage.view(change.entity, change.record_id);
      describe.set(`${change.entity}:${change.record_id}`, describeRecord(change.entity, record?.fields || change.fields || {}));
    }
    return syncView({
      pending, rejected, estimate, lastSync, user, describe, syncing: Boolean(ctx.engine.isSyncing?.()),
      canDiscard: typeof ctx.storage.discardRejected === 'function', ...extra,
    });
  },
};

/** A few words that tell the worker which record a rejected change is about. */
export function describeRecord(entity, f) {
  switch (entity) {
    case 'resident': return f.name || '';
    case 'household': return f.room ? t('{unit}单元{room}', { unit: f.unit ?? '', room: f.room }) : '';
    case 'building': return f.number ? t('{number}号楼', { number: f.number }) : '';
    case 'visit': return f.visited_at ? t('走访 {date}', { date: String(f.visited_at).slice(0, 10) }) : '';
    case 'finding': return String(f.description || '').slice(0, 30);
    case 'resident_tag': return f.tag || '';
    default: return '';
  }
}
