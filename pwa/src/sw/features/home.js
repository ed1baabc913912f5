// The home screen: the worker's grids and buildings, what is due or overdue, visits the community
// returned, findings waiting for the reporter's check, and the sync state. A patrol volunteer's
// home has only the patrol and sync parts.

import { t } from '../../i18n/index.js';
import { gridOf, loadCare, loadGrids, outboxCounts } from '../queries.js';
import { careStatus, DUE_WINDOW_DAYS } from '../views/care.js';
import { leaseReminders } from '../views/registry.js';
import { homeView } from '../views/home.js';
import { loadNotices } from './notices.js';
import { countAwaitingCheck } from './patrol.js';

const buildingOrder = (a, b) => String(a.fields.number).localeCompare(String(b.fields.number), 'zh', { numeric: true });

/** GET /app/ */
export async function homeScreen(ctx, { user }, extra = {}) {
  const [outbox, lastSync, cursor] = await Promise.all([
    outboxCounts(ctx), ctx.storage.getMeta('last_sync'), ctx.storage.getMeta('cursor'),
  ]);
  const syncing = Boolean(ctx.engine.isSyncing?.());
  extra = { noPin: !(await ctx.storage.hasPin()), notices: await loadNotices(ctx), ...extra };
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
      id: b.id, number: b.fields.number, name: b.fields.name, estate: b.fields.estate, households: perBuilding.get(b.id) || 0,
    })),
  }));
  // Buildings of a grid the device has no area row for (should not happen): still reachable.
  const known = new Set(grids.map((g) => g.id));
  const orphans = buildings.filter((b) => !known.has(gridOf(b))).sort(buildingOrder);
  if (orphans.length) {
    gridList.push({
      id: '', name: t('其他楼栋'),
      buildings: orphans.map((b) => ({ id: b.id, number: b.fields.number, name: b.fields.name, estate: b.fields.estate, households: perBuilding.get(b.id) || 0 })),
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
  const leases = leaseReminders(households, new Map(buildings.map((b) => [b.id, b])), today);
  return homeView({ user, grids: gridList, due, returned, leases, toCheck, outbox, lastSync, syncing, firstSync: !cursor, ...extra });
}

export const routes = [
  ['GET', '/app/', 'home', 'patrol', homeScreen],
];
