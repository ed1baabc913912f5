// 搜索 (offline): residents by name or pinyin initials (`zs` finds 张三), homes by address
// (`3号楼2单元501`, `3-2-501`, `501`).

import { matchInitials } from '../../core/pinyin.js';
import { t } from '../../i18n/index.js';
import { ageText } from './dates.js';
import { html, raw } from './escape.js';
import { address, chineseAddress, label } from './labels.js';
import { screen } from './screen.js';

export const SEARCH_LIMIT = 50;

function toMap(records) {
  const map = new Map();
  for (const r of records || []) map.set(r.id, r);
  return map;
}

/** 3-2-501, 3 2 501, 3号楼2单元501 → {building: '3', unit: 2, room: '501'}; null when q is not an address. */
export function parseAddress(q) {
  const m = /^\s*(\w+?)\s*(?:号楼|号|栋|幢|[-\s－—#/])\s*(\d+)\s*(?:单元|[-\s－—#/])\s*(\w+)\s*(?:室|号)?\s*$/.exec(q);
  if (m) return { building: m[1], unit: Number(m[2]), room: m[3] };
  return null;
}

/**
 * Offline search. Returns {residents: [{record, household, building, score}], households: [{record, building}]}.
 * Residents: name contains q (Chinese or Latin letters), or pinyin initials match (exact > prefix > inside).
 * Homes: the written address contains q, or q reads as building-unit-room.
 */
export function searchRecords({ q, residents = [], households = [], buildings = [], today = '' }) {
  const query = String(q ?? '').trim();
  if (!query) return { residents: [], households: [] };
  const lower = query.toLowerCase();
  const hhById = toMap(households);
  const bById = toMap(buildings);
  const found = [];
  for (const record of residents) {
    const name = String(record.fields.name ?? '');
    let score = 0;
    const lname = name.toLowerCase();
    if (lname === lower) score = 10;
    else if (lname.startsWith(lower)) score = 8;
    else if (lname.includes(lower)) score = 6;
    else {
      const initials = matchInitials(name, lower);
      if (initials) score = initials + 2;
    }
    if (!score) continue;
    const moved = record.fields.moved_out_on && record.fields.moved_out_on <= today;
    if (moved) score -= 0.5;
    const household = hhById.get(record.fields.household_id) || null;
    const building = household ? bById.get(household.fields.building_id) || null : null;
    found.push({ record, household, building, score, moved: Boolean(moved) });
  }
  found.sort((a, b) => (b.score - a.score) || String(a.record.fields.name).localeCompare(String(b.record.fields.name), 'zh'));

  const parsed = parseAddress(query);
  const compact = query.replace(/\s+/g, '');
  const homes = [];
  for (const record of households) {
    const building = bById.get(record.fields.building_id) || null;
    const text = chineseAddress(building, record);
    let hit = false;
    if (parsed) {
      hit = String(building?.fields?.number) === parsed.building && Number(record.fields.unit) === parsed.unit
        && String(record.fields.room) === parsed.room;
    } else if (/^\d+$/.test(compact)) {
      hit = String(record.fields.room) === compact;
    } else if (text.includes(compact) || (building?.fields?.name && building.fields.name.includes(compact))) {
      hit = true;
    }
    if (hit) homes.push({ record, building, text });
  }
  homes.sort((a, b) => a.text.localeCompare(b.text, 'zh', { numeric: true }));
  return { residents: found.slice(0, SEARCH_LIMIT), households: homes.slice(0, SEARCH_LIMIT) };
}

/** data: {q, results: searchRecords(...), today} */
export function searchView(data) {
  const q = data.q || '';
  const { residents = [], households = [] } = data.results || {};
  return screen({
    title: t('搜索'),
    back: '/app/',
    body: html`<section class="card">
<form method="get" action="/app/search" class="form search-form" role="search">
<input type="search" name="q" value="${q}" placeholder="${t('姓名、拼音首字母（如 zs）或地址（如 3-2-501）')}" autocomplete="off"
 hx-get="/app/search" hx-trigger="input changed delay:300ms, search" hx-target="#search-results" hx-select="#search-results" hx-swap="outerHTML" hx-push-url="true" hx-sync="this:replace" autofocus>
<button type="submit" class="btn">${t('搜索')}</button>
</form>
</section>
<div id="search-results">
${q ? html`<section class="card">
<h2>${t('居民（{n}）', { n: `${residents.length}${residents.length >= 50 ? '+' : ''}` })}</h2>
${residents.length ? html`<ul class="list">${residents.map((r) => {
    const f = r.record.fields;
    const age = ageText(f.birth_date, data.today || '');
    return html`<li><a class="list-item" href="/app/households/${f.household_id}"><div><strong class="resident-name">${f.name}</strong> <span class="muted">${label('sex', f.sex)}${age ? ` · ${age}` : ''}${r.moved ? ` · ${t('已迁出')}` : ''}</span></div><div class="muted">${address(r.building, r.household)}</div></a></li>`;
  })}</ul>` : html`<p class="muted">${t('没有找到居民')}</p>`}
</section>
<section class="card">
<h2>${t('住户（{n}）', { n: households.length })}</h2>
${households.length ? html`<ul class="list">${households.map((h) => html`<li><a class="list-item" href="/app/households/${h.record.id}"><strong>${address(h.building, h.record)}</strong> <span class="muted">${label('housing_use', h.record.fields.housing_use)}</span></a></li>`)}</ul>` : html`<p class="muted">${t('没有找到住户')}</p>`}
</section>` : html`<section class="card notice"><p>${raw(t('可按姓名、拼音首字母（如 <strong>zs</strong> 找张三）或地址（如 <strong>3-2-501</strong>）搜索，离线也可用。'))}</p></section>`}
</div>`,
  });
}
