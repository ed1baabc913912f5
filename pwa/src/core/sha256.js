// Photos are named by the sha256 of their bytes (protocol: PUT /api/blobs/<sha256>), so the phone
// and the server agree on a photo's id without asking each other.

/** Lower-case hex sha256 of a Blob, ArrayBuffer or typed array. */
export async function sha256Hex(data) {
  const bytes = typeof data?.arrayBuffer === 'function' ? await data.arrayBuffer() : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
