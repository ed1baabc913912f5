// The dictionaries as one community sees them (care tags, finding categories): the same rule as
// server/core/dictionary.py. An installation row (no community_id) applies everywhere; a
// community's row either tunes one (`base` = its code; only the fields named in `tuned` count)
// or is the community's own entry. Rows of other communities never apply.
//
// Rows are viewed records {entity, id, fields, scope}; entries come back in the same shape, with
// the code as id (what resident_tag.tag and finding.category hold).

export const TUNABLE = {
  care_tag_type: ['interval_days', 'detail_fields', 'active'],
  finding_category: ['active'],
};

const bySort = (a, b) => (Number(a.fields.sort ?? 0) - Number(b.fields.sort ?? 0)) || String(a.id).localeCompare(String(b.id));

/** [entry] of `communityId` (null: the installation's alone), in dictionary order. */
export function resolveDictionary(rows, communityId, tunable = TUNABLE.care_tag_type) {
  const entries = new Map();
  for (const row of rows || []) {
    const f = row.fields || {};
    if (!f.community_id) {
      entries.set(row.id, { ...row, fields: { ...f }, tuned: [], own: false });
    } else if (f.community_id === communityId && !f.base) {
      entries.set(row.id, { ...row, fields: { ...f }, tuned: [...tunable], own: true });
    }
  }
  for (const row of rows || []) {
    const f = row.fields || {};
    if (!f.community_id || f.community_id !== communityId || !f.base) continue;
    const entry = entries.get(f.base);
    if (!entry || entry.own) continue;
    const tuned = (Array.isArray(f.tuned) ? f.tuned : []).filter((name) => tunable.includes(name));
    for (const name of tuned) entry.fields[name] = f[name];
    entry.tuned = tuned;
  }
  return [...entries.values()].sort(bySort);
}

/** Whether an entry may be chosen for something new (switched off: kept where given, not offered). */
export function isActiveEntry(entry) {
  return entry?.fields?.active !== false;
}

/** The one community whose rows a device holds, or null (none, or several: a street admin's). */
export function onlyCommunity(rows) {
  const seen = new Set((rows || []).map((r) => r.fields?.community_id).filter(Boolean));
  return seen.size === 1 ? [...seen][0] : null;
}

/**
 * community id -> Map(code -> entry), each community resolved once. A record only the outbox
 * knows has no scope yet: its community (null) is taken as the device's only one, if it has one.
 */
export function dictionaryIndex(rows, tunable = TUNABLE.care_tag_type) {
  const cache = new Map();
  const fallback = onlyCommunity(rows);
  return (communityId) => {
    const key = communityId ?? fallback;
    if (!cache.has(key)) cache.set(key, new Map(resolveDictionary(rows, key, tunable).map((e) => [e.id, e])));
    return cache.get(key);
  };
}

/** Entries to offer in a picker: the active ones, and those already chosen (`keep`: codes). */
export function pickable(entries, keep = new Set()) {
  return entries.filter((e) => isActiveEntry(e) || keep.has(e.id));
}
