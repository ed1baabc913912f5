// How residents come and go and what a household's status needs: the phone's twin of
// server/registry/rules.py (movement_errors, household_errors), held to the same answers by
// tests/vectors/registry_rules.json. Dates are YYYY-MM-DD strings, compared as text.

/** The codes' Chinese messages (English in the i18n catalogue). */
export const MESSAGES = Object.freeze({
  left_by_required: '请选择离开方式（迁出或死亡）',
  moved_out_on_required: '请填写迁出或死亡日期',
  before_birth: '日期不能早于出生日期',
  before_moved_in: '迁出日期不能早于迁入日期',
  birth_needs_birth_date: '出生登记须填写出生日期',
  birth_arrival_date: '出生登记的迁入日期应与出生日期相同',
  merged_into_required: '请选择合并到的住户',
  merged_into_self: '不能合并到本户',
  merged_into_unknown: '合并到的住户须是同一网格的其他住户',
  merged_into_only_merged: '只有已合并的住户才填写合并到的住户',
  lease_for_rented_only: '租约到期日仅适用于出租房屋',
});

const day = (value) => (value === undefined || value === null || value === '' ? null : String(value));

/** {field: code} for a resident's arrival and departure (the whole record's state). */
export function movementErrors(state, { today }) {
  const errors = {};
  const birth = day(state.birth_date);
  const movedIn = day(state.moved_in_on);
  const out = day(state.moved_out_on);
  if (out !== null && !state.left_by) errors.left_by = 'left_by_required';
  if (state.left_by && out === null) errors.moved_out_on = 'moved_out_on_required';
  if (out !== null) {
    if (out > today) errors.moved_out_on = 'future_date';
    else if (birth !== null && out < birth) errors.moved_out_on = 'before_birth';
    else if (movedIn !== null && out < movedIn) errors.moved_out_on = 'before_moved_in';
  }
  if (state.arrived_by === 'birth') {
    if (birth === null) errors.birth_date = 'birth_needs_birth_date';
    else if (movedIn !== birth) errors.moved_in_on = 'birth_arrival_date';
  } else if (movedIn !== null) {
    if (movedIn > today) errors.moved_in_on = 'future_date';
    else if (birth !== null && movedIn < birth) errors.moved_in_on = 'before_birth';
  }
  return errors;
}

/**
 * {field: code} for a household's status and lease. `state` carries its grid_id; `target` is the
 * household it merged into as {grid_id, deleted}, or null when this phone does not have it.
 */
export function householdErrors(state, { id = null, target = null } = {}) {
  const errors = {};
  const into = state.merged_into_id;
  if (state.status === 'merged') {
    if (!into) errors.merged_into_id = 'merged_into_required';
    else if (into === id) errors.merged_into_id = 'merged_into_self';
    else if (!target || target.deleted || target.grid_id !== state.grid_id) errors.merged_into_id = 'merged_into_unknown';
  } else if (into) {
    errors.merged_into_id = 'merged_into_only_merged';
  }
  if (state.lease_end && state.housing_use !== 'rented') errors.lease_end = 'lease_for_rented_only';
  return errors;
}

/** Days until a rented home's lease ends, when that is within `window` days or past; else null. */
export function leaseReminder(household, today, window = 14) {
  const f = household?.fields || {};
  if (f.housing_use !== 'rented' || !f.lease_end || (f.status && f.status !== 'active')) return null;
  const ms = Date.parse(`${f.lease_end}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`);
  const days = Math.round(ms / 86400000);
  return days <= window ? days : null;
}
