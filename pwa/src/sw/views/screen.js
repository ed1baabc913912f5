// The frame every screen shares (title, header, back link, refresh after a sync), the answers for a
// screen the user may not see or the phone does not hold, the flash message and the language switch.

import { language, t, zh } from '../../i18n/index.js';
import { html, raw } from './escape.js';
import { label } from './labels.js';

/** The app's name: a brand, not translated. */
export const APP_NAME = zh('网格通');

/**
 * The frame of every screen: a <title> (htmx moves it into the document; the router puts it in
 * the shell's <head> for full pages), a header with an optional back link, and the body. The
 * shell (pwa/static/index.html) boosts links and forms into #screen and owns the tab bar.
 * `refresh`: a URL the screen reloads itself from when a sync finishes (event wangge:synced).
 * `bare`: a screen shown without the tab bar (data-hide-nav, see app.css), for the sign-in form:
 * before anyone signed in every tab would only lead back to it.
 */
export function screen({ title, back = null, body, refresh = null, bare = false }) {
  return String(html`<title>${title} · ${APP_NAME}</title>
<div class="screen"${bare ? raw(' data-hide-nav') : ''}>
<header class="bar">${back ? html`<a class="bar-back" href="${back}" aria-label="${t('返回')}">‹ ${t('返回')}</a>` : ''}<h1 class="bar-title">${title}</h1></header>
${body}
${refresh ? html`<div hidden hx-get="${refresh}" hx-trigger="wangge:synced from:body" hx-target="#screen" hx-swap="innerHTML" hx-push-url="false"></div>` : ''}
</div>`);
}

/** The answer to a screen the user's role may not see. */
export function forbiddenView({ role } = {}) {
  return screen({
    title: t('无权限'),
    back: '/app/',
    body: html`<section class="card notice"><p>${t('无权限：您的账号（{role}）不能查看此页面。', { role: label('role', role) || t('未登录') })}</p>
<p><a class="btn" href="/app/">${t('返回首页')}</a></p></section>`,
  });
}

/**
 * The answer to a POST the form guard refused (formguard.js): what happened, that nothing was
 * saved, and the stable code (cross_site_refused, form_token_invalid) for support.
 */
export function refusedView({ code, message }) {
  return screen({
    title: t('提交被拒绝'),
    back: '/app/',
    body: html`<section class="card notice notice-error" role="alert" data-code="${code}"><p>${message}</p>
<p class="muted"><code>${code}</code></p>
<p><a class="btn" href="/app/">${t('返回首页')}</a></p></section>`,
  });
}

export function notFoundView({ what = t('内容') } = {}) {
  return screen({
    title: t('未找到'),
    back: '/app/',
    body: html`<section class="card notice"><p>${t('未找到该{what}。可能尚未同步到本机，或已不在您负责的范围内。', { what })}</p>
<p><a class="btn" href="/app/">${t('返回首页')}</a></p></section>`,
  });
}

/**
 * The language switch: one button for the other language, named in that language (posts to
 * /app/lang, which stores the choice and reloads `next`).
 */
export function languageSwitch(next) {
  const other = language() === 'en' ? 'zh' : 'en';
  return html`<form method="post" action="/app/lang" class="lang-switch">
<input type="hidden" name="lang" value="${other}"><input type="hidden" name="next" value="${next}">
<button type="submit" class="btn btn-block" lang="${other === 'en' ? 'en' : 'zh-CN'}">${other === 'en' ? 'English' : zh('中文')}</button>
</form>`;
}

/** A one-line message at the top of a screen after an action ("已保存，待同步"). */
export function flash(message, kind = 'ok') {
  if (!message) return '';
  return html`<p class="flash flash-${kind}" role="status">${message}</p>`;
}
