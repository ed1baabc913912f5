// The page side of the field app. The screens themselves come from the service worker (htmx
// requests to /app/... answered from IndexedDB); this script only:
// - registers the service worker (scope /app/) and shows the "new version" banner,
// - asks for persistent storage,
// - shows online/offline and the outbox count in the header,
// - asks the service worker to sync on load, when the network returns, after a write, on demand,
//   when the page is shown again and, while changes are pending, at the time the worker's retry
//   schedule names (the worker decides whether an attempt runs: several tabs never multiply them),
// - small behaviours on data attributes for the views' forms:
//     <button data-wangge-sync>             sync now
//     <input type="file" data-wangge-photo> photos downscaled to ≤1600 px JPEG before the form posts
//     <button data-wangge-locate>           fills the form's lat / lng / accuracy inputs from the GPS
//     <button data-wangge-pin-key="7">      the PIN pad: types into the form's PIN input, sends at 6 digits
//     the report form's phrases, automatic GPS and photo thumbnails: app/report_form.js
// - tells the service worker the worker is active (its idle lock waits), and after the idle delay
//   goes to /app/lock so no screen with grid data stays shown on a phone left alone,
// - window.wangge = {downscale, locate, sync, status} for anything else.
import { setLanguage, t } from '../i18n/page.js';
import { locate } from './geo.js';
import { downscale, downscaleInput } from './photo.js';
import { wireReportForm } from './report_form.js';

// The service worker wrote the page in the chosen language and said which in <html lang>.
setLanguage(/^en\b/i.test(document.documentElement.lang || '') ? 'en' : 'zh');

const SW_URL = '/app/sw.js';
const SCOPE = '/app/';

const $ = (selector) => document.querySelector(selector);
let updateRequested = false;

function configureHtmx() {
  const { htmx } = window;
  if (!htmx) return;
  // A screen that answers 422 (form errors) or 403 is swapped like a 200; other errors are not.
  htmx.config.responseHandling = [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    // The service worker's refusal of a form it did not issue (stale token): shown, not dropped.
    { code: '403', swap: true },
    { code: '[45]..', swap: false, error: true },
  ];
  // Going back to a page htmx has no snapshot of: a plain full-page request, not a fragment.
  htmx.config.historyRestoreAsHxRequest = false;
  htmx.config.defaultSwapStyle = 'innerHTML';
  htmx.config.scrollIntoViewOnBoost = false;
}

// --- service worker: registration and updates ------------------------------------------

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) {
    showNotice(t('此浏览器无法离线使用（需要 HTTPS 或本机地址）。This browser cannot run the app offline.'));
    return null;
  }
  const registration = await navigator.serviceWorker.register(SW_URL, { scope: SCOPE, updateViaCache: 'none' });
  if (registration.waiting && navigator.serviceWorker.controller) showUpdateBanner(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      // "installed" with a page already controlled = a new version waiting for the banner's tap.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) showUpdateBanner(worker);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updateRequested) {
      window.location.reload();
    } else {
      // First install: the worker just claimed this page, which can now load its screen.
      loadScreenIfEmpty();
      requestStatus();
    }
  });
  navigator.serviceWorker.addEventListener('message', onWorkerMessage);
  return registration;
}

function showUpdateBanner(worker) {
  const banner = $('#update-banner');
  if (!banner) return;
  banner.hidden = false;
  banner.querySelector('[data-wangge-update]')?.addEventListener('click', () => {
    updateRequested = true;
    worker.postMessage({ type: 'SKIP_WAITING' });
  }, { once: true });
}

/** A page served before the worker controlled it (first visit) loads its screen from the worker. */
function loadScreenIfEmpty() {
  const screen = $('#screen');
  if (!screen || screen.firstElementChild || !navigator.serviceWorker.controller || !window.htmx) return;
  window.htmx.ajax('GET', window.location.pathname + window.location.search, { target: '#screen', swap: 'innerHTML' });
}

// --- status: network, outbox, sync --------------------------------------------------------

