// The worker's edits that someone else's write replaced: asked from the server after each sync
// (GET /api/sync/overwritten, the open conflicts whose losing write carries this device's clock)
// and kept on the phone, sealed like the session, until the worker dismisses them.
//
// meta 'notices' (sealed): [{id, entity, record_id, field, at, by}] · meta 'notices_after': the
// last conflict id asked about (a plain number).

const MAX_KEPT = 200; // the newest; a worker does not read more, and meta values stay small
const MAX_PAGES = 10;

/** Fetch what is new since the last time and keep it. Resolves to how many arrived. */
export async function collectNotices(engine, storage) {
  let after = Number(await storage.getMeta('notices_after')) || 0;
  const arrived = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const reply = await engine.overwritten(after);
    arrived.push(...(reply?.items ?? []));
    after = Number(reply?.last) || after;
    if (!reply?.has_more) break;
  }
  if (arrived.length) {
    const kept = await listNotices(storage);
    const known = new Set(kept.map((n) => n.id));
    const merged = [...kept, ...arrived.filter((n) => !known.has(n.id))];
    await storage.setMeta('notices', merged.slice(-MAX_KEPT));
  }
  await storage.setMeta('notices_after', after);
  return arrived.length;
}

/** Every kept notice, newest first. */
export async function listNotices(storage) {
  const notices = (await storage.getMeta('notices')) ?? [];
  return Array.isArray(notices) ? [...notices].sort((a, b) => b.id - a.id) : [];
}

export async function dismissNotice(storage, id) {
  const notices = await listNotices(storage);
  await storage.setMeta('notices', notices.filter((n) => String(n.id) !== String(id)));
}
