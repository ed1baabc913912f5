// The app shell's build and page-side helpers. Run: node --test pwa/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from '../build.mjs';
import { MAX_SIDE, fitWithin } from '../src/app/photo.js';

test('photos: the longest side is brought down to 1600 px, keeping the aspect ratio', () => {
  assert.equal(MAX_SIDE, 1600);
  assert.deepEqual(fitWithin(4032, 3024), { width: 1600, height: 1200 });
  assert.deepEqual(fitWithin(3024, 4032), { width: 1200, height: 1600 });
  assert.deepEqual(fitWithin(1600, 1600), { width: 1600, height: 1600 });
  assert.deepEqual(fitWithin(10000, 10), { width: 1600, height: 2 });
});

test('photos: small images are never enlarged, broken sizes refused', () => {
  assert.deepEqual(fitWithin(800, 600), { width: 800, height: 600 });
  assert.throws(() => fitWithin(0, 600), RangeError);
  assert.throws(() => fitWithin(NaN, 600), RangeError);
});

test('build: every file the shell needs is precached with a revision, and index.html refers to them', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'wangge-dist-'));
  const vendordir = mkdtempSync(join(tmpdir(), 'wangge-vendor-'));
  const log = console.log;
  console.log = () => {};
  try {
    const result = await build({ outdir, vendordir });
    for (const file of ['index.html', 'app.js', 'app.css', 'htmx.min.js', 'manifest.webmanifest',
      'icons/icon-192.png', 'icons/icon-512.png', 'icons/icon-maskable-512.png']) {
      assert.ok(result.files.includes(file), `${file} precached`);
    }
    assert.ok(!result.files.includes('sw.js') && !result.files.some((f) => f.endsWith('.map')));
    // The console's libraries: in the vendor folder both use, not in the field app's build.
    assert.deepEqual(readdirSync(vendordir).sort(), ['echarts.min.js', 'htmx.min.js']);
    assert.deepEqual(readFileSync(join(outdir, 'htmx.min.js')), readFileSync(join(vendordir, 'htmx.min.js')));
    assert.ok(!existsSync(join(outdir, 'vendor')));
    assert.ok(result.gzipped > 0 && result.gzipped < 200 * 1024, `shell gzip ${result.gzipped} bytes`);

    const sw = readFileSync(join(outdir, 'sw.js'), 'utf8');
    assert.ok(!sw.includes('self.__WB_MANIFEST'), 'manifest injected');
    const entries = [...sw.matchAll(/\{"revision":"([0-9a-f]{32})","url":"([^"]+)"\}/g)].map((m) => m[2]);
    assert.deepEqual([...entries].sort(), [...result.files].sort());

    const index = readFileSync(join(outdir, 'index.html'), 'utf8');
    // Files (with an extension), not screen links like /app/due.
    const refs = [...index.matchAll(/(?:href|src)="\/app\/([^"?]+\.[a-z]+)(\?v=[0-9a-f]{12})?"/g)];
    assert.ok(refs.length >= 5);
    for (const [whole, file, version] of refs) {
      assert.ok(existsSync(join(outdir, file)), `${whole} exists`);
      assert.ok(version, `${whole} is versioned`);
    }
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.start_url, '/app/');
    for (const icon of manifest.icons) assert.ok(existsSync(join(outdir, icon.src.replace(/^\/app\/|\?.*$/g, ''))));
  } finally {
    console.log = log;
    rmSync(outdir, { recursive: true, force: true });
    rmSync(vendordir, { recursive: true, force: true });
  }
});
