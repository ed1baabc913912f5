// Photos posted with a form: checked (count, type, size), kept in the store until they are
// uploaded after the next push, and written into the record as their sha256 ids.

import { sha256Hex } from '../core/sha256.js';

const MAX_PHOTOS = 9;
const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/**
 * The photos of a multipart form field: checked, stored through storage.putBlob and returned as
 * sha256 ids. {hashes} or {error: code}.
 */
async function storePhotos(ctx, form, name = 'photo') {
  const files = form.getAll(name).filter((f) => typeof f === 'object' && f !== null && typeof f.arrayBuffer === 'function' && f.size > 0);
  if (files.length > MAX_PHOTOS) return { error: 'too_long' };
  for (const file of files) {
    if (!PHOTO_TYPES.includes(file.type)) return { error: 'photo_type' };
    if (file.size > MAX_PHOTO_BYTES) return { error: 'photo_too_large' };
  }
  const hashes = [];
  for (const file of files) {
    const sha = await sha256Hex(file);
    await ctx.storage.putBlob(sha, file, file.type);
    if (!hashes.includes(sha)) hashes.push(sha);
  }
  return { hashes };
}

/**
 * A form's photos, stored as blobs only once the rest of the form is valid (a refused form keeps
 * nothing); a photo's own problem lands in `errors.photos`. Resolves to the sha256 ids.
 */
export async function photosOfValidForm(ctx, form, errors) {
  if (Object.keys(errors).length) return [];
  const stored = await storePhotos(ctx, form);
  if (stored.error) {
    errors.photos = stored.error;
    return [];
  }
  return stored.hashes;
}
