// Photos leave the phone small: the longest side at most 1600 px, re-encoded as JPEG on a canvas
// (which also drops the EXIF block, GPS position of the camera included).

export const MAX_SIDE = 1600;
export const JPEG_QUALITY = 0.82;

/** The size that fits within max × max keeping the aspect ratio; never enlarges. */
export function fitWithin(width, height, max = MAX_SIDE) {
  if (!(width > 0 && height > 0)) throw new RangeError(`bad image size ${width}×${height}`);
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      // Fall back to <img>, which decodes a few formats createImageBitmap refuses.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Downscale an image File/Blob to a JPEG Blob of at most MAX_SIDE px on its longest side. */
export async function downscale(file, { max = MAX_SIDE, quality = JPEG_QUALITY } = {}) {
  const image = await decode(file);
  const { width, height } = fitWithin(image.naturalWidth || image.width, image.naturalHeight || image.height, max);
  let blob;
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    draw(canvas.getContext('2d'), image, width, height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    draw(canvas.getContext('2d'), image, width, height);
    blob = await new Promise((resolve, reject) => canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality));
  }
  image.close?.();
  return blob;
}

function draw(ctx, image, width, height) {
  // JPEG has no alpha: a transparent PNG becomes white, not black.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
}

/**
 * Replace the files of an <input type="file"> by their downscaled JPEGs, so a form posts the
 * small photos whatever screen it is on (inputs marked data-wangge-photo; see main.js).
 */
export async function downscaleInput(input) {
  const files = [...input.files].filter((f) => f.type.startsWith('image/'));
  if (!files.length) return;
  const transfer = new DataTransfer();
  for (const [i, file] of files.entries()) {
    const blob = await downscale(file);
    const name = `${(file.name || `photo-${i + 1}`).replace(/\.[^.]*$/, '')}.jpg`;
    transfer.items.add(new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified }));
  }
  input.files = transfer.files;
}
