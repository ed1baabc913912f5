// The sync screen and its buttons: what waits in the outbox, the changes the server did not accept
// (fixed and sent again, a stale case step redone from the case's stage now, or given up), and the
// sync button for a page without its script.

import { normaliseIdNumber } from '../../core/idnumber.js';
import { chinaDate, isoSeconds } from '../../core/time.js';
import { t, zh } from '../../i18n/index.js';
import { safeNext, str } from '../forms.js';
import { afterWrite, respond, show } from '../reply.js';
import { nameRecord, reasonText, redoPlan } from '../rejections.js';
import { loginView } from '../views/login.js';
import { syncView } from '../views/sync_page.js';
import { homeScreen } from './home.js';
import { loadNotices } from './notices.js';
import { patrolScreen } from './patrol.js';
import { dueScreen } from './visit.js';

const SYNC_WAIT_MS = 30000;

/** GET /app/sync */
export async function syncScreen(ctx, { user }, extra = {}) {
  const [pending, rejected, lastSync, estimate] = await Promise.all([
    ctx.storage.outbox('pending'), ctx.storage.outbox('rejected'), ctx.storage.getMeta('last_sync'),
    ctx.storage.estimate().catch(() => null),
  ]);
  // Per rejected change: the record in words, and for a stale case step whether it can be redone.
  const cards = new Map();
  for (const change of rejected) {
    const record = await nameRecord(ctx.storage, change);
    const redo = change.entity === 'case_step' && change.result?.code === 'stale_transition'
      ? redoPlan(change, record.finding, user) : null;
    cards.set(change.id, { ...record, reason: reasonText(change.result), redo });
  }
  return syncView({
    pending, rejected, estimate, lastSync, user, cards, syncing: Boolean(ctx.engine.isSyncing?.()),
    notices: await loadNotices(ctx),
    canDiscard: typeof ctx.storage.discardRejected === 'function', ...extra,
  });
}

/** A few words that tell the worker which record a rejected change is about. */
export function describeRecord(entity, f) {
  switch (entity) {
    case 'resident': return f.name || '';
    case 'unit': return f.name || '';
    case 'household': return f.room ? t('{unit}单元{room}', { unit: f.unit ?? '', room: f.room }) : '';
    case 'building': return f.number ? t('{number}号楼', { number: f.number }) : '';
    case 'visit': return f.visited_at ? t('走访 {date}', { date: chinaDate(f.visited_at) }) : '';
    case 'finding': return String(f.description || '').slice(0, 30);
    case 'resident_tag': return f.tag || '';
    default: return '';
  }
}

// The screens the sync button sits on (`next`), shown again once the sync is done.
const SCREEN_OF = { '/app/': homeScreen, '/app/sync': syncScreen, '/app/patrol': patrolScreen, '/app/due': dueScreen };

/** POST /app/sync/run (the sync button when the page script did not catch it): sync, then show `next`. */
async function syncRun(ctx, call) {
  const form = await call.request.formData();
  const next = safeNext(str(form, 'next'));
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve({ state: 'timeout' }), SYNC_WAIT_MS); });
  let outcome;
  try {
    outcome = await Promise.race([ctx.requestSync('button'), timeout]);
  } catch (error) {
    outcome = { state: 'error', error: 'failed', message: String(error?.message ?? error) };
  } finally {
    clearTimeout(timer);
  }
  if (outcome?.error === 'device_revoked') {
    return respond(ctx, call.request, loginView({ message: t('此设备已被停用，本机数据已清除。'), messageKind: 'warn' }), {
      push: '/app/login', redirect: '/app/login?revoked=1',
    });
  }
  const messages = {
    done: [t('同步完成'), 'ok'],
    timeout: [t('同步仍在进行，完成后页面会自动刷新'), 'warn'],
    offline: [t('网络不可用：修改已保存在本机，联网后会自动同步'), 'warn'],
    update_required: [t('应用版本过旧，请更新后再同步'), 'error'],
    failed: [t('同步失败：{reason}', { reason: outcome?.message || t('请稍后重试') }), 'error'],
  };
  let [message, kind] = messages[outcome?.state === 'error' ? (outcome.error || 'failed') : (outcome?.state || 'done')] || messages.done;
  if (outcome?.state === 'done' && outcome.rejected) {
    message += t('，有 {n} 条修改未被接受，请处理', { n: outcome.rejected });
    kind = 'warn';
  }
  return show(ctx, call, SCREEN_OF[next] || homeScreen, next, { message, messageKind: kind });
}

