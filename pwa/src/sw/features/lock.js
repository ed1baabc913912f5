// The lock of the phone's data: the unlock screen every screen turns into while the data key is
// not in memory (after the idle delay, or after the browser stopped the service worker), the PIN
// and idle-delay settings, and the wipe after too many wrong tries.

import { t } from '../../i18n/index.js';
import { LOCK_CHOICES, isPin } from '../../storage/vault.js';
import { str } from '../forms.js';
import { isFragmentRequest, respond } from '../reply.js';
import { loginView } from '../views/login.js';
import { pinView, unlockView } from '../views/unlock.js';

// Where to go after unlocking: a screen path of the app (with a plain query), never the lock's own.
export function nextOf(pathWithQuery) {
  const [path, query = ''] = String(pathWithQuery ?? '').split('?');
  if (!/^\/app\/[\w/-]*$/.test(path) || path.startsWith('/app/unlock') || path.startsWith('/app/lock')) return '/app/';
  return query && /^[\w=&%.+-]*$/.test(query) ? `${path}?${query}` : path;
}

async function unlockData(ctx, next, extra = {}) {
  const [hasPin, { failures, left }, pending, rejected] = await Promise.all([
    ctx.storage.hasPin(), ctx.storage.unlockFailures(), ctx.storage.outboxCount('pending'), ctx.storage.outboxCount('rejected'),
  ]);
  return { next, hasPin, failures, left, pending: pending + rejected, ...extra };
}

/** The unlock screen as the answer to any request while locked. */
export async function lockedAnswer(ctx, request, url) {
  const next = request.method === 'GET' ? nextOf(url.pathname + url.search) : '/app/';
  const fragment = unlockView(await unlockData(ctx, next));
  if (isFragmentRequest(request)) return respond(ctx, request, fragment, { push: `/app/unlock?next=${encodeURIComponent(next)}` });
  return new Response(null, { status: 303, headers: { Location: `/app/unlock?next=${encodeURIComponent(next)}` } });
}

function goTo(request, next) {
  if (request.headers.get('HX-Request') === 'true') {
    // A whole page, so the shell (tab bar, badges) is drawn for the unlocked app.
    return new Response(null, { status: 204, headers: { 'HX-Redirect': next } });
  }
  return new Response(null, { status: 303, headers: { Location: next } });
}

/** GET /app/unlock?next=&with=password */
async function unlockScreen(ctx, { url }) {
  const next = nextOf(url.searchParams.get('next') || '/app/');
  if ((await ctx.storage.lockState()) !== 'locked') return new Response(null, { status: 303, headers: { Location: next } });
  return unlockView(await unlockData(ctx, next, { usePassword: url.searchParams.get('with') === 'password' }));
}

/** POST /app/unlock: PIN or password, checked offline against the wrapped key. */
async function unlock(ctx, call) {
  const form = await call.request.formData();
  const next = nextOf(str(form, 'next'));
  if ((await ctx.storage.lockState()) !== 'locked') return goTo(call.request, next);
  const kind = str(form, 'kind') === 'password' ? 'password' : 'pin';
  const secret = typeof form.get('secret') === 'string' ? form.get('secret') : '';
  const outcome = secret ? await ctx.storage.unlock(secret, kind) : { ok: false, ...(await ctx.storage.unlockFailures()) };
  if (outcome.ok) {
    ctx.touch?.();
    return goTo(call.request, next);
  }
  if (outcome.wiped) {
    return respond(ctx, call.request, loginView({ message: t('解锁失败次数过多，本机数据已清除。请重新登录。'), messageKind: 'warn' }), {
      push: '/app/login', redirect: '/app/login',
    });
  }
  const data = await unlockData(ctx, next, { usePassword: kind === 'password' });
  return respond(ctx, call.request, unlockView(data), { status: 422 });
}

/** GET /app/lock?next=: lock now (the page's idle timer, the lock button). */
async function lockNow(ctx, { url }) {
  ctx.storage.lock();
  const next = nextOf(url.searchParams.get('next') || '/app/');
  return new Response(null, { status: 303, headers: { Location: `/app/unlock?next=${encodeURIComponent(next)}` } });
}

/** GET /app/pin */
export async function pinScreen(ctx, call, extra = {}) {
  const [hasPin, minutes] = await Promise.all([ctx.storage.hasPin(), ctx.storage.lockMinutes()]);
  return pinView({ hasPin, minutes, choices: LOCK_CHOICES, ...extra });
}

/** POST /app/pin: set the PIN (typed twice) and the idle delay. */
async function setPin(ctx, call) {
  const form = await call.request.formData();
  const pin = str(form, 'pin');
  const again = str(form, 'confirm');
  await ctx.storage.setLockMinutes(Number(str(form, 'minutes')));
  let error = '';
  if (!isPin(pin)) error = t('PIN 应为 6 位数字');
  else if (pin !== again) error = t('两次输入的 PIN 不一致');
  if (error) return respond(ctx, call.request, await pinScreen(ctx, call, { error }), { status: 422 });
  await ctx.storage.setPin(pin);
  return respond(ctx, call.request, await pinScreen(ctx, call, { message: t('PIN 已保存') }), { push: '/app/pin', redirect: '/app/pin' });
}

// 'locked': reachable while the store is locked (and when logged out).
export const routes = [
  ['GET', '/app/unlock', 'unlock', 'locked', unlockScreen],
  ['POST', '/app/unlock', 'unlock', 'locked', unlock],
  ['GET', '/app/lock', 'lock', 'locked', lockNow],
  ['GET', '/app/pin', 'pin', 'patrol', pinScreen],
  ['POST', '/app/pin', 'pin', 'patrol', setPin],
];
