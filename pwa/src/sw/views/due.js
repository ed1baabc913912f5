// 待访: tagged residents due or overdue for a visit by their tags' interval, nearest due date first.

import { t } from '../../i18n/index.js';
import { ageText } from './dates.js';
import { html } from './escape.js';
import { address, tagMark, tagName } from './labels.js';
import { leaseSection } from './registry.js';
import { screen } from './screen.js';

function when(entry) {
  if (entry.overdue) return html`<span class="due-days text-danger">${t('逾期 {n} 天', { n: -entry.days })}</span>`;
  if (entry.days === 0) return html`<span class="due-days badge badge-warn">${t('今天到期')}</span>`;
  return html`<span class="due-days">${t('{n} 天后到期', { n: entry.days })}</span>`;
}

/**
 * data: {entries: [careStatus entry + {household, building}], leases (views/registry.js leaseReminders),
 *        tagTypes: Map, today, window}
 */
export function dueView(data) {
  const { entries = [], tagTypes = new Map(), today } = data;
  const overdue = entries.filter((e) => e.overdue).length;
  return screen({
    title: t('待访'),
    back: '/app/',
    refresh: '/app/due',
    body: html`<section class="card">
<p>${t('逾期')} <strong class="text-danger">${overdue}</strong> ${t('人')} · ${t('{n} 天内到期', { n: data.window ?? 7 })} <strong>${entries.length - overdue}</strong> ${t('人')}</p>
<p class="muted">${t('按标签走访周期计算（高风险至少每周一次），最早到期的在前。')}</p>
</section>
${leaseSection(data.leases)}
${entries.length === 0 ? html`<section class="card notice"><p>${t('近期没有需要走访的关爱对象。')}</p></section>` : html`<ol class="list due-list">
${entries.map((e) => {
    const r = e.resident.fields;
    const age = ageText(r.birth_date, today);
    return html`<li class="due-item${e.overdue ? ' due-overdue' : ''}"><a class="list-item" href="/app/households/${r.household_id}">
<div><strong class="resident-name">${r.name}</strong>${age ? html` <span class="muted">${age}</span>` : ''}
${e.tags.map((code) => html`<span class="tag-mark tag-${code}" title="${tagName(code, tagTypes)}">${tagMark(code, tagTypes.get(code))}</span> `)}</div>
<div>${when(e)} <span class="muted">${address(e.building, e.household)}</span></div>
<div class="muted">${e.lastVisit ? t('上次走访 {date}', { date: e.lastVisit }) : t('尚无走访记录')} · ${t('每 {n} 天', { n: e.interval })}</div>
</a></li>`;
  })}
</ol>`}`,
  });
}
