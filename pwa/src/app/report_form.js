// The page side of the quick report form (views/patrol.js): the preset phrases of the chosen
// category (a tap writes the description), the GPS started as soon as the form opens, and a
// thumbnail of every attached photo, removable, right after it is chosen. Nothing here can keep
// a form from being saved: a report without a fix goes with its address text.

import { t } from '../i18n/page.js';
import { locate } from './geo.js';

/** Show the phrase group of the chosen category, hide the others. */
function showPhrases(select) {
  const form = select.form;
  if (!form) return;
  let shown = false;
  for (const group of form.querySelectorAll('[data-phrases-for]')) {
    group.hidden = group.dataset.phrasesFor !== select.value;
    shown ||= !group.hidden;
  }
  const none = form.querySelector('[data-phrases-none]');
  // The hint is for an empty choice; a category without phrases simply has none.
  if (none) none.hidden = shown || select.value !== '';
}

function usePhrase(button) {
  const field = button.form?.elements.namedItem('description');
  if (!(field instanceof HTMLTextAreaElement)) return;
  field.value = button.dataset.wanggePhrase;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Locate once for a form whose GPS button asks for it (data-wangge-locate-auto). */
async function autoLocate(button) {
  button.removeAttribute('data-wangge-locate-auto');
  const form = button.form || button.closest('form');
  const status = form?.querySelector('[data-wangge-locate-status]');
  const say = (text, ok = false) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('locate-ok', ok);
  };
  say(t('正在定位…'));
  try {
    const fix = await locate();
    if (!button.isConnected) return;
    for (const [name, value] of Object.entries(fix)) {
      const field = form?.elements.namedItem(name);
      if (field) field.value = String(value);
    }
    say(t('已定位 ±{n}米', { n: fix.accuracy }), true);
  } catch {
    if (button.isConnected) say(t('未能定位，可手动填写地址'));
  }
}

function startAutoLocate(root = document) {
  for (const button of root.querySelectorAll('[data-wangge-locate-auto]')) autoLocate(button);
}

// Object URLs of the thumbnails shown for each input, revoked when they are redrawn.
const shownUrls = new WeakMap();

/** Draw the thumbnails of a photo input's files after it, each with a remove button. */
export function showThumbnails(input) {
  const label = input.closest('label') || input;
  let list = label.nextElementSibling;
  if (!list?.hasAttribute('data-wangge-thumbs')) {
    list = document.createElement('ul');
    list.className = 'thumbs';
    list.setAttribute('data-wangge-thumbs', '');
    label.after(list);
  }
  for (const url of shownUrls.get(input) || []) URL.revokeObjectURL(url);
  const files = [...input.files];
  const urls = files.map((file) => URL.createObjectURL(file));
  shownUrls.set(input, urls);
  list.replaceChildren(...files.map((file, i) => {
    const item = document.createElement('li');
    item.className = 'thumb';
    const img = document.createElement('img');
    img.src = urls[i];
    img.alt = t('照片 {n}', { n: i + 1 });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'thumb-remove';
    remove.setAttribute('aria-label', t('移除照片 {n}', { n: i + 1 }));
    remove.append(Object.assign(document.createElement('span'), { textContent: '×' }));
    remove.addEventListener('click', () => removePhoto(input, i));
    item.append(img, remove);
    return item;
  }));
}

function removePhoto(input, index) {
  const transfer = new DataTransfer();
  [...input.files].forEach((file, i) => { if (i !== index) transfer.items.add(file); });
  input.files = transfer.files;
  showThumbnails(input);
}

/** Wire the report form's behaviours; main.js calls this once. */
export function wireReportForm() {
  document.addEventListener('click', (event) => {
    const phrase = event.target instanceof Element ? event.target.closest('[data-wangge-phrase]') : null;
    if (phrase) usePhrase(phrase);
  });
  document.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement && event.target.hasAttribute('data-wangge-phrase-select')) showPhrases(event.target);
  });
  // main.js announces a photo input's files once they are downscaled.
  document.addEventListener('wangge:photos', (event) => {
    if (event.target instanceof HTMLInputElement) showThumbnails(event.target);
  });
  document.body.addEventListener('htmx:afterSettle', () => startAutoLocate());
  startAutoLocate();
}
