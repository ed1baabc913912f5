// Pure computations behind the screens: who is due for a visit, and the colour of each door.
//
// Records are the storage module's viewed records {entity, id, fields, scope}; dates are
// YYYY-MM-DD in China time, datetimes ISO 8601 UTC as on the wire.

import { layout as doorLayout, roomName as doorRoomName } from '../../core/doors.js';
import { dictionaryIndex } from '../../core/dictionaries.js';
import { addDays, chinaDate, daysBetween } from '../../core/time.js';
import { t } from '../../i18n/index.js';

export const DEFAULT_INTERVAL_DAYS = 30;
export const HIGH_RISK_MAX_DAYS = 7;
export const DUE_WINDOW_DAYS = 7;

/** Whether a resident still lives here on `today` (moving out is a state, never a delete). */
export function isCurrentResident(resident, today) {
  const out = resident?.fields?.moved_out_on;
  return !out || out > today;
}

/** Whether a resident's care tag applies on `today`. */
export function isActiveTag(tag, today) {
  const f = tag?.fields || {};
  if (f.started_on && f.started_on > today) return false;
  return !f.ended_on || f.ended_on > today;
}

/**
 * The visit interval of one care tag: the dictionary's interval_days (configuration, not code),
 * at most 7 days when the tag's detail says high risk (高风险: weekly at least).
 */
export function tagInterval(tag, tagType) {
  const configured = Number(tagType?.fields?.interval_days);
  let days = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_INTERVAL_DAYS;
  if (tag?.fields?.detail?.risk_level === 'high') days = Math.min(days, HIGH_RISK_MAX_DAYS);
  return days;
}

/** Whether a visit saw the household (a "nobody home" knock does not count as a visit). */
export function visitCounts(visit) {
  return visit?.fields?.outcome !== 'not_home';
}

/** Whether a visit covers a resident: it names them, or names nobody (a visit to the whole household). */
export function visitCovers(visit, residentId) {
  const ids = visit?.fields?.resident_ids;
  return !Array.isArray(ids) || ids.length === 0 || ids.includes(residentId);
}

function toMap(records) {
  if (records instanceof Map) return records;
  const map = new Map();
  for (const r of records || []) map.set(r.id, r);
  return map;
}

function groupBy(records, key) {
  const map = new Map();
  for (const r of records || []) {
    const k = r.fields?.[key];
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(r);
  }
  return map;
}

/**
 * Care status of every tagged resident: [{resident, tags, interval, lastVisit, dueOn, days, overdue}],
 * `days` = dueOn - today (negative when overdue). Sorted by due date, the most overdue first.
 *
 * residents, tags (resident_tag), tagTypes (care_tag_type), visits: viewed records.
 */
export function careStatus({ residents, tags, tagTypes, visits, today }) {
  // Each resident's tags are timed by the resident's community's dictionary (its own intervals).
  const typesOf = dictionaryIndex(tagTypes instanceof Map ? [...tagTypes.values()] : tagTypes);
  const residentsById = toMap(residents);
  const visitsByHousehold = groupBy((visits || []).filter(visitCounts), 'household_id');
  const tagsByResident = new Map();
  for (const tag of tags || []) {
    if (!isActiveTag(tag, today)) continue;
    const rid = tag.fields?.resident_id;
    if (!tagsByResident.has(rid)) tagsByResident.set(rid, []);
    tagsByResident.get(rid).push(tag);
  }
  const out = [];
  for (const [rid, residentTags] of tagsByResident) {
    const resident = residentsById.get(rid);
    if (!resident || !isCurrentResident(resident, today)) continue;
    const types = typesOf(resident.scope?.community_id ?? null);
    const interval = Math.min(...residentTags.map((t) => tagInterval(t, types.get(t.fields.tag))));
    let lastVisit = null;
    for (const visit of visitsByHousehold.get(resident.fields.household_id) || []) {
      if (!visitCovers(visit, rid)) continue;
      const day = chinaDate(visit.fields.visited_at);
      if (day && (!lastVisit || day > lastVisit)) lastVisit = day;
    }
    // Never visited: due one interval after the tag was given, or today when that is unknown.
    const starts = residentTags.map((t) => t.fields.started_on).filter(Boolean).sort();
    const dueOn = lastVisit ? addDays(lastVisit, interval) : starts.length ? addDays(starts[0], interval) : today;
    const days = daysBetween(today, dueOn);
    out.push({
      resident,
      tags: residentTags.map((t) => t.fields.tag),
      tagRecords: residentTags,
      interval,
      lastVisit,
      dueOn,
      days,
      overdue: days < 0,
    });
  }
  out.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1
    : String(a.resident.fields.name).localeCompare(String(b.resident.fields.name), 'zh')));
  return out;
}

