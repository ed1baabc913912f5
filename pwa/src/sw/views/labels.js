// The words for codes: choice labels, field names and field error messages, care-tag marks, and
// addresses.
//
// Choice labels come in both languages from the catalogue the server generates
// (../../core/choices.js). Every other text a user reads goes through t() (../../i18n): the field
// tables here stay in Chinese and are translated where they are read (fieldLabel, fieldMessage).

import { CHOICES } from '../../core/choices.js';
import { CREDIT_MESSAGES } from '../../core/creditcode.js';
import { MESSAGES as ID_MESSAGES } from '../../core/idnumber.js';
import { PHONE_MESSAGE } from '../../core/phone.js';
import { MESSAGES as REGISTRY_MESSAGES } from '../../core/registry_rules.js';
import { dictText, language, t, zh } from '../../i18n/index.js';

/** Field labels, for rejected changes and form errors. */
export const FIELD_LABELS = Object.freeze({
  name: '姓名', sex: '性别', birth_date: '出生日期', id_type: '证件类型', id_number: '证件号码', phone: '联系电话',
  ethnicity: '民族', relation: '与户主关系', population_type: '人口类型', permit_expiry: '居住证到期日',
  political_status: '政治面貌', moved_out_on: '迁出日期', notes: '备注', household_id: '所属住户',
  tag: '标签', detail: '标签详情', started_on: '开始日期', ended_on: '结束日期', resident_id: '居民',
  visited_at: '走访时间', method: '走访方式', outcome: '走访结果', needs: '诉求', follow_up_on: '回访日期',
  resident_ids: '走访对象', photos: '照片', lat: '纬度', lng: '经度', accuracy: '定位精度',
  category: '事件类别', description: '描述', address: '地点', urgency: '紧急程度', reported_at: '上报时间',
  source: '来源', grid_id: '网格', building_id: '楼栋', unit: '单元', floor: '楼层', room: '房号',
  housing_use: '房屋用途', registration_status: '人户状态', landlord_name: '房东', landlord_phone: '房东电话',
  contact_phone: '联系电话', kind: '单位类型', credit_code: '统一社会信用代码', contact_name: '联系人',
  employees: '从业人数', status: '状态', handles_cases: '可作为处置单位', from_status: '原状态', to_status: '新状态', opinion: '意见',
  merged_into_id: '合并到的住户', lease_end: '租约到期日', arrived_by: '来由',
  moved_in_on: '迁入日期', moved_in_from: '迁入自', left_by: '离开方式', moved_out_to: '迁往',
});

/** Field error codes (protocol section 11) in Chinese, for checks made on the phone. */
export const FIELD_MESSAGES = Object.freeze({
  required: '必填',
  unknown_field: '未知字段',
  null_not_allowed: '不能为空',
  invalid_type: '类型不正确',
  invalid_choice: '不在可选范围内',
  too_long: '内容过长',
  too_short: '内容过短',
  out_of_range: '数值超出范围',
  invalid_date: '日期格式不正确',
  invalid_datetime: '时间格式不正确',
  invalid_value: '取值不正确',
  phone_format: PHONE_MESSAGE,
  future_date: '日期不能晚于今天',
  permit_for_migrant_only: '居住证到期日仅适用于流动人口',
  ...ID_MESSAGES,
  ...CREDIT_MESSAGES,
  ...REGISTRY_MESSAGES,
  door_taken: '这个房间已经登记过住户',
  photo_type: '只能上传 JPEG、PNG 或 WebP 照片',
  photo_too_large: '照片过大',
});

/** Whether `value` is a code of the catalogue's `kind`. */
export function isCode(kind, value) {
  return Object.prototype.hasOwnProperty.call(CHOICES[kind] || {}, value);
}

/** The codes of a kind, in the order forms offer them. */
export function codes(kind) {
  return Object.keys(CHOICES[kind] || {});
}

/** The label of a code in the current language, or the code itself when the catalogue does not know it. */
export function label(kind, value) {
  if (value === null || value === undefined || value === '') return '';
  return isCode(kind, value) ? CHOICES[kind][value][language() === 'en' ? 'en' : 'zh'] : String(value);
}

export function fieldLabel(name) {
  if (FIELD_LABELS[name]) return t(FIELD_LABELS[name]);
  const m = /^detail\.(.+)$/.exec(name);
  return m ? t('标签详情 {name}', { name: m[1] }) : name;
}

/** A field error code's message in the current language (the code itself when unknown). */
export function fieldMessage(code) {
  return FIELD_MESSAGES[code] ? t(FIELD_MESSAGES[code]) : code;
}

// --- care tags -----------------------------------------------------------------------------

/** One-character marks for the door grid and lists (独 留 残 孕 租 ...). */
export const TAG_MARKS = Object.freeze({
  elderly_alone: '独', elderly_empty_nest: '空', elderly_80plus: '高', child_left_behind: '留', infant: '婴',
  chronic_ill: '病', disabled: '残', pregnant: '孕', tenant: '租', low_income: '低',
});

/** The same marks in English (one or two letters; the legend on the door map explains them). */
export const TAG_MARKS_EN = Object.freeze({
  elderly_alone: 'A', elderly_empty_nest: 'N', elderly_80plus: '80', child_left_behind: 'L', infant: 'I',
  chronic_ill: 'C', disabled: 'D', pregnant: 'P', tenant: 'T', low_income: 'W',
});

/** The mark of a tag code; a city's own tags use the first character of their name. */
export function tagMark(code, tagType) {
  const marks = language() === 'en' ? TAG_MARKS_EN : TAG_MARKS;
  return marks[code] || Array.from(dictText(tagType?.fields) || code || '?')[0];
}

export function tagName(code, tagTypes) {
  const type = tagTypes && (tagTypes instanceof Map ? tagTypes.get(code) : tagTypes[code]);
  return dictText(type?.fields) || code;
}

/** 3号楼2单元501 (in English "Bldg 3, Unit 2, 501"). */
export function address(building, household) {
  return addressIn(building, household, false);
}

/** The address as written in Chinese whatever the language (what search matches a query against). */
export function chineseAddress(building, household) {
  return addressIn(building, household, true);
}

function addressIn(building, household, chinese) {
  const b = building?.fields || building || {};
  const h = household?.fields || household || {};
  const n = { number: b.number };
  const u = { unit: h.unit };
  const number = b.number ? (chinese ? zh('{number}号楼', n) : t('{number}号楼', n)) : (b.name || '');
  const unit = h.unit !== undefined && h.unit !== null ? (chinese ? zh('{unit}单元', u) : t('{unit}单元', u)) : '';
  return [number, unit, String(h.room ?? '')].filter(Boolean).join(!chinese && language() === 'en' ? ', ' : '');
}
