// Interface language of the field app: Simplified Chinese (the default, written in the code) or
// English (a catalogue keyed by the Chinese text). t('待同步 {n} 条', { n }) returns the text in
// the current language with {name} placeholders filled from params; escaping stays with html``.
//
// The machinery without a catalogue: index.js (service worker, en.js) and page.js (page script,
// en_page.js) each load theirs.
let catalogue = {};

let current = 'zh';

/** The English catalogue t() reads ({Chinese: English}). */
export function useCatalogue(entries) {
  catalogue = entries;
}

/** 'zh' or 'en'. */
export function language() {
  return current;
}

/** Switch the language for the texts rendered from now on; anything but 'en' means Chinese. */
export function setLanguage(lang) {
  current = lang === 'en' ? 'en' : 'zh';
}

/** The text `source` (Chinese) in the current language, placeholders filled (values converted with String). */
export function t(source, params) {
  const text = current === 'en' && Object.prototype.hasOwnProperty.call(catalogue, source) ? catalogue[source] : source;
  return params ? fill(text, params) : text;
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

/**
 * Chinese on purpose, never translated: data in Chinese the code compares or searches against
 * (a building's "3号楼", an address typed into search). Placeholders are filled like t's.
 */
export function zh(text, params) {
  return params ? fill(text, params) : text;
}

/** A dictionary record's own name (name_zh / name_en, label_zh / label_en) in the current language. */
export function dictText(fields, key = 'name') {
  if (!fields) return '';
  return (current === 'en' && fields[`${key}_en`]) || fields[`${key}_zh`] || '';
}

/** Chinese characters and full-width punctuation: what an English screen should not show. */
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const CJK_TEXT = new RegExp(`>(\\s*)([^<>]*?${CJK.source}[^<>]*?)(\\s*)<`, 'g');
const CJK_LABEL = new RegExp(`aria-label="([^"]*${CJK.source}[^"]*)"`, 'g');
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]);

/**
 * The app shell page (index.html) in the current language: <html lang> and the Chinese text nodes
 * and aria-labels the catalogue knows (the tab bar, the pill, the update banner). Run it before
 * the screen goes in, so screen data is never touched.
 */
export function localizeShell(page) {
  if (current !== 'en') return page;
  return page
    .replace(/<html lang="[^"]*"/, '<html lang="en"')
    .replace(CJK_TEXT, (whole, before, text, after) => `>${before}${escape(t(text))}${after}<`)
    .replace(CJK_LABEL, (whole, text) => `aria-label="${escape(t(text))}"`);
}