/** Set a value at a field path ('detail.kin_phone' writes fields.detail.kin_phone). */
function setAt(fields, path, value) {
  if (Object.prototype.hasOwnProperty.call(fields, path) || !path.includes('.')) {
    fields[path] = value;
    return;
  }
  const [head, ...rest] = path.split('.');
  const inner = fields[head] && typeof fields[head] === 'object' ? { ...fields[head] } : {};
  setAt(inner, rest.join('.'), value);
  fields[head] = inner;
}

function getAt(fields, path) {
  if (Object.prototype.hasOwnProperty.call(fields, path)) return fields[path];
  return path.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), fields);
}

/** A typed value from the fix form, shaped like the value it replaces. */
export function coerce(text, original) {
  if (typeof original === 'number') {
    if (text === '') return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (typeof original === 'boolean') return text === 'true' || text === zh('是') || text === t('是') || text === '1';
  if (original !== null && typeof original === 'object') {
    return JSON.parse(text);
  }
  if (text === '' && (original === null || original === undefined)) return null;
  return text;
}

/** POST /app/sync/rejected/<change id>: the worker's fixed values replace the rejected change. */
async function resend(ctx, call) {
  const [changeId] = call.params;
  const change = await ctx.storage.change(changeId);
  if (!change || change.status !== 'rejected') {
    return show(ctx, call, syncScreen, '/app/sync', { message: t('这条修改已经处理过了'), messageKind: 'warn' });
  }
  const form = await call.request.formData();
  const fields = JSON.parse(JSON.stringify(change.fields || {}));
  try {
    for (const [key, value] of form.entries()) {
      if (!key.startsWith('f.') || typeof value !== 'string') continue;
      const path = key.slice(2);
      let next = coerce(value.trim(), getAt(change.fields || {}, path));
      if (path === 'id_number' && typeof next === 'string' && (fields.id_type ?? 'resident_id') === 'resident_id') next = normaliseIdNumber(next);
      setAt(fields, path, next);
    }
  } catch {
    return show(ctx, call, syncScreen, '/app/sync', { message: t('内容格式不正确，请检查后再提交'), messageKind: 'error' }, { status: 422 });
  }
  if (JSON.stringify(fields) === JSON.stringify(change.fields || {})) {
    // The same change would be refused the same way: only a fix is worth sending.
    return show(ctx, call, syncScreen, '/app/sync', { message: t('内容没有修改：原样再提交还会被拒绝，请先修改标出的内容。'), messageKind: 'error' }, { status: 422 });
  }
  await ctx.engine.replaceRejected(changeId, change.op === 'delete' ? {} : fields);
  await afterWrite(ctx);
  return show(ctx, call, syncScreen, '/app/sync', { message: t('已修改并重新提交（已存本机，待同步）') });
}

/** POST /app/sync/rejected/<change id>/redo: a stale case step, taken again from the case's stage now. */
async function redo(ctx, call) {
  const [changeId] = call.params;
  const change = await ctx.storage.change(changeId);
  if (!change || change.status !== 'rejected' || change.entity !== 'case_step') {
    return show(ctx, call, syncScreen, '/app/sync', { message: t('这条修改已经处理过了'), messageKind: 'warn' });
  }
  const finding = await ctx.storage.view('finding', change.fields?.finding_id);
  const plan = redoPlan(change, finding, call.user);
  if (!plan.ok) return show(ctx, call, syncScreen, '/app/sync', { message: plan.why, messageKind: 'warn' });
  await ctx.engine.replaceRejected(changeId, { ...change.fields, from_status: plan.from, at: isoSeconds(ctx.now()) });
  await afterWrite(ctx);
  return show(ctx, call, syncScreen, '/app/sync', { message: t('已按现在的状态重做这一步（已存本机，待同步）') });
}

/** POST /app/sync/rejected/<change id>/discard: the worker gives the change up, once they confirmed. */
async function discard(ctx, call) {
  const [changeId] = call.params;
  const change = await ctx.storage.change(changeId);
  if (!change || change.status !== 'rejected') {
    return show(ctx, call, syncScreen, '/app/sync', { message: t('这条修改已经处理过了'), messageKind: 'warn' });
  }
  if (str(await call.request.formData(), 'confirm') !== '1') return show(ctx, call, syncScreen, '/app/sync', { confirmDiscard: changeId });
  await ctx.storage.discardRejected(changeId);
  return show(ctx, call, syncScreen, '/app/sync', { message: t('已放弃这条修改'), messageKind: 'warn' });
}

export const routes = [
  ['GET', '/app/sync', 'sync', 'patrol', syncScreen],
  ['POST', '/app/sync/run', 'syncRun', 'patrol', syncRun],
  ['POST', '/app/sync/rejected/:id', 'resend', 'patrol', resend],
  ['POST', '/app/sync/rejected/:id/redo', 'redo', 'patrol', redo],
  ['POST', '/app/sync/rejected/:id/discard', 'discard', 'patrol', discard],
];
