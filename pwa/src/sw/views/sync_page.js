// 同步: the outbox, changes the server sent back (with the reason and a form to fix and resend
// them), storage used, last sync, the sync button, and log out (warning while changes are unsynced).

import { chinaDateTime } from '../../core/time.js';
import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { fieldLabel, label } from './labels.js';
import { flash, languageSwitch, screen } from './screen.js';
import { syncButton, syncStatus } from './home.js';
import { overwrittenList } from './overwritten.js';

/** The value at a field path of a change's fields: 'detail.kin_phone' reads fields.detail.kin_phone. */
export function valueAt(fields, path) {
  if (Object.prototype.hasOwnProperty.call(fields || {}, path)) return fields[path];
  const [head, ...rest] = path.split('.');
  let value = fields?.[head];
  for (const key of rest) value = value && typeof value === 'object' ? value[key] : undefined;
  return value;
}

function megabytes(bytes) {
  return `${(Number(bytes || 0) / (1024 * 1024)).toFixed(1)} MB`;
}

function fixInput(changeId, name, value) {
  const scalar = value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
  const text = scalar ? (value ?? '') : JSON.stringify(value);
  return html`<label class="field"><span class="field-label">${fieldLabel(name)}</span>
${scalar && String(text).length <= 60 ? html`<input type="text" name="f.${name}" value="${text}">` : html`<textarea name="f.${name}" rows="2">${text}</textarea>`}</label>`;
}

function rejectedItem(change, data) {
  const result = change.result || {};
  const fieldErrors = Object.entries(result.fields || {});
  const what = data.describe?.get(`${change.entity}:${change.record_id}`) || '';
  return html`<li class="rejected card" id="rejected-${change.id}">
<div><span class="badge badge-danger">${t('被退回')}</span> <strong>${label('entity', change.entity)}</strong>${what ? html` · ${what}` : ''}</div>
<p class="text-danger">${result.message || result.code || t('服务器未接受此修改')}</p>
${fieldErrors.length ? html`<ul class="field-errors">${fieldErrors.map(([name, err]) => html`<li><strong>${fieldLabel(name)}</strong>${t('：')}${err?.message || err?.code || err}</li>`)}</ul>` : ''}
<form method="post" action="/app/sync/rejected/${change.id}" class="form">
${fieldErrors.map(([name]) => fixInput(change.id, name, valueAt(change.fields, name)))}
<button type="submit" class="btn btn-primary btn-block">${fieldErrors.length ? t('修改后重新提交') : t('重新提交')}</button>
</form>
${data.canDiscard ? html`<form method="post" action="/app/sync/rejected/${change.id}/discard"><button type="submit" class="btn btn-block btn-danger">${t('放弃此修改')}</button></form>` : ''}
<p class="muted">${chinaDateTime(Number(String(change.hlc || '').slice(0, 15)) || null)}</p>
</li>`;
}

/**
 * data: {pending: [outbox entries], rejected: [outbox entries], estimate: {usage, quota} | null,
 *        lastSync, syncing, user, describe: Map('entity:id' → text), canDiscard, message, messageKind,
 *        confirmLogout, notices: [features/notices.js loadNotices()]}
 */
export function syncView(data) {
  const { pending = [], rejected = [], estimate = null, user = {} } = data;
  const unsynced = pending.length + rejected.length;
  const byEntity = new Map();
  for (const change of pending) byEntity.set(change.entity, (byEntity.get(change.entity) || 0) + 1);
  return screen({
    title: t('同步'),
    back: '/app/',
    refresh: data.confirmLogout ? null : '/app/sync',
    body: html`${flash(data.message, data.messageKind)}
${data.confirmLogout ? html`<section class="card notice notice-error" role="alert">
<p><strong>${t('还有 {n} 条修改没有同步到服务器。', { n: unsynced })}</strong>${t('退出登录会清除本机全部数据，这些修改将永久丢失。')}</p>
<form method="post" action="/app/logout"><input type="hidden" name="confirm" value="1"><button type="submit" class="btn btn-danger btn-block">${t('仍然退出并清除数据')}</button></form>
<a class="btn btn-block" href="/app/sync">${t('取消')}</a>
</section>` : ''}
<section class="card">
${syncStatus({ pending: pending.length, rejected: rejected.length, lastSync: data.lastSync, syncing: data.syncing })}
${syncButton('/app/sync')}
</section>
<section class="card">
<h2>${t('待同步（{n}）', { n: pending.length })}</h2>
${pending.length ? html`<ul class="list">${[...byEntity].map(([entity, n]) => html`<li class="list-item split"><span>${label('entity', entity)}</span><span>${t('{n} 条', { n })}</span></li>`)}</ul>` : html`<p class="muted">${t('所有修改都已同步。')}</p>`}
</section>
${overwrittenList(data.notices)}
${rejected.length ? html`<section class="card">
<h2 class="text-danger">${t('被退回的修改（{n}）', { n: rejected.length })}</h2>
<p class="muted">${t('服务器没有接受这些修改。请按提示修改后重新提交；它们不会自动丢弃。')}</p>
<ol class="list">${rejected.map((c) => rejectedItem(c, data))}</ol>
</section>` : ''}
<section class="card">
<h2>${t('本机存储')}</h2>
<p>${estimate && estimate.usage != null ? html`${t('已用 {size}', { size: megabytes(estimate.usage) })}${estimate.quota ? html` / ${t('可用 {size}', { size: megabytes(estimate.quota) })}` : ''}` : t('无法获取存储用量')}</p>
</section>
<section class="card">
<h2>${t('数据加密与锁定')}</h2>
<p class="muted">${t('本机数据已加密；闲置后自动锁定，用 PIN 解锁。')}</p>
<a class="btn btn-block" href="/app/pin">${t('设置 PIN 与自动锁定')}</a>
<a class="btn btn-block" href="/app/lock?next=/app/sync">${t('立即锁定')}</a>
</section>
<section class="card">
<h2>${t('账号')}</h2>
<p>${t('{name}（{role}）', { name: user.name || '', role: `${label('role', user.role)}${user.username ? ` · ${user.username}` : ''}` })}</p>
${unsynced ? html`<p class="text-danger">${t('有 {n} 条修改未同步，退出登录前请先同步。', { n: unsynced })}</p>` : ''}
<form method="post" action="/app/logout"><button type="submit" class="btn btn-block btn-danger">${t('退出登录')}</button></form>
<p class="muted">${t('退出登录会清除本机上的全部网格数据。')}</p>
${languageSwitch('/app/sync')}
</section>`,
  });
}