function postToWorker(message) {
  const worker = navigator.serviceWorker?.controller;
  if (worker) {
    worker.postMessage(message);
    return true;
  }
  return false;
}

function requestSync(reason = 'page') {
  if (!navigator.onLine) return false;
  return postToWorker({ type: 'SYNC', reason });
}

function requestStatus() {
  postToWorker({ type: 'STATUS' });
}

// The page's timer is the retry schedule's clock while the app is open (a service worker's
// timers die with it): it wakes at the `retryAt` the worker last named and asks again.
let wakeTimer = null;

function scheduleWake({ retryAt, outbox }) {
  if (retryAt === undefined) return;
  clearTimeout(wakeTimer);
  wakeTimer = null;
  if (retryAt === null || !outbox) return;
  wakeTimer = setTimeout(() => {
    wakeTimer = null;
    requestSync('probe');
  }, Math.max(retryAt - Date.now(), 250));
}

// One connection pill: "在线" only when the server answered the last sync, so a phone with signal
// but no way to the server (server down, captive Wi-Fi) does not show 在线 beside an error.
let serverUnreachable = false;

function showNetwork() {
  const badge = $('#net-status');
  if (!badge) return;
  const online = navigator.onLine;
  const state = !online ? 'offline' : serverUnreachable ? 'unreachable' : 'online';
  badge.dataset.state = state;
  badge.textContent = { online: t('在线'), offline: t('离线'), unreachable: t('连不上服务器') }[state];
  badge.title = {
    online: t('有网络 Online'),
    offline: t('无网络，数据保存在本机 Offline: saved on this phone'),
    unreachable: t('连不上服务器，记录保存在本机，恢复后自动同步 Server unreachable: saved on this phone'),
  }[state];
}

function showStatus({ outbox, rejected, user, lockMinutes }) {
  if (typeof lockMinutes === 'number') idleLimitMs = lockMinutes * 60000;
  const badge = $('#outbox-badge');
  if (badge && typeof outbox === 'number') {
    badge.hidden = outbox === 0 && !rejected;
    badge.dataset.state = rejected ? 'rejected' : 'pending';
    badge.textContent = rejected ? t('未被接受 {n}', { n: rejected }) : t('待同步 {n}', { n: outbox });
  }
  const role = typeof user === 'string' ? safeParse(user)?.role : user?.role;
  if (role) document.body.dataset.role = role;
  else if (user === null) delete document.body.dataset.role;
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function showSyncState({ state, error, records }) {
  const badge = $('#sync-state');
  if (!badge) return;
  badge.dataset.state = state === 'error' ? error : state;
  badge.removeAttribute('title');
  if (state === 'running' || state === 'progress') {
    badge.hidden = false;
    badge.textContent = records ? t('同步中 {n}', { n: records }) : t('同步中…');
  } else if (error === 'update_required') {
    badge.hidden = false;
    badge.textContent = t('请更新');
  } else {
    badge.hidden = true;
  }
  if (state !== 'running' && state !== 'progress') {
    // navigator.onLine can be true with no way to the server (weak signal, server down).
    serverUnreachable = state === 'error' && (error === 'offline' || error === 'failed');
    showNetwork();
  }
}

function onWorkerMessage(event) {
  const message = event.data || {};
  if (message.type === 'STATUS' || message.type === 'RETRY') {
    showStatus(message);
    scheduleWake(message);
  } else if (message.type === 'SYNC_PROGRESS') {
    showSyncState({ state: 'progress', records: message.records });
  } else if (message.type === 'SYNC_STATE') {
    showSyncState(message);
    if (message.state === 'running') return;
    showStatus(message);
    scheduleWake(message);
    if (message.error === 'update_required') {
      showNotice(t('服务器要求更新应用，正在检查新版本。The server requires a newer app version.'));
      navigator.serviceWorker.getRegistration(SCOPE).then((r) => r?.update());
    } else if (message.error === 'device_revoked') {
      window.location.assign('/app/login?revoked=1');
      return;
    } else if (message.error === 'needs_login') {
      showNotice(t('登录已过期，请重新登录，未同步的修改已保留。Sign-in expired.'));
    }
    // Screens listening with hx-trigger="wangge:synced from:body" refresh themselves.
    document.body.dispatchEvent(new CustomEvent('wangge:synced', { detail: message }));
  }
}

function showNotice(text) {
  const notice = $('#shell-notice');
  if (!notice) return;
  notice.textContent = text;
  notice.hidden = false;
}

// --- the idle lock ------------------------------------------------------------------------

const ACTIVITY_EVERY_MS = 20000;
let idleLimitMs = null; // from the worker's STATUS
let lastInput = Date.now();
let lastReported = 0;

function onActivity() {
  lastInput = Date.now();
  if (lastInput - lastReported > ACTIVITY_EVERY_MS && postToWorker({ type: 'ACTIVITY' })) lastReported = lastInput;
}

function checkIdle() {
  const path = window.location.pathname;
  if (!idleLimitMs || path === '/app/unlock' || path === '/app/login') return;
  if (Date.now() - lastInput >= idleLimitMs) {
    window.location.assign(`/app/lock?next=${encodeURIComponent(path + window.location.search)}`);
  }
}

function watchIdle() {
  for (const type of ['pointerdown', 'keydown', 'input', 'scroll']) {
    document.addEventListener(type, onActivity, { passive: true, capture: true });
  }
  setInterval(checkIdle, 15000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') checkIdle();
  });
}

