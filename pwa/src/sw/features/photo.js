// GET /app/photos/<sha256>: a photo for an <img> on a screen, from this phone's store, else once
// from the server (the after-photos a handling unit took), then kept, sealed like every photo, so
// the 核查 screen still shows them offline. keepPhotos fetches them ahead, when the home screen
// finds a case waiting for my check.

import { APP_VERSION, PROTOCOL_VERSION } from '../../version.js';

const SHA = /^[0-9a-f]{64}$/;

function photoReply(stored) {
  return new Response(stored.blob, { headers: { 'Content-Type': stored.type || 'image/jpeg', 'Cache-Control': 'no-store' } });
}

/** The server's copy, or null (offline, refused, not there). */
async function download(ctx, sha256) {
  if (typeof fetch !== 'function') return null;
  const token = await ctx.storage.getMeta('token');
  try {
    const headers = { Authorization: `Bearer ${token ?? ''}`, 'X-Wangge-Protocol': String(PROTOCOL_VERSION), 'X-Wangge-App': APP_VERSION };
    const reply = await fetch(`/api/blobs/${sha256}`, { headers, cache: 'no-store' });
    if (!reply.ok) return null;
    const blob = await reply.blob();
    return { blob, type: reply.headers.get('Content-Type') || blob.type };
  } catch {
    return null;
  }
}

/** The photo from the phone's store, else downloaded and kept; null when neither has it. */
async function photoOf(ctx, sha256) {
  const stored = await ctx.storage.getBlob(sha256);
  if (stored) return stored;
  const fetched = await download(ctx, sha256);
  if (!fetched) return null;
  await ctx.storage.putBlob(sha256, fetched.blob, fetched.type);
  // The server has it already: not one for the upload queue.
  await ctx.storage.markBlob(sha256, 1);
  return fetched;
}

/**
 * Download the photos the phone does not hold yet, one after another, in the background (a
 * screen never waits for them; offline, they are simply tried again the next time).
 */
export function keepPhotos(ctx, shas) {
  const wanted = [...new Set(shas)].filter((sha) => SHA.test(sha));
  if (!wanted.length) return Promise.resolve();
  return wanted.reduce((chain, sha) => chain.then(() => photoOf(ctx, sha)).catch(() => null), Promise.resolve());
}

async function photo(ctx, { params: [sha256] }) {
  if (!SHA.test(sha256)) return new Response(null, { status: 404 });
  const found = await photoOf(ctx, sha256);
  return found ? photoReply(found) : new Response(null, { status: 404 });
}

export const routes = [
  ['GET', '/app/photos/:id', 'photo', 'patrol', photo],
];
