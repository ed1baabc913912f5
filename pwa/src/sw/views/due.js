// 待访: tagged residents due or overdue for a visit by their tags' interval, the most at risk first
// (core/due_rank.js), with a chip per care tag to see only those residents.

import { t } from '../../i18n/index.js';
import { ageText } from './dates.js';
import { flag, html } from './escape.js';
import { address, label, tagMark, tagName } from './labels.js';
import { leaseSection } from './registry.js';
import { screen } from './screen.js';

function when(entry) {
  if (entry.overdue) return html`<span class="due-days text-danger">${t('逾期 {n} 天', { n: -entry.days })}</span>`;
  if (entry.days === 0) return html`<span class="due-days badge badge-warn">${t('今天到期')}</span>`;
  return html`<span class="due-days">${t('{n} 天后到期', { n: entry.days })}</span>`;
}

/** One chip per care tag present in the list (and 全部); the chosen one is marked current. */
function tagChips(counts, tagTypes, chosen, total) {
  if (!counts.length) return '';
  const order = (code) => Number(tagTypes.get(code)?.fields?.sort ?? 99);
  const sorted = counts.slice().sort((a, b) => order(a.code) - order(b.code) || a.code.localeCompare(b.code));
  const chip = (href, text, n, current) => html`<a class="chip${current ? ' chip-current' : ''}" href="${href}"${flag(current, 'aria-current="true"')}>${text} <span class="chip-count">${n}</span></a>`;
  return html`<nav class="chips" aria-label="${t('按标签筛选')}">
${chip('/app/due', t('全部'), total, !chosen)}
${sorted.map(({ code, count }) => chip(`/app/due?tag=${encodeURIComponent(code)}`, tagName(code, tagTypes), count, chosen === code))}
</nav>`;
}

/**
 * data: {entries (ranked, already filtered by `tag`), counts: [{code, count}] over all entries,
 *        tag (the chosen filter or null), total: [careStatus entry + {household, building}], leases (views/registry.js leaseReminders),
 *        tagTypes: Map, today, window}
 */
export function dueView(data) {
  const { entries = [], tagTypes = new Map(), today, counts = [], tag = null } = data;
  const overdue = entries.filter((e) => e.overdue).length;
  return screen({
    title: t('待访'),
    back: '/app/',
    refresh: tag ? `/app/due?tag=${encodeURIComponent(tag)}` : '/app/due',
    body: html`<section class="card">
<p>${t('逾期')} <strong class="text-danger">${overdue}</strong> ${t('人')} · ${t('{n} 天内到期', { n: data.window ?? 7 })} <strong>${entries.length - overdue}</strong> ${t('人')}</p>
<p class="muted">${t('按标签走访周期计算（高风险至少每周一次）。风险高的在前，其次是走访周期短的，再按逾期天数。')}</p>
</section>
${tagChips(counts, tagTypes, tag, data.total ?? entries.length)}
${leaseSection(data.leases)}
${entries.length === 0 ? html`<section class="card notice"><p>${tag ? t('这个标签下近期没有需要走访的人。') : t('近期没有需要走访的关爱对象。')}</p></section>` : html`<ol class="list due-list">
${entries.map((e) => {
    const r = e.resident.fields;
    const age = ageText(r.birth_date, today);
    return html`<li class="due-item${e.overdue ? ' due-overdue' : ''}"><a class="list-item" href="/app/households/${r.household_id}">
<div>${e.risk ? html`<span class="badge risk-${e.risk}">${t('{level}风险', { level: label('risk_level', e.risk) })}</span> ` : ''}<strong class="resident-name">${r.name}</strong>${age ? html` <span class="muted">${age}</span>` : ''}
${e.tags.map((code) => html`<span class="tag-mark tag-${code}" title="${tagName(code, tagTypes)}">${tagMark(code, tagTypes.get(code))}</span> `)}</div>
<div>${when(e)} <span class="muted">${address(e.building, e.household)}</span></div>
<div class="muted">${e.lastVisit ? t('上次走访 {date}', { date: e.lastVisit }) : t('尚无走访记录')} · ${t('每 {n} 天', { n: e.interval })}</div>
</a></li>`;
  })}
</ol>`}`,
  });
}