function onPinKey(button) {
  const form = button.closest('form');
  const input = form?.querySelector('.pin-input');
  if (!input) return;
  const key = button.dataset.wanggePinKey;
  if (key === 'back') input.value = input.value.slice(0, -1);
  else if (key === 'clear') input.value = '';
  else if (input.value.length < 6) input.value += key;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  // A form of one PIN (unlock) goes as soon as it is complete.
  if (input.value.length === 6 && form.querySelectorAll('.pin-input').length === 1) form.requestSubmit();
}

// --- behaviours on data attributes -------------------------------------------------------

function markCurrentTab() {
  const path = window.location.pathname;
  for (const link of document.querySelectorAll('#shell-nav a[href]')) {
    const href = link.getAttribute('href');
    const current = href === SCOPE ? path === SCOPE : path.startsWith(href);
    link.classList.toggle('tab-current', current);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function onPhotoChosen(input) {
  const form = input.form;
  const buttons = form ? [...form.querySelectorAll('button, [type=submit]')] : [];
  buttons.forEach((b) => { b.disabled = true; });
  input.setAttribute('aria-busy', 'true');
  try {
    await downscaleInput(input);
  } catch (error) {
    console.error('downscale failed', error);
    input.value = '';
    window.alert(t('照片处理失败，请重拍。'));
  } finally {
    input.removeAttribute('aria-busy');
    buttons.forEach((b) => { b.disabled = false; });
    input.dispatchEvent(new Event('wangge:photos', { bubbles: true })); // thumbnails (report_form.js)
  }
}

async function onLocate(button) {
  const form = button.form || button.closest('form');
  const status = form?.querySelector('[data-wangge-locate-status]');
  const say = (text) => { if (status) status.textContent = text; };
  button.disabled = true;
  say(t('正在定位…'));
  try {
    const { lat, lng, accuracy } = await locate();
    for (const [name, value] of Object.entries({ lat, lng, accuracy })) {
      const field = form?.elements.namedItem(name);
      if (field) field.value = String(value);
    }
    say(t('已定位（精度约 {n} 米）', { n: accuracy }));
  } catch (error) {
    say(error.message);
  } finally {
    button.disabled = false;
  }
}

// A screen that refreshes itself when a sync ends (hx-trigger "wangge:synced from:body", see
// views/screen.js screen()) must never land on top of a screen the worker has tapped to meanwhile:
// the refresh's answer is dropped if another request for #screen started after the refresh did,
// or if the screen that asked for it has already been replaced (a tap that started first and
// answered first).
let screenRequests = 0;
const refreshStartedAt = new WeakMap();

function isSelfRefresh(elt) {
  return elt instanceof Element && (elt.getAttribute('hx-trigger') || '').includes('wangge:synced');
}

function guardSelfRefresh() {
  document.body.addEventListener('htmx:beforeRequest', (event) => {
    const { elt, xhr, target } = event.detail;
    if (isSelfRefresh(elt)) refreshStartedAt.set(xhr, { at: screenRequests, elt });
    else if (target?.id === 'screen') screenRequests += 1;
  });
  document.body.addEventListener('htmx:beforeSwap', (event) => {
    const refresh = refreshStartedAt.get(event.detail.xhr);
    // (The event's own elt is the swap target here, not the element that asked.)
    if (refresh && (refresh.at !== screenRequests || !refresh.elt.isConnected)) event.detail.shouldSwap = false;
  });
}

/** The ID check's button: birth date and sex as the ID number states them (no inline handlers). */
function fillFromIdNumber(button) {
  const form = button.closest('form');
  if (!form) return;
  if (form.elements.birth_date) form.elements.birth_date.value = button.dataset.wanggeFillBirth;
  const sex = form.querySelector(`[name=sex][value="${CSS.escape(button.dataset.wanggeFillSex || '')}"]`);
  if (sex) sex.checked = true;
  button.closest('.id-check')?.querySelectorAll('.field-error').forEach((e) => e.remove());
}

function wireBehaviours() {
  guardSelfRefresh();
  wireReportForm();
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('[data-wangge-sync]')) {
      event.preventDefault();
      if (!requestSync('button')) showSyncState({ state: 'error', error: 'offline' });
    }
    const pinKey = target?.closest('[data-wangge-pin-key]');
    if (pinKey) onPinKey(pinKey);
    const fill = target?.closest('[data-wangge-fill-birth]');
    if (fill) fillFromIdNumber(fill);
    const locateButton = target?.closest('[data-wangge-locate]');
    if (locateButton) {
      event.preventDefault();
      onLocate(locateButton);
    }
  });
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'file' && input.hasAttribute('data-wangge-photo')) {
      onPhotoChosen(input);
    }
    if (input instanceof HTMLInputElement && input.hasAttribute('data-wangge-tag-details')) {
      // Ticking a care tag opens its detail fields (they may be required).
      const details = input.closest('.tag-edit')?.querySelector('details');
      if (details) details.open = input.checked;
    }
  });
  document.body.addEventListener('htmx:afterSettle', markCurrentTab);
  document.body.addEventListener('htmx:afterRequest', (event) => {
    const verb = event.detail?.requestConfig?.verb;
    // A write went to the outbox: show the new count, and push it if the network is there.
    if (verb && verb !== 'get' && event.detail.successful) {
      requestStatus();
      requestSync('write');
    }
  });
  window.addEventListener('popstate', markCurrentTab);
  window.addEventListener('online', () => {
    serverUnreachable = false; // until the sync this starts says otherwise
    showNetwork();
    requestSync('online');
    navigator.serviceWorker?.getRegistration(SCOPE).then((r) => r?.update()).catch(() => {});
  });
  window.addEventListener('offline', showNetwork);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') requestSync('visible');
  });
}

async function start() {
  configureHtmx();
  showNetwork();
  markCurrentTab();
  wireBehaviours();
  watchIdle();
  navigator.storage?.persisted?.().then((persisted) => persisted || navigator.storage.persist()).catch(() => {});
  try {
    await registerServiceWorker();
  } catch (error) {
    console.error('service worker registration failed', error);
    showNotice(t('离线功能启动失败，请刷新重试。Offline support failed to start; reload to retry.'));
  }
  loadScreenIfEmpty();
  requestStatus();
  requestSync('load');
}

window.wangge = {
  downscale,
  locate,
  sync: requestSync,
  status: requestStatus,
};

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

export { downscale, locate };
