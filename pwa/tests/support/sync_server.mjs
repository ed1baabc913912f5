// The REAL Python server for the engine tests: pwa/tests/support/server.py serves
// tests/conftest.py's world (make_app + build_world on a temporary SQLite database) on a free port;
// with {oldApp: true} a second instance runs with WANGGE_MIN_APP_VERSION=9.0.0 for "update
// required". Devices are engines on their own fake-indexeddb database behind a network the test
// can switch off or make lose answers.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';

import { createStore } from '../../src/storage/db.js';
import { createEngine } from '../../src/sync/engine.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = `${REPO}.venv/bin/python`;
const SERVER_SCRIPT = fileURLToPath(new URL('./server.py', import.meta.url));

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

// Resolves once the server prints its first line; a server that dies first rejects with its stderr.
// No time limit: a busy machine may take long to start Python, and that is no failure.
function startServer(env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SERVER_SCRIPT], {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        const info = JSON.parse(line);
        resolve({ ...info, child, base: `http://127.0.0.1:${info.port}` });
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`server exited (${code}):\n${err}`));
    });
  });
}

/** The servers of this test file, set by useServers()'s before hook. */
export let server;
export let oldAppServer;

/** Start the server (and the old-app one) before the file's tests, stop them after. */
export function useServers({ oldApp = false } = {}) {
  before(async () => {
    assert.ok(existsSync(PYTHON), `the project's venv python is needed: ${PYTHON}`);
    [server, oldAppServer] = await Promise.all([
      startServer(), oldApp ? startServer({ WANGGE_MIN_APP_VERSION: '9.0.0' }) : null,
    ]);
  });

  after(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
    }
  });
}

// A network the test can switch off, or make lose the next responses after the server handled them.
function network() {
  const net = { offline: false, loseNext: 0, log: [], headers: [], inflight: 0, maxInflight: 0 };
  net.fetch = async (url, init) => {
    net.log.push(`${init.method} ${new URL(url).pathname}`);
    net.headers.push(init.headers);
    if (net.offline) throw new TypeError('fetch failed');
    net.inflight += 1;
    net.maxInflight = Math.max(net.maxInflight, net.inflight);
    try {
      const response = await fetch(url, init);
      if (net.loseNext > 0) {
        net.loseNext -= 1;
        await response.arrayBuffer(); // the server has answered; the answer never arrives
        throw new TypeError('connection reset');
      }
      return response;
    } finally {
      net.inflight -= 1;
    }
  };
  return net;
}

let devices = 0;
export async function device(username = 'worker', { on = () => server, ...options } = {}) {
  const net = network();
  const store = createStore({ indexedDB: new IDBFactory(), name: `device-${devices++}`, iterations: 1000 });
  const engine = createEngine({ storage: store, fetch: net.fetch, baseUrl: on().base, ...options });
  if (username) await engine.login(username, server.password);
  return { engine, store, net };
}

export const countsOf = async (store) => ({ records: await store.replicaCount(), pending: await store.outboxCount('pending') });


// A real 1x1 PNG.
export const PNG = Uint8Array.from(atob(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
), (c) => c.charCodeAt(0));
