// 楼栋户况图: each unit as a grid of floors × doors, top floor at the top. Each door is a button to
// its household, coloured by this month's visit status (with a mark and a word as well, never colour
// alone) and marked with its residents' care tags (独 留 残 孕 租 ...).

import { DOOR_STATUS, doorGrid } from './care.js';
import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { label, tagMark, tagName } from './labels.js';
import { screen } from './screen.js';
import { unitsSection } from './unit.js';

// A shop or office door says so: it is not a home and is not counted in the building's homes.
const USE_MARK = { shop: () => t('商铺'), office: () => t('办公') };

function doorCell(cell, info, tagTypes) {
  const use = USE_MARK[cell.use];
  if (!cell.household && use) {
    return html`<span class="door door-unregistered door-${cell.use}" title="${t('{room}：{use}', { room: cell.room, use: use() })}"><span class="door-room">${cell.room}</span><span class="door-mark">${use()}</span></span>`;
  }
  if (!cell.household) {
    // Tapping an empty door registers the household found behind it, at that door.
    const q = `building=${encodeURIComponent(info.buildingId)}&unit=${cell.unit}&floor=${cell.floor}&room=${encodeURIComponent(cell.room)}`;
    return html`<a class="door door-unregistered" href="/app/households/new?${q}" aria-label="${t('{room} 尚未登记，点此登记住户', { room: cell.room })}"><span class="door-room">${cell.room}</span><span class="door-mark">${t('未登记')}</span></a>`;
  }
  const h = cell.household;
  const status = info.status.get(h.id) || 'pending';
  const meta = DOOR_STATUS[status];
  const tags = info.tags.get(h.id) || [];
  const gone = h.fields.status === 'demolished' || h.fields.status === 'merged';
  const state = gone ? label('household_status', h.fields.status) : status === 'vacant' ? label('housing_use', h.fields.housing_use) : meta.text;
  const names = tags.map((code) => tagName(code, tagTypes)).join(t('、'));
  const useMark = use ? html`<span class="door-use">${use()}</span>` : '';
  return html`<a class="door door-${status}${use ? ` door-${cell.use}` : ''}" href="/app/households/${h.id}" aria-label="${cell.room}${t('：')}${meta.label}${names ? `${t('；')}${names}` : ''}"><span class="door-room">${cell.room}</span><span class="door-mark">${meta.mark}${state}</span>${useMark}${tags.length ? html`<span class="door-tags">${tags.map((code) => html`<span class="tag-mark" title="${tagName(code, tagTypes)}">${tagMark(code, tagTypes.get?.(code))}</span>`)}</span>` : ''}</a>`;
}

function lift(value) {
  if (value === true) return ` · ${t('有电梯')}`;
  if (value === false) return ` · ${t('无电梯')}`;
  return '';
}

/**
 * data: {building, households, status: Map(householdId → 'overdue'|'visited'|'pending'|'vacant'),
 *        tags: Map(householdId → [tag code]), tagTypes: Map(code → care_tag_type), gridName, units: [unit]}
 */
export function buildingView(data) {
  const { building, households = [], tagTypes = new Map() } = data;
  const info = { status: data.status || new Map(), tags: data.tags || new Map(), buildingId: building.id };
  const b = building.fields;
  const layout = doorGrid(building, households);
  const counts = { overdue: 0, due: 0, pending: 0, visited: 0, vacant: 0 };
  for (const h of households) counts[info.status.get(h.id) || 'pending'] += 1;
  return screen({
    title: t('{number}号楼 户况图', { number: b.number }),
    back: '/app/',
    body: html`<p class="muted">${b.estate ? `${b.estate} · ` : ''}${data.gridName || ''}${data.gridName ? ' · ' : ''}${t('{units}个单元 · {floors}层 · {homes}户住宅 · 已登记{n}户', { units: b.units || 1, floors: b.floors || 1, homes: layout.homes, n: households.length })}${lift(b.lift)}${b.captain_name ? ` · ${t('楼栋长 {name}', { name: b.captain_name })}` : ''}</p>
<ul class="legend" aria-label="${t('图例')}">
${['overdue', 'due', 'pending', 'visited', 'vacant'].map((s) => html`<li><span class="door door-${s}"><span class="door-mark">${DOOR_STATUS[s].mark}</span></span>${DOOR_STATUS[s].text} ${counts[s]}</li>`)}
</ul>
<p class="muted">${t('本月走访情况；“将到期”：有关爱对象 7 天内该走访了。标记：独 独居 · 空 空巢 · 高 高龄 · 留 留守 · 婴 婴幼儿 · 病 慢病 · 残 残疾 · 孕 孕产妇 · 租 租户 · 低 低保')}</p>
${layout.units.some((u) => u.floors.some((row) => row.doors.some((d) => !d.household))) ? html`<p class="muted">${t('点“未登记”的房间，可登记新住户。')}</p>` : ''}
${layout.units.length > 1 ? html`<nav class="chips unit-chips" aria-label="${t('跳到单元')}">${layout.units.map((unit) => html`<a class="chip" href="#unit-${unit.unit}">${t('{unit}单元', { unit: unit.unit })}</a>`)}</nav>` : ''}
<div class="doors">
${layout.units.map((unit) => html`<section class="door-unit" id="unit-${unit.unit}" aria-label="${t('{unit}单元', { unit: unit.unit })}">
<h3>${t('{unit}单元', { unit: unit.unit })}</h3>
${unit.floors.map((row) => html`<div class="door-floor"><span class="door-floor-no">${row.floor}F</span>${row.doors.map((cell) => doorCell(cell, info, tagTypes))}</div>`)}
</section>`)}
</div>
${layout.others.length ? html`<h2 class="section-title">${t('其他房间')}</h2><div class="door-floor door-others">${layout.others.map((h) => doorCell({ household: h, room: `${h.fields.unit}-${h.fields.room}` }, info, tagTypes))}</div>` : ''}
${unitsSection(building, data.units || [])}`,
  });
}
