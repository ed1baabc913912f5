// A change the server did not accept, told in the worker's words: which record it was about
// ("3号楼2单元501 的走访（12月7日）", "事件 XF-20261207-0012 墙皮脱落"), why the server refused it, and
// what resolves it. Sending the identical change again never does (the server would refuse it
// the same way), so the only ways out are: fix the named fields, redo a case step from the case's
// stage as it is now, or give the change up.

import { chinaDate } from '../core/time.js';
import { t } from '../i18n/index.js';
import { address, label } from './views/labels.js';

// The steps a grid worker or volunteer takes on a case (server/cases/workflow.py
// FIELD_ROLE_STEPS): the reporter's check of a case the unit reported handled.
const FIELD_STEPS = { resolved: ['verified', 'in_progress'] };
// Stages after which a reporter's check is no longer needed.
const CHECK_DONE = ['verified', 'closed', 'rated'];

function dayText(instant) {
  const day = chinaDate(instant);
  if (!day) return '';
  const [, m, d] = day.split('-').map(Number);
  return t('{m}月{d}日', { m, d });
}

/** "事件 XF-… 墙皮脱落" (the number once the server gave one). */
export function caseName(finding) {
  const f = finding?.fields || {};
  const what = String(f.description || '').slice(0, 20);
  return t('事件 {number} {what}', { number: f.number || t('（待同步后编号）'), what }).trim();
}

/** What the worker calls a case step: the check's outcome, else the stage it moves to. */
export function stepName(fields) {
  if (fields.from_status === 'resolved' && fields.to_status === 'verified') return t('核查通过');
  if (fields.from_status === 'resolved' && fields.to_status === 'in_progress') return t('要求重新处置');
  return label('case_status', fields.to_status);
}

async function householdAddress(storage, householdId) {
  const household = householdId ? await storage.view('household', householdId) : null;
  if (!household) return '';
  return address(await storage.view('building', household.fields.building_id), household);
}

/**
 * The record a rejected change is about, in words, with `href` (a screen to see or fix it, or null)
 * and, for a case step, the case as the phone knows it now (`finding`).
 */
export async function nameRecord(storage, change) {
  const record = await storage.view(change.entity, change.record_id);
  const f = { ...(record?.fields || {}), ...(change.fields || {}) };
  switch (change.entity) {
    case 'visit': {
      const where = await householdAddress(storage, f.household_id);
      return {
        text: t('{where} 的走访（{day}）', { where: where || t('住户'), day: dayText(f.visited_at) }),
        href: f.household_id ? `/app/households/${f.household_id}` : null,
      };
    }
    case 'resident': {
      const where = await householdAddress(storage, f.household_id);
      return { text: where ? t('{where} 的居民 {name}', { where, name: f.name || '' }) : f.name || t('居民'), href: `/app/residents/${change.record_id}/edit` };
    }
    case 'household':
      return { text: (await householdAddress(storage, change.record_id)) || t('住户'), href: `/app/households/${change.record_id}` };
    case 'resident_tag': {
      const resident = f.resident_id ? await storage.view('resident', f.resident_id) : null;
      return { text: t('{name} 的关爱标签', { name: resident?.fields?.name || t('居民') }), href: resident ? `/app/residents/${resident.id}/edit` : null };
    }
    case 'unit':
      return { text: f.name || t('实有单位'), href: `/app/units/${change.record_id}` };
    case 'finding':
      return { text: caseName(record || { fields: f }), href: '/app/patrol' };
    case 'case_step': {
      const finding = f.finding_id ? await storage.view('finding', f.finding_id) : null;
      return { text: t('{case} 的「{step}」', { case: caseName(finding), step: stepName(f) }), href: '/app/patrol', finding };
    }
    default:
      return { text: label('entity', change.entity), href: null };
  }
}

// The server's refusal codes in the worker's words (server/core/errors catalogue has the
// technical message; this says what happened to *their* record).
const REASONS = {
  stale_transition: () => t('您提交之前，这件事已被别人改到了别的阶段，这一步已不符合它现在的状态。'),
  illegal_transition: () => t('按办理流程，这件事在当时的阶段不能做这一步。'),
  unverified_close: () => t('这件事还没有核查，不能办结。'),
  out_of_scope: () => t('这条记录已不在您负责的网格内（可能调整了网格），所以没有保存。'),
  validation_failed: () => t('有内容不符合要求，请按下面的提示修改。'),
  unknown_reference: () => t('它关联的记录在服务器上找不到了（可能已被删除或合并）。'),
  record_deleted: () => t('这条记录已在服务器上被删除。'),
  field_not_permitted: () => t('其中有您的账号不能填写的内容。'),
  forbidden: () => t('您的账号不能做这项修改。'),
};

/** Why the server refused, in plain words (its own message for a code this app does not know). */
export function reasonText(result = {}) {
  const known = REASONS[result.code];
  return known ? known() : result.message || t('服务器没有接受这条修改。');
}

/**
 * Whether a stale case step can be taken again from the case's stage now:
 * {ok: true, from} or {ok: false, why}. `finding` is the phone's copy after the last pull.
 */
export function redoPlan(change, finding, user) {
  const step = change.fields || {};
  if (!finding) return { ok: false, why: t('这件事已不在本机上（可能已不归您的网格），这一步无法重做。') };
  const now = finding.fields.status;
  const stage = label('case_status', now);
  if ((FIELD_STEPS[now] || []).includes(step.to_status) && finding.fields.reporter_id === user?.id) {
    return { ok: true, from: now };
  }
  if (CHECK_DONE.includes(now)) return { ok: false, why: t('这件事现在是「{stage}」，已经不需要这一步了，可以放弃。', { stage }) };
  if (step.from_status === 'resolved') {
    return { ok: false, why: t('这件事现在是「{stage}」：要等处置单位再次反馈办结后才能核查。这张卡片会保留，反馈后可以按现在的状态重做；也可以放弃这一步。', { stage }) };
  }
  return { ok: false, why: t('这件事现在是「{stage}」，这一步在这个阶段不能做。', { stage }) };
}
