// Search on the phone, over what this device holds: residents by name or pinyin initials, homes
// by address (views/search.js does the matching).

import { searchRecords, searchView } from '../views/search.js';

/** GET /app/search?q= */
async function search(ctx, { url }) {
  const q = (url.searchParams.get('q') || '').slice(0, 50);
  const today = ctx.today();
  if (!q.trim()) return searchView({ q, results: null, today });
  const [residents, households, buildings] = await Promise.all([
    ctx.storage.listByEntity('resident'), ctx.storage.listByEntity('household'), ctx.storage.listByEntity('building'),
  ]);
  return searchView({ q, results: searchRecords({ q, residents, households, buildings, today }), today });
}

export const routes = [
  ['GET', '/app/search', 'search', 'field', search],
];
