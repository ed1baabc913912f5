// Signing in and out, and the interface language: the login screen, log-out (which clears the
// phone's data, after asking while changes are unsynced) and the 中文/English switch.

import { t } from '../../i18n/index.js';
import { deviceName } from '../device_name.js';
import { renewFormToken } from '../formguard.js';
import { safeNext, str } from '../forms.js';
import { outboxCounts } from '../queries.js';
import { respond, show } from '../reply.js';
import { loginView } from '../views/login.js';
import { homeScreen } from './home.js';
import { syncScreen } from './sync.js';

/**
 * GET /app/login (?revoked=1 after the server revoked this device). After the server refused the
 * token (expired, password reset) it says so, and that the unsynced changes wait for the sign-in.
 */
export async function loginScreen(ctx, { user, url }) {
  const revoked = url.searchParams.get('revoked');
  let message = revoked ? t('此设备已被停用，本机数据已清除。') : '';
  if (!revoked && (await ctx.storage.getMeta('session_ended'))) {
    const { pending, rejected } = await outboxCounts(ctx);
    message = t('登录已过期，请重新登录。本机 {n} 条未同步的修改已保留，登录后自动上传。', { n: pending + rejected });
  } else if (!message && user && url.pathname !== '/app/login') {
    // Only for someone this phone knows: on the first open the sign-in form is all there is to say.
    message = t('请先登录');
  }
  return loginView({ username: user?.username || '', message, messageKind: 'warn' });
}

/** POST /app/login: needs the network once; the first download then runs in the background. */
async function login(ctx, call) {
  const form = await call.request.formData();
  const username = str(form, 'username');
  const password = typeof form.get('password') === 'string' ? form.get('password') : '';
  const retry = (error) => respond(ctx, call.request, loginView({ username, error }), { status: 422 });
  if (!username || !password) return retry(t('请输入用户名和密码'));
  try {
    await ctx.engine.login(username, password, { deviceName: deviceName(globalThis.navigator?.userAgent) });
  } catch (error) {
    const name = error?.name; // set explicitly by engine.js, so it survives minification
    if (name === 'Offline') return retry(t('无法连接服务器：首次登录需要联网，请检查网络后重试'));
    if (name === 'DeviceRevoked') return retry(t('此设备已被停用，本机数据已清除。请联系社区管理员'));
    if (name === 'UpdateRequired') return retry(t('应用版本过旧，请更新后再登录'));
    if (error?.body?.message) return retry(error.body.message);
    return retry(t('登录失败，请稍后重试'));
  }
  await renewFormToken(ctx.storage); // a new session: forms from before it no longer post
  // The first download starts now; the home screen refreshes itself when it is done.
  Promise.resolve().then(() => ctx.requestSync?.('login')).catch(() => {});
  return show(ctx, { ...call, user: await ctx.storage.getMeta('user') }, homeScreen, '/app/', { message: t('登录成功，正在下载本网格数据') });
}

/** POST /app/logout: clears this phone's data; asks first while changes are unsynced. */
async function logout(ctx, call) {
  const form = await call.request.formData();
  const { pending, rejected } = await outboxCounts(ctx);
  if (pending + rejected > 0 && str(form, 'confirm') !== '1') {
    return show(ctx, call, syncScreen, '/app/sync', { confirmLogout: true }, { status: 200 });
  }
  await ctx.engine.logout();
  await renewFormToken(ctx.storage);
  return respond(ctx, call.request, loginView({ message: t('已退出登录，本机数据已清除'), messageKind: 'ok' }), {
    push: '/app/login', redirect: '/app/login',
  });
}

/**
 * POST /app/lang: store the interface language ('zh' or 'en') and reload `next` as a whole page,
 * so the shell (tab bar, <html lang>, the page script's texts) changes with the screen.
 */
async function lang(ctx, call) {
  const form = await call.request.formData();
  const choice = str(form, 'lang') === 'en' ? 'en' : 'zh';
  await ctx.storage.setMeta('lang', choice);  // the next request (the reload) reads it
  const next = safeNext(str(form, 'next'));
  if (call.request.headers.get('HX-Request') === 'true') {
    return new Response(null, { status: 204, headers: { 'HX-Redirect': next } });
  }
  return new Response(null, { status: 303, headers: { Location: next } });
}

export const routes = [
  ['GET', '/app/login', 'login', 'any', loginScreen],
  ['POST', '/app/login', 'login', 'any', login],
  ['POST', '/app/logout', 'logout', 'patrol', logout],
  ['POST', '/app/lang', 'lang', 'locked', lang],
];
