// Photos waiting for upload (the `blobs` object store), keyed by sha256. `uploaded` is the state:
// 0 waiting, 1 uploaded, -1 refused by the server (kept so the worker can see it). The bytes are
// sealed with the data key (`box`); the hash, type and state stay readable for the upload queue.

import { sha256Hex } from '../core/sha256.js';

/** The photo part of a store, on a connection from connect(). */
export function blobsApi({ db, run }, keyring) {
  return {
    /**
     * Keep a photo until it is uploaded; a photo already stored is left as it is. `sha256` may
     * be null to have it computed. Resolves to the sha256.
     */
    async putBlob(sha256, blob, type) {
      const hash = sha256 || (await sha256Hex(blob));
      const kind = type ?? blob?.type ?? 'application/octet-stream';
      const bytes = blob instanceof Uint8Array ? blob : new Uint8Array(await new Response(blob).arrayBuffer());
      const box = await keyring.sealBytes(bytes);
      await run(['blobs'], 'readwrite', async (tx) => {
        const blobs = tx.objectStore('blobs');
        if ((await blobs.getKey(hash)) === undefined) {
          await blobs.put({ sha256: hash, box, type: kind, uploaded: 0 });
        }
      });
      return hash;
    },

    /** sha256 of every photo not yet uploaded (uploaded 0). */
    async pendingBlobs() {
      return (await db()).getAllKeysFromIndex('blobs', 'uploaded', 0);
    },

    /** sha256 of the photos in a state: 0 waiting, 1 uploaded, -1 refused by the server. */
    async blobsByState(state) {
      return (await db()).getAllKeysFromIndex('blobs', 'uploaded', state);
    },

    async markBlob(sha256, state) {
      return run(['blobs'], 'readwrite', async (tx) => {
        const blobs = tx.objectStore('blobs');
        const row = await blobs.get(sha256);
        if (row) await blobs.put({ ...row, uploaded: state });
      });
    },

    /** {sha256, blob, type, uploaded} or null (the bytes opened: the store must be unlocked). */
    async getBlob(sha256) {
      const row = await (await db()).get('blobs', sha256);
      if (!row) return null;
      const { box, ...rest } = row;
      return { ...rest, blob: new Blob([await keyring.openBytes(box)], { type: row.type }) };
    },
  };
}
