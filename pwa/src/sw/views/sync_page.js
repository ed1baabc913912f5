// 同步: the outbox, changes the server did not accept (the record, the reason and what resolves it),
// storage used, last sync, the sync button, and log out (warning while changes are unsynced).

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

/** Giving a change up loses it for good: asked once more, in the card itself. */
function discardForms(change, data, what) {
  if (!data.canDiscard) return '';
  const action = `/app/sync/rejected/${change.id}/discard`;
  if (data.confirmDiscard === change.id) {
    return html`<div class="notice notice-error" role="alert"><p>${t('确定放弃吗？{what} 不会再提交，本机也不再保留这条修改。', { what })}</p>
<form method="post" action="${action}"><input type="hidden" name="confirm" value="1"><button type="submit" class="btn btn-danger btn-block">${t('确定放弃')}</button></form>
<a class="btn btn-block" href="/app/sync">${t('不放弃')}</a></div>`;
  }
  const name = change.entity === 'case_step' ? t('放弃这一步') : t('放弃这条修改');
  return html`<form method="post" action="${action}"><button type="submit" class="btn btn-block btn-danger">${name}</button></form>`;
}

/** What resolves the refusal: redo a stale case step, fix the named fields, or open the record. */
function remedy(change, card) {
  const fieldErrors = Object.keys(change.result?.fields || {});
  if (card.redo) {
    const now = card.finding ? label('case_status', card.finding.fields.status) : '';
    return html`${now ? html`<p class="case-now">${t('这件事现在：')}<strong>${now}</strong></p>` : ''}
${card.redo.ok ? html`<form method="post" action="/app/sync/rejected/${change.id}/redo"><button type="submit" class="btn btn-primary btn-block">${t('按现在的状态重做')}</button></form>`
    : html`<p class="notice">${card.redo.why}</p>`}`;
  }
  if (fieldErrors.length) {
    return html`<form method="post" action="/app/sync/rejected/${change.id}" class="form">
${fieldErrors.map((name) => fixInput(change.id, name, valueAt(change.fields, name)))}
<button type="submit" class="btn btn-primary btn-block">${t('修改后重新提交')}</button>
</form>`;
  }
  return card.href ? html`<a class="btn btn-block" href="${card.href}">${t('打开这条记录')}</a>` : '';
}

function rejectedItem(change, data) {
  const result = change.result || {};
  const fieldErrors = Object.entries(result.fields || {});
  const card = data.cards?.get(change.id) || { text: label('entity', change.entity) };
  return html`<li class="rejected card" id="rejected-${change.id}" data-code="${result.code || ''}">
<div><span class="badge badge-danger">${t('未被接受')}</span> <strong class="rejected-what">${card.text}</strong></div>
<p class="text-danger">${card.reason || result.message || t('服务器没有接受这条修改。')}</p>
${fieldErrors.length ? html`<ul class="field-errors">${fieldErrors.map(([name, err]) => html`<li><strong>${fieldLabel(name)}</strong>${t('：')}${err?.message || err?.code || err}</li>`)}</ul>` : ''}
${remedy(change, card)}
${discardForms(change, data, card.text)}
<p class="muted">${t('记录于 {time}', { time: chinaDateTime(Number(String(change.hlc || '').slice(0, 15)) || null) })}</p>
</li>`;
}

/**
 * data: {pending: [outbox entries], rejected: [outbox entries], estimate: {usage, quota} | null,
 *        lastSync, syncing, user, cards: Map(change id → {text, href, reason, finding, redo}) from
 *        rejections.js, canDiscard, confirmDiscard (the change whose discard asks to confirm), message,
 *        messageKind, confirmLogout, notices: [features/notices.js loadNotices()]}
 */
export function syncView(data) {
  const { pending = [], rejected = [], estimate = null, user = {} } = data;
  const unsynced = pending.length + rejected.length;
  const byEntity = new Map();
  for (const change of pending) byEntity.set(change.entity, (byEntity.get(change.entity) || 0) + 1);
  return screen({
    title: t('同步'),
    back: '/app/',
    // A question the worker is answering stays until they answer it: no redraw when a sync ends.
    refresh: data.confirmLogout || data.confirmDiscard ? null : '/app/sync',
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
<h2 class="text-danger">${t('未被接受的修改（{n}）', { n: rejected.length })}</h2>
<p class="muted">${t('服务器没有接受这些修改。每条都写明了原因和处理办法；不处理的不会自动丢弃。')}</p>
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