/**
 * Whether a careStatus entry is due within `window` days (not yet overdue) and was not visited in
 * the last `window` days: a weekly resident seen yesterday is on schedule, not "due soon".
 */
export function isDueSoon(entry, today, window = DUE_WINDOW_DAYS) {
  if (entry.overdue || entry.days > window) return false;
  return !entry.lastVisit || daysBetween(entry.lastVisit, today) >= window;
}

/** The 待访 list: tagged residents overdue or due within `window` days, nearest due date first. */
export function dueList(input, { window = DUE_WINDOW_DAYS } = {}) {
  return careStatus(input).filter((entry) => entry.days <= window);
}

/** A door status: its mark, and its word and description in the language current when read. */
function door(mark, text, label) {
  return Object.freeze({ mark, get text() { return text(); }, get label() { return label(); } });
}

export const DOOR_STATUS = Object.freeze({
  overdue: door('!', () => t('逾期'), () => t('有逾期未访的关爱对象')),
  due: door('◇', () => t('将到期'), () => t('有关爱对象 7 天内到期')),
  visited: door('✓', () => t('已访'), () => t('本月已走访')),
  pending: door('○', () => t('未访'), () => t('本月未走访')),
  vacant: door('—', () => t('空置'), () => t('空置或商用')),
  unregistered: door('', () => t('未登记'), () => t('尚未登记')),
});

/**
 * The colour of one door on the 楼栋户况图:
 * 'vacant' (空置/商用) | 'overdue' (a care resident past due) | 'due' (one due within 7 days: go
 * soon, whether or not the door was knocked on this month) | 'visited' (visited this month) | 'pending'.
 * overdueResidentIds, dueResidentIds: Sets of resident ids (from careStatus).
 */
export function doorStatus({ household, residents, visits, overdueResidentIds, dueResidentIds, today }) {
  const use = household?.fields?.housing_use;
  const gone = ['demolished', 'merged'].includes(household?.fields?.status);
  if (gone || use === 'vacant' || use === 'commercial') return 'vacant';
  const current = (residents || []).filter((r) => isCurrentResident(r, today));
  if (overdueResidentIds && current.some((r) => overdueResidentIds.has(r.id))) return 'overdue';
  if (dueResidentIds && current.some((r) => dueResidentIds.has(r.id))) return 'due';
  const month = today.slice(0, 7);
  const visited = (visits || []).some((v) => visitCounts(v) && chinaDate(v.fields?.visited_at).slice(0, 7) === month);
  return visited ? 'visited' : 'pending';
}

/** The room a door should have: floor 5, door 1 → "501" (the default door pattern). */
export function roomName(floor, door) {
  return doorRoomName(null, 1, floor, door);
}

/**
 * Lay a building's households out on its doors (core/doors.js: the explicit door grid staff edited,
 * else units × floors × doors by the door pattern), top floor first:
 * {units: [{unit, floors: [{floor, doors: [{unit, floor, room, use, household|null}]}]}], others: [household], homes}.
 * `none` doors are not drawn; shop and office doors are drawn but not counted in `homes`.
 * Households whose unit/floor/room match no door are listed in `others`.
 */
export function doorGrid(building, households) {
  const byPlace = new Map();
  const placed = new Set();
  for (const h of households || []) {
    byPlace.set(`${h.fields.unit}|${h.fields.floor}|${h.fields.room}`, h);
  }
  let homes = 0;
  const units = doorLayout(building).map(({ unit, floors }) => ({
    unit,
    floors: floors.map(({ floor, doors }) => ({
      floor,
      doors: doors.map((door) => {
        const household = byPlace.get(`${unit}|${floor}|${door.room}`) || null;
        if (household) placed.add(household.id);
        if (door.use === 'home') homes += 1;
        return { ...door, household };
      }),
    })),
  }));
  const others = (households || []).filter((h) => !placed.has(h.id)).sort((x, y) => (
    (x.fields.unit - y.fields.unit) || (x.fields.floor - y.fields.floor)
    || String(x.fields.room).localeCompare(String(y.fields.room))));
  return { units, others, homes };
}
