// 登录: needs the network once; afterwards the app works offline.

import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { flash, languageSwitch, screen } from './screen.js';

/** data: {username, error, message} */
export function loginView(data = {}) {
  return screen({
    title: t('登录'),
    bare: true,
    body: html`${flash(data.message, data.messageKind || 'ok')}
<section class="card">
<p>${t('网格通 · 社区网格工作')}</p>
<form method="post" action="/app/login" class="form">
<label class="field"><span class="field-label">${t('用户名')}</span><input type="text" name="username" value="${data.username || ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required></label>
<label class="field"><span class="field-label">${t('密码')}</span><input type="password" name="password" autocomplete="current-password" required></label>
${data.error ? html`<p class="field-error" role="alert">${data.error}</p>` : ''}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('登录')}</button>
</form>
<p class="muted">${t('首次登录需要联网，登录后会把本网格的数据下载到手机，之后离线也能使用。')}</p>
</section>
${languageSwitch('/app/login')}`,
  });
}
