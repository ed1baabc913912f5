// The order of the 待访 list: who most needs the knock on the door comes first. A 7-day cycle of an
// 86-year-old living alone must not sink under 90-day tenants only because their dates are older.
//
// Ranked by, in turn:
//   1. the risk level written on any of the resident's tags (detail.risk_level: high > medium > low
//      > none given);
//   2. how vulnerable the tags say the person is: the shortest visit interval the community set for
//      them (独居老人 7 days before 租户 90 days; configuration, not a list in code);
//   3. how late the visit is (most overdue first, then the nearest due date);
//   4. the name, so the order is stable.

const RISK_ORDER = { high: 3, medium: 2, low: 1 };

/** The highest risk level among an entry's tag records: 3 high, 2 medium, 1 low, 0 none given. */
export function riskTier(entry) {
  return Math.max(0, ...(entry.tagRecords || []).map((tag) => RISK_ORDER[tag?.fields?.detail?.risk_level] || 0));
}

/** The risk level code of an entry ('high' | 'medium' | 'low') or null. */
export function riskLevel(entry) {
  const tier = riskTier(entry);
  return Object.keys(RISK_ORDER).find((code) => RISK_ORDER[code] === tier) || null;
}

/** Compare two careStatus entries ({tagRecords, interval, days, resident}) for the 待访 order. */
export function compareDue(a, b) {
  return (riskTier(b) - riskTier(a))
    || (Number(a.interval) - Number(b.interval))
    || (Number(a.days) - Number(b.days))
    || String(a.resident?.fields?.name ?? '').localeCompare(String(b.resident?.fields?.name ?? ''), 'zh');
}

/** The entries ranked for the 待访 list (a new array), optionally only those carrying `tag`. */
export function rankDue(entries, { tag = null } = {}) {
  const chosen = tag ? entries.filter((e) => (e.tags || []).includes(tag)) : entries.slice();
  return chosen.sort(compareDue);
}

/** The tag codes present in the entries, with how many entries carry each: [{code, count}]. */
export function tagCounts(entries) {
  const counts = new Map();
  for (const e of entries) for (const code of new Set(e.tags || [])) counts.set(code, (counts.get(code) || 0) + 1);
  return [...counts].map(([code, count]) => ({ code, count }));
}
