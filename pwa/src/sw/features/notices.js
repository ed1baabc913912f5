// The notices of this phone's edits that someone else's write replaced (sync/notices.js keeps
// them): in words with a link to the record, for the sync screen and home; and 知道了.

import { safeNext, str } from '../forms.js';
import { label } from '../views/labels.js';
import { dismissNotice, listNotices } from '../../sync/notices.js';
import { show } from '../reply.js';
import { describeRecord, syncScreen } from './sync.js';
import { homeScreen } from './home.js';

function hrefOf(entity, id, fields) {
  switch (entity) {
    case 'resident': return fields.household_id ? `/app/households/${fields.household_id}` : `/app/residents/${id}/edit`;
    case 'household': return `/app/households/${id}`;
    case 'building': return `/app/buildings/${id}`;
    case 'unit': return `/app/units/${id}`;
    default: return null;
  }
}

/** The kept notices, newest first, each with `what` (the record in words) and `href`. */
export async function loadNotices(ctx) {
  let notices;
  try {
    notices = await listNotices(ctx.storage);
  } catch {
    return []; // sealed and locked: the lock screen shows instead anyway
  }
  return Promise.all(notices.map(async (n) => {
    const record = await ctx.storage.view(n.entity, n.record_id).catch(() => null);
    const fields = record?.fields ?? {};
    const words = describeRecord(n.entity, fields);
    return {
      ...n, what: `${label('entity', n.entity)}${words ? ` ${words}` : ''}`, href: record ? hrefOf(n.entity, n.record_id, fields) : null,
    };
  }));
}

/** POST /app/sync/notices/<id>/dismiss: the worker has read it. */
async function dismiss(ctx, call) {
  const [id] = call.params;
  const next = safeNext(str(await call.request.formData(), 'next'));
  await dismissNotice(ctx.storage, id);
  return next === '/app/' ? show(ctx, call, homeScreen, '/app/') : show(ctx, call, syncScreen, '/app/sync');
}

export const routes = [
  ['POST', '/app/sync/notices/:id/dismiss', 'dismissNotice', 'patrol', dismiss],
];
