// Reads several screens share, through the storage API (ctx.storage): the grids on this device,
// what the care schedule needs, the outbox counts, and small helpers over viewed records.

import { TUNABLE, onlyCommunity, pickable, resolveDictionary } from '../core/dictionaries.js';

const byName = (a, b) => String(a.fields.name ?? '').localeCompare(String(b.fields.name ?? ''), 'zh');

/** id → record. */
export function mapById(records) {
  return new Map(records.map((r) => [r.id, r]));
}

/** The grid a building belongs to: its scope's, or its own field when it has no scope. */
export function gridOf(building) {
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

/** {pending, rejected}: how many changes wait in the outbox. */
export async function outboxCounts(ctx) {
  const [pending, rejected] = await Promise.all([ctx.storage.outboxCount('pending'), ctx.storage.outboxCount('rejected')]);
  return { pending, rejected };
}

/**
 * A dictionary (care_tag_type, finding_category) as `communityId` tuned it, for a picker: the
 * active entries and those in `keep` (codes already chosen). Without a community (a record only
 * the outbox knows), the device's only community, if it has one.
 */
export async function loadDictionary(ctx, entity, communityId, keep = new Set()) {
  const rows = await ctx.storage.listByEntity(entity);
  return pickable(resolveDictionary(rows, communityId ?? onlyCommunity(rows), TUNABLE[entity]), keep);
}
