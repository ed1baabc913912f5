// Build the field app into pwa/dist/ (served by Flask at /app/):
//   app.js        src/app/main.js bundled (page side), minified, with a source map
//   sw.js         src/sw/index.js bundled (service worker), then the precache manifest injected
//   htmx.min.js   from the vendor folder (nothing is loaded from a CDN)
//   static/*      index.html, app.css, manifest.webmanifest, icons/
// First the browser libraries from npm (htmx, ECharts) go into pwa/vendor/, the one folder both
// the field app's build and the staff console (at /console/vendor/, server/vendor.py) take them from.
// index.html and the manifest refer to files as /app/<file>?v=<content hash>, so HTTP caches can
// keep them for a year before the service worker is installed; the precache ignores ?v=.
//
//   node build.mjs [--outdir <dir>] [--vendordir <dir>]
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import { getManifest, injectManifest } from 'workbox-build';

const ROOT = dirname(fileURLToPath(import.meta.url));
const PUBLIC_PATH = '/app/';
const VENDOR_DIR = join(ROOT, 'vendor');
// [npm file, name in the vendor folder]
const VENDOR = [
  ['node_modules/htmx.org/dist/htmx.min.js', 'htmx.min.js'],
  ['node_modules/echarts/dist/echarts.min.js', 'echarts.min.js'],
];

// Every module the bundles cannot do without, and who writes it (the build names the missing one).
const REQUIRED = [
  ['src/app/main.js', 'page script (app shell)'],
  ['src/sw/index.js', 'service worker event wiring (app shell)'],
  ['src/sw/precache.js', 'service worker caching policy (app shell)'],
  ['src/sw/router.js', 'screen router: export function createRouter(deps) -> {route(request)} (screens)'],
  ['src/sync/engine.js', 'sync engine (sync)'],
  ['src/storage/db.js', 'IndexedDB storage module (sync)'],
  ['static/index.html', 'app shell page (app shell)'],
  ['node_modules/htmx.org/dist/htmx.min.js', 'htmx (run `make pwa`, or `npm install --no-save` in pwa/: not `npm ci`, see the Makefile)'],
  ['node_modules/echarts/dist/echarts.min.js', 'ECharts for the console (run `make pwa`, or `npm install --no-save` in pwa/)'],
];

const PRECACHE = {
  globPatterns: ['**/*.{html,js,css,png,webmanifest,svg}'],
  globIgnores: ['sw.js', '**/*.map'],
  maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
};

// Phones of the last few years: Android Chrome/WebView, iOS Safari 15+.
const BROWSERS = ['es2020', 'chrome90', 'firefox90', 'safari15'];

