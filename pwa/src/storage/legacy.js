// Data an earlier version of the app left in clear text, sealed when the store first gets a data
// key (the sign-in after the update): the outbox and the photos are sealed in place, since they
// exist nowhere else; the replica is dropped with its cursor and downloaded again, sealed.

import { SEALED_META } from './meta.js';

/** Seal or drop every clear row; resolves to {outbox, blobs, records} counts of rows handled. */
export async function sealClearRows({ db, run }, keyring) {
  const conn = await db();
  const changes = (await conn.getAll('outbox')).filter((row) => !row.box);
  const blobs = (await conn.getAll('blobs')).filter((row) => !row.box);
  const clearRecord = (await conn.getAll('records')).some((row) => !row.box);
  const sealedChanges = await Promise.all(changes.map(async ({ fields, result, ...row }) => ({
    ...row,
    written: Object.keys(fields ?? {}),
    box: await keyring.seal(fields ?? {}),
    result: result ? await keyring.seal(result) : null,
  })));
  const sealedBlobs = await Promise.all(blobs.map(async ({ blob, ...row }) => ({
    ...row, box: await keyring.sealBytes(new Uint8Array(await new Response(blob).arrayBuffer())),
  })));
  await run(['records', 'outbox', 'blobs', 'meta'], 'readwrite', async (tx, track) => {
    for (const row of sealedChanges) track(tx.objectStore('outbox').put(row));
    for (const row of sealedBlobs) track(tx.objectStore('blobs').put(row));
    if (clearRecord) {
      track(tx.objectStore('records').clear());
      track(tx.objectStore('meta').delete('cursor'));
    }
    for (const key of SEALED_META) {
      const row = await tx.objectStore('meta').get(key);
      if (row && !(row.value?.iv && row.value?.data)) track(tx.objectStore('meta').delete(key));
    }
  });
  return { outbox: changes.length, blobs: blobs.length, records: clearRecord };
}
