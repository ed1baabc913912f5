// 解锁 and 设置 PIN: the screens of the lock (features/lock.js). The PIN pad's keys fill the PIN
// input through the page script (data-wangge-pin-key); without it the phone's number keyboard does.

import { t } from '../../i18n/index.js';
import { html } from './escape.js';
import { flash, languageSwitch, screen } from './screen.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'];

function pinPad() {
  return html`<div class="pin-pad" role="group" aria-label="${t('数字键盘')}">${KEYS.map((key) => {
    if (key === 'clear') return html`<button type="button" class="btn pin-key" data-wangge-pin-key="clear" aria-label="${t('清空')}">${t('清空')}</button>`;
    if (key === 'back') return html`<button type="button" class="btn pin-key" data-wangge-pin-key="back" aria-label="${t('删除')}">⌫</button>`;
    return html`<button type="button" class="btn pin-key" data-wangge-pin-key="${key}">${key}</button>`;
  })}</div>`;
}

const pinInput = (name, label, autofocus = false) => html`<label class="field"><span class="field-label">${label}</span><input class="pin-input" type="password" name="${name}" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" minlength="6" autocomplete="off" required${autofocus ? ' autofocus' : ''}></label>`;

// What a wrong try costs: tries left, and the unsynced changes a wipe would lose.
function warning({ failures, left, pending }) {
  if (!failures) return '';
  return html`<div class="notice notice-error" role="alert"><p><strong>${t('解锁失败，还可再试 {n} 次。', { n: left })}</strong></p>
<p>${t('再错 {n} 次将清除本机全部数据，其中 {pending} 条未同步的修改会丢失。', { n: left, pending })}</p></div>`;
}

/** data: {next, hasPin, usePassword, failures, left, pending, message} */
export function unlockView(data) {
  const password = data.usePassword || !data.hasPin;
  return screen({
    title: t('已锁定'),
    body: html`${flash(data.message, 'warn')}
<section class="card unlock">
<p>${password ? t('请输入登录密码解锁。离线也可解锁。') : t('请输入 6 位 PIN 解锁。离线也可解锁。')}</p>
${warning(data)}
<form method="post" action="/app/unlock" class="form" data-wangge-pin-form>
<input type="hidden" name="next" value="${data.next}">
<input type="hidden" name="kind" value="${password ? 'password' : 'pin'}">
${password
    ? html`<label class="field"><span class="field-label">${t('密码')}</span><input type="password" name="secret" autocomplete="current-password" required autofocus></label>`
    : html`${pinInput('secret', t('PIN'), true)}${pinPad()}`}
<button type="submit" class="btn btn-primary btn-big btn-block">${t('解锁')}</button>
</form>
${data.hasPin && !password ? html`<p><a class="btn btn-block" href="/app/unlock?with=password&amp;next=${encodeURIComponent(data.next)}">${t('忘记 PIN？用登录密码解锁')}</a></p>` : ''}
${data.hasPin && password ? html`<p><a class="btn btn-block" href="/app/unlock?next=${encodeURIComponent(data.next)}">${t('用 PIN 解锁')}</a></p>` : ''}
</section>
${languageSwitch('/app/unlock')}`,
  });
}

/** data: {hasPin, minutes, choices, error, message} */
export function pinView(data) {
  return screen({
    title: t('解锁 PIN'),
    back: '/app/sync',
    body: html`${flash(data.message, 'ok')}
<section class="card">
<p>${data.hasPin ? t('更改解锁 PIN。') : t('设置 6 位解锁 PIN：本机数据已加密，应用闲置后会锁定，用 PIN 解锁（离线也可）。')}</p>
<form method="post" action="/app/pin" class="form" data-wangge-pin-form>
${pinInput('pin', t('新 PIN（6 位数字）'), true)}
${pinInput('confirm', t('再输入一次'))}
${data.error ? html`<p class="field-error" role="alert">${data.error}</p>` : ''}
<label class="field"><span class="field-label">${t('闲置多久后锁定')}</span><select name="minutes">${data.choices.map((m) => html`<option value="${m}"${m === data.minutes ? ' selected' : ''}>${t('{n} 分钟', { n: m })}</option>`)}</select></label>
<button type="submit" class="btn btn-primary btn-big btn-block">${t('保存')}</button>
</form>
</section>`,
  });
}

/** The home screen's reminder while no PIN is set. */
export function pinReminder() {
  return html`<section class="card notice" data-pin-reminder><p>${t('本机数据已加密。请设置解锁 PIN，闲置锁定后用它解锁。')}</p>
<p><a class="btn btn-primary btn-block" href="/app/pin">${t('设置 PIN')}</a></p></section>`;
}