function parseArgs(argv) {
  const options = { outdir: join(ROOT, 'dist'), vendordir: VENDOR_DIR };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--outdir') options.outdir = resolve(argv[++i]);
    else if (argv[i] === '--vendordir') options.vendordir = resolve(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (usage: node build.mjs [--outdir <dir>] [--vendordir <dir>])`);
  }
  return options;
}

function checkSources() {
  const missing = REQUIRED.filter(([path]) => !existsSync(join(ROOT, path)));
  if (missing.length) {
    const list = missing.map(([path, what]) => `  pwa/${path}  — ${what}`).join('\n');
    throw new Error(`cannot build the field app, missing:\n${list}`);
  }
}

async function bundle(entry, outfile, extra = {}) {
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    format: 'iife',
    minify: true,
    sourcemap: true,
    target: BROWSERS,
    // workbox guards its development logging with process.env.NODE_ENV.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    ...extra,
  });
}

const shortHash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

/** Turn every "/app/<file>" that names a built file into "/app/<file>?v=<hash>". */
async function versionReferences(outdir, file) {
  const path = join(outdir, file);
  const text = await readFile(path, 'utf8');
  const hashes = new Map();
  const pattern = /(["'])\/app\/([^"'?#\s]+)\1/g;
  for (const [, , name] of text.matchAll(pattern)) {
    const target = join(outdir, name);
    if (!hashes.has(name) && existsSync(target) && !name.endsWith('/')) {
      hashes.set(name, shortHash(await readFile(target)));
    }
  }
  const out = text.replace(pattern, (whole, quote, name) => (
    hashes.has(name) ? `${quote}${PUBLIC_PATH}${name}?v=${hashes.get(name)}${quote}` : whole));
  await writeFile(path, out);
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Copy the npm browser libraries into `vendordir`, each file written beside and renamed in. */
async function copyVendor(vendordir) {
  await mkdir(vendordir, { recursive: true });
  for (const [source, name] of VENDOR) {
    // A server reading the folder meanwhile sees the old file or the new one, never half of one.
    const part = join(vendordir, `.${name}-${process.pid}`);
    await cp(join(ROOT, source), part);
    await rename(part, join(vendordir, name));
  }
}

/**
 * Build into a fresh directory beside `outdir`, then swap it in: a server (or test) reading the
 * old build never sees a half-written one.
 */
export async function build({ outdir, vendordir = VENDOR_DIR }) {
  checkSources();
  await copyVendor(vendordir);
  const work = join(dirname(outdir), `.${basename(outdir)}-build-${process.pid}`);
  const old = join(dirname(outdir), `.${basename(outdir)}-old-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const result = await buildInto(work, vendordir);
    await rm(old, { recursive: true, force: true });
    if (existsSync(outdir)) await rename(outdir, old);
    await rename(work, outdir);
    await rm(old, { recursive: true, force: true });
    console.log(`built ${relative(process.cwd(), outdir) || '.'}`);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildInto(outdir, vendordir) {
  await bundle('src/app/main.js', join(outdir, 'app.js'));
  await bundle('src/sw/index.js', join(outdir, 'sw.js'));
  await cp(join(vendordir, 'htmx.min.js'), join(outdir, 'htmx.min.js'));
  await cp(join(ROOT, 'static'), outdir, { recursive: true });
  // The manifest first: index.html's reference to it must hash the versioned manifest.
  await versionReferences(outdir, 'manifest.webmanifest');
  await versionReferences(outdir, 'index.html');

  const config = { globDirectory: outdir, ...PRECACHE };
  const { manifestEntries, warnings: globWarnings } = await getManifest(config);
  const swPath = join(outdir, 'sw.js');
  const { count, size, warnings } = await injectManifest({ ...config, swSrc: swPath, swDest: swPath });
  for (const warning of [...globWarnings, ...warnings]) console.warn(`warning: ${warning}`);
  const precached = new Set(manifestEntries.map((e) => e.url));
  const strays = (await listFiles(outdir)).filter((f) => !precached.has(f) && f !== 'sw.js' && !f.endsWith('.map'));
  if (strays.length) throw new Error(`built files left out of the precache: ${strays.join(', ')}`);

  const rows = [];
  let gzipped = 0;
  for (const { url } of manifestEntries) {
    const bytes = await readFile(join(outdir, url));
    const gz = gzipSync(bytes, { level: 9 }).length;
    gzipped += gz;
    rows.push([url, bytes.length, gz]);
  }
  const swGz = gzipSync(await readFile(swPath), { level: 9 }).length;
  rows.sort((a, b) => b[2] - a[2]);
  console.log(`${count} precached files:`);
  for (const [url, raw, gz] of rows) console.log(`  ${url.padEnd(28)} ${kib(raw).padStart(10)}  gzip ${kib(gz).padStart(9)}`);
  console.log(`  ${'sw.js (the worker itself)'.padEnd(28)} ${''.padStart(10)}  gzip ${kib(swGz).padStart(9)}`);
  console.log(`app shell: ${kib(size)} raw, ${kib(gzipped)} gzip precached (+ ${kib(swGz)} gzip sw.js = ${kib(gzipped + swGz)} transferred on install)`);
  return { count, size, gzipped, swGzipped: swGz, files: rows.map(([url]) => url) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await build(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(`build failed: ${error.message}`);
    process.exit(1);
  }
}
