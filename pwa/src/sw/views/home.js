// 首页: my grids and their buildings, visits due and overdue, outbox and last sync, a sync button.

import { chinaDateTime } from '../../core/time.js';
import { t, zh } from '../../i18n/index.js';
import { pinReminder } from './unlock.js';
import { html } from './escape.js';
import { label } from './labels.js';
import { leaseSection } from './registry.js';
import { overwrittenBanner } from './overwritten.js';
import { flash, screen } from './screen.js';

/** The sync status lines shared by the home and sync screens. */
export function syncStatus({ pending = 0, rejected = 0, lastSync = null, syncing = false, firstSync = false } = {}) {
  return html`<div class="sync-status">
${syncing ? html`<p><span class="badge badge-busy">${firstSync ? t('正在下载本网格数据…') : t('正在同步…')}</span></p>` : ''}
<p>${t('待同步')} <strong class="count">${pending}</strong> ${t('条')}${rejected ? html`${t('，')}<a href="/app/sync" class="text-danger">${t('{n} 条修改未被接受，去处理', { n: rejected })}</a>` : ''}</p>
<p class="muted">${t('上次同步：')}${lastSync ? chinaDateTime(lastSync) : t('尚未同步')}</p>
</div>`;
}

/**
 * The sync button. main.js catches the click ([data-wangge-sync]) and asks the service worker to
 * sync in the background; without it the form posts and the answer waits for the sync.
 */
export function syncButton(next = '/app/') {
  return html`<form method="post" action="/app/sync/run">
<input type="hidden" name="next" value="${next}">
<button type="submit" class="btn btn-block" data-wangge-sync>${t('立即同步')}</button>
</form>`;
}

/** The prompt to check cases the units reported handled (核查), for every role that reports. */
function checkPrompt(count) {
  if (!count) return '';
  return html`<section class="card notice"><a class="btn btn-primary btn-block" href="/app/patrol">${t('待我核查的上报（{n}）', { n: count })}</a></section>`;
}

/**
 * data: {user, grids: [{id, name, buildings: [{id, number, name, households}]}], due: {due, overdue},
 *        returned: [{id, visitedAt, comment}] (my visits the community sent back),
 *        leases: [{id, address, leaseEnd, days}] (rented homes whose lease ends within 14 days or has),
 *        toCheck: how many of my findings wait for my check,
 *        outbox: {pending, rejected}, lastSync, syncing, firstSync, message, messageKind}
 */
// "1号楼" is ambiguous in a grid that spans two estates: there each building says which.
function manyEstates(grid) {
  return new Set(grid.buildings.map((b) => b.estate || '')).size > 1;
}

export function homeView(data) {
  const { user = {}, grids = [], due = { due: 0, overdue: 0 }, outbox = {}, lastSync = null } = data;
  const status = syncStatus({ ...outbox, lastSync, syncing: data.syncing, firstSync: data.firstSync });
  if (user.role === 'patrol_volunteer') {
    return screen({
      title: t('巡查上报'),
      refresh: '/app/',
      body: html`${flash(data.message, data.messageKind)}${data.noPin ? pinReminder() : ''}${overwrittenBanner(data.notices)}
<section class="card">
<p>${t('{name}（{role}）', { name: user.name, role: label('role', user.role) })}</p>
<a class="btn btn-primary btn-big btn-block" href="/app/patrol/new">＋ ${t('上报巡查发现')}</a>
<a class="btn btn-block" href="/app/patrol">${t('我的上报')}</a>
</section>
${checkPrompt(data.toCheck)}
<section class="card">${status}${syncButton('/app/')}</section>`,
    });
  }
  return screen({
    title: t('首页'),
    refresh: '/app/',
    body: html`${flash(data.message, data.messageKind)}${data.noPin ? pinReminder() : ''}${overwrittenBanner(data.notices)}
<p class="muted">${t('{name}（{role}）', { name: user.name, role: label('role', user.role) })}</p>
<div class="stats">
<a class="stat${due.overdue ? ' stat-danger' : ''}" href="/app/due"><span class="count">${due.overdue}</span>${t('逾期未访')}</a>
<a class="stat" href="/app/due"><span class="count">${due.due}</span>${t('7天内待访')}</a>
<a class="stat" href="/app/sync"><span class="count">${outbox.pending || 0}</span>${t('待同步')}</a>
</div>
${data.returned?.length ? html`<section class="card notice-danger">
<h2>${t('社区退回的走访（{n}）', { n: data.returned.length })}</h2>
<ul class="list">${data.returned.map((r) => html`<li><a class="list-item" href="/app/visits/${r.id}/fix"><strong>${chinaDateTime(r.visitedAt)}</strong> <span class="muted">${r.comment || ''}</span></a></li>`)}</ul>
</section>` : ''}
${leaseSection(data.leases)}
${checkPrompt(data.toCheck)}
<section class="card">${status}${syncButton('/app/')}</section>
${grids.length === 0 ? html`<section class="card notice"><p>${data.firstSync ? t('正在下载本网格数据（首次需要联网），完成后本页会自动刷新…') : t('本机还没有网格数据，请联网后点“立即同步”。')}</p></section>` : ''}
${grids.map((grid) => html`<h2 class="section-title">${grid.name}</h2>
<ul class="list">
${grid.buildings.map((b) => html`<li><a class="list-item" href="/app/buildings/${b.id}"><strong>${t('{number}号楼', { number: b.number })}</strong>${b.name && b.name !== zh('{number}号楼', { number: b.number }) ? html` · ${b.name}` : ''}${b.estate && manyEstates(grid) ? html` · ${b.estate}` : ''} <span class="muted">${t('{n} 户', { n: b.households })}</span></a></li>`)}
</ul>`)}
<section class="card">
<a class="btn btn-block" href="/app/patrol/new">＋ ${t('上报巡查发现')}</a>
<a class="btn btn-block" href="/app/search">${t('搜索居民、地址')}</a>
</section>`,
  });
}
