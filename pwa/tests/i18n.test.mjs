// The field app's English catalogue and language switch: every text the code passes to t() (and
// every field table) has an English entry with the same placeholders, every choice label English; English screens show no
// Chinese except the data they were given; Chinese stays the default and is unchanged; no view
// module writes Chinese outside t(), so new text cannot skip the catalogue.
// Run: node --test pwa/tests/
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';

import EN from '../src/i18n/en.js';
import PAGE from '../src/i18n/en_page.js';
import { CJK, language, localizeShell, setLanguage, t, zh } from '../src/i18n/index.js';
import { CHOICES } from '../src/core/choices.js';
import { MESSAGES as ID_MESSAGES } from '../src/core/idnumber.js';
import {
  address, FIELD_LABELS, FIELD_MESSAGES, label, TAG_MARKS, TAG_MARKS_EN,
} from '../src/sw/views/labels.js';
import { homeView } from '../src/sw/views/home.js';
import { loginView } from '../src/sw/views/login.js';
import { syncView } from '../src/sw/views/sync_page.js';
import { caseName, reasonText, redoPlan } from '../src/sw/rejections.js';
import { searchRecords } from '../src/sw/views/search.js';
import { createRouter } from '../src/sw/router.js';
import { openStore } from '../src/storage/db.js';
import { createEngine } from '../src/sync/engine.js';
import { get, post, useFormToken } from './support/requests.mjs';
import { TEST_VAULT } from './support/vault.mjs';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const SHELL = readFileSync(new URL('../static/index.html', import.meta.url), 'utf8');
const BRAND = '网格通'; // the app's name: stays Chinese in both languages
// Symbols both languages show (the full-width plus of the "＋ add" buttons).
const SYMBOLS = /＋/g;
const cjkIn = (text) => (String(text).replace(SYMBOLS, '').match(new RegExp(CJK.source, 'g')) || []);

function sources(dir = SRC) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join(dir, f));
}

/** A module's code without comments (block, and line comments after whitespace or at line start). */
function code(file) {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

const T_CALL = /\b(t|zh)\(\s*(['"])((?:\\.|(?!\2).)*)\2/g;

function tLiterals(files) {
  const found = new Set();
  for (const file of files) for (const m of code(file).matchAll(T_CALL)) if (m[1] === 't') found.add(m[3]);
  return [...found];
}

const placeholders = (text) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const tableTexts = () => [
  ...Object.values(FIELD_LABELS), ...Object.values(FIELD_MESSAGES), ...Object.values(ID_MESSAGES),
];

test('catalogue: every t() text in pwa/src has an English entry', () => {
  const texts = tLiterals(sources());
  assert.ok(texts.length > 200, `only ${texts.length} t() texts found: is the extraction broken?`);
  const missing = texts.filter((text) => !Object.prototype.hasOwnProperty.call(EN, text));
  assert.deepEqual(missing, [], 'texts without an English entry in pwa/src/i18n/en.js');
});

test('catalogue: the page script\'s texts are in the small page catalogue app.js carries', () => {
  const texts = tLiterals(sources(join(SRC, 'app')));
  assert.ok(texts.length > 10);
  assert.deepEqual(texts.filter((text) => !Object.prototype.hasOwnProperty.call(PAGE, text)), []);
  for (const [zhText, en] of Object.entries(PAGE)) assert.equal(EN[zhText], en, 'en.js spreads en_page.js');
});

test('catalogue: the label tables and the shell\'s texts have English entries', () => {
  const missing = tableTexts().filter((text) => !Object.prototype.hasOwnProperty.call(EN, text));
  assert.deepEqual(missing, [], 'label table texts without an English entry');
  const shellTexts = [
    ...[...SHELL.matchAll(/>\s*([^<>]*?\S)\s*</g)].map((m) => m[1]),
    ...[...SHELL.matchAll(/aria-label="([^"]+)"/g)].map((m) => m[1]),
  ].filter((text) => CJK.test(text) && text !== BRAND);
  assert.ok(shellTexts.includes('首页') && shellTexts.includes('在线'));
  assert.deepEqual(shellTexts.filter((text) => !(text in EN)), []);
  assert.deepEqual(Object.keys(TAG_MARKS_EN).sort(), Object.keys(TAG_MARKS).sort());
});

test('choices: every code has Chinese and English labels, the English holds no Chinese; label() picks by language', () => {
  for (const [kind, table] of Object.entries(CHOICES)) {
    assert.ok(Object.keys(table).length > 0, kind);
    for (const [code, words] of Object.entries(table)) {
      assert.deepEqual(Object.keys(words), ['zh', 'en'], `${kind}.${code}`);
      assert.ok(CJK.test(words.zh), `${kind}.${code} in Chinese: ${words.zh}`);
      assert.ok(words.en && cjkIn(words.en).length === 0, `${kind}.${code} in English: ${words.en}`);
    }
  }
  setLanguage('en');
  assert.equal(label('population_type', 'migrant'), 'Migrant');
  setLanguage('zh');
  assert.equal(label('population_type', 'migrant'), '流动');
});

test('catalogue: placeholders match, English entries hold no Chinese, no entry is left blank by mistake', () => {
  for (const [zhText, en] of Object.entries(EN)) {
    assert.deepEqual(placeholders(en), placeholders(zhText), `placeholders of ${zhText}`);
    assert.deepEqual(cjkIn(en), [], `Chinese in the English of ${zhText}`);
    // Only the counter word 人 ("people", after a number the line already explains) reads as nothing.
    if (en === '') assert.equal(zhText, '人');
  }
});

test('t: Chinese by default, English from the catalogue, Chinese for unknown text, placeholders filled', () => {
  setLanguage('zh');
  assert.equal(language(), 'zh');
  assert.equal(t('待同步'), '待同步');
  assert.equal(t('逾期 {n} 天', { n: 3 }), '逾期 3 天');
  setLanguage('en');
  assert.equal(language(), 'en');
  assert.equal(t('待同步'), 'Waiting to sync');
  assert.equal(t('逾期 {n} 天', { n: 3 }), '3 days overdue');
  assert.equal(t('一句目录里没有的话 {x}', { x: 1 }), '一句目录里没有的话 1');
  assert.equal(t('{number}号楼', { number: '<b>' }), 'Bldg <b>', 't returns plain text: html`` escapes');
  assert.equal(t('{n} 天后到期', {}), 'Due in {n} days', 'a missing parameter stays visible');
  assert.equal(zh('{number}号楼', { number: 3 }), '3号楼', 'zh() never translates');
  setLanguage('fr');
  assert.equal(language(), 'zh', 'an unknown language is Chinese');
  assert.equal(t('待同步'), '待同步');
});

const USER = { id: 'u1', name: '王小明', role: 'grid_worker', username: 'wgy1' };
const DATA = ['王小明', '幸福社区第一网格', '阳光苑'];
const home = () => homeView({
  user: USER, grids: [{ id: 'g1', name: '幸福社区第一网格', buildings: [{ id: 'b1', number: '3', name: '阳光苑', households: 4 }] }],
  due: { due: 2, overdue: 1 }, outbox: { pending: 3, rejected: 1 }, toCheck: 2, lastSync: Date.parse('2026-06-15T04:00:00Z'),
  returned: [{ id: 'v1', visitedAt: '2026-06-01T02:00:00Z', comment: '' }], message: null,
});
const sync = (extra = {}) => syncView({
  pending: [{ entity: 'visit' }, { entity: 'resident' }], rejected: [], estimate: { usage: 2e6, quota: 1e9 }, user: USER,
  cards: new Map(), canDiscard: true, lastSync: null, ...extra,
});
// A stale 核查 whose case is back at 已反馈: the card as rejections.js describes it.
const refusedStep = () => {
  const change = { id: 'c9', entity: 'case_step', record_id: 's9', op: 'upsert', status: 'rejected', hlc: '001795430516719-00000-dev',
    fields: { finding_id: 'f9', from_status: 'resolved', to_status: 'verified' }, result: { code: 'stale_transition', current_status: 'in_progress' } };
  const finding = { id: 'f9', fields: { status: 'in_progress', number: 'XF-20261207-0012', description: '阳光苑', reporter_id: 'u1' } };
  const cards = new Map([['c9', { text: caseName(finding), href: '/app/patrol', finding, reason: reasonText(change.result), redo: redoPlan(change, finding, { id: 'u1' }) }]]);
  return sync({ rejected: [change], cards, confirmDiscard: 'c9' });
};
const withoutData = (text) => DATA.reduce((out, value) => out.split(value).join(''), text.split(BRAND).join('').split('中文').join(''));

test('views in English: no Chinese but the data they were given; Chinese again after switching back', () => {
  setLanguage('zh');
  const chinese = [home(), sync(), sync({ confirmLogout: true }), loginView({ error: '' })];
  assert.match(chinese[0], /逾期未访/);
  assert.match(chinese[1], /退出登录/);
  setLanguage('en');
  const english = [home(), sync(), sync({ confirmLogout: true }), loginView({ error: '' }), refusedStep()];
  for (const text of english) assert.deepEqual(cjkIn(withoutData(text)), [], withoutData(text));
  assert.match(english[0], /Overdue/);
  assert.match(english[0], /王小明 \(Grid worker\)/);
  assert.match(english[1], /Log out/);
  assert.match(english[1], /<button [^>]*lang="zh-CN">中文<\/button>/, 'the switch back names Chinese in Chinese');
  setLanguage('zh');
  assert.deepEqual([home(), sync(), sync({ confirmLogout: true }), loginView({ error: '' })], chinese, 'no English left behind');
  assert.match(chinese[1], /<button [^>]*lang="en">English<\/button>/);
});

test('address: Chinese as written, English spelled out; search keeps matching the Chinese form', () => {
  const b = { fields: { number: '3' } };
  const h = { fields: { unit: 2, room: '501' } };
  setLanguage('zh');
  assert.equal(address(b, h), '3号楼2单元501');
  setLanguage('en');
  assert.equal(address(b, h), 'Bldg 3, Unit 2, 501');
  const records = { buildings: [{ id: 'b1', ...b }], households: [{ id: 'h1', fields: { ...h.fields, building_id: 'b1' } }] };
  assert.equal(searchRecords({ q: '3号楼2单元', ...records }).households.length, 1);
  setLanguage('zh');
});

test('shell: English tab bar, pill, banner and <html lang="en">; Chinese untouched; the screen is never translated', () => {
  setLanguage('zh');
  assert.equal(localizeShell(SHELL), SHELL);
  setLanguage('en');
  const page = localizeShell(SHELL);
  assert.match(page, /<html lang="en">/);
  for (const word of ['Home', 'Due visits', 'Patrol', 'Search', 'Sync', 'Online', 'Update now', 'aria-label="Main navigation"']) {
    assert.ok(page.includes(word), word);
  }
  assert.deepEqual(cjkIn(page.split(BRAND).join('')), []);
  assert.ok(page.includes('<!--screen-->'), 'the screen goes in after the shell is translated');
  setLanguage('zh');
});

test('guard: no view, screen, action or page module writes Chinese outside t() (or zh() for data)', () => {
  // The field tables are Chinese by design and translated where they are read; the catalogue
  // tests above cover them. A regex literal that parses typed Chinese input is not UI text.
  const tables = ['FIELD_LABELS', 'FIELD_MESSAGES', 'TAG_MARKS'];
  // Every service worker module but index.js, whose last-resort answers (a screen that threw, a
  // page offline before the shell is cached) are bilingual on purpose.
  const files = [
    ...sources(join(SRC, 'sw')).filter((file) => file !== join(SRC, 'sw/index.js')),
    join(SRC, 'app/main.js'), join(SRC, 'app/geo.js'),
  ];
  const offenders = [];
  for (const file of files) {
    let text = code(file).replace(T_CALL, '');
    for (const name of tables) {
      const start = text.indexOf(`export const ${name} = `);
      if (start < 0) continue;
      let depth = 0;
      let end = text.indexOf('{', start);
      do {
        if (text[end] === '{') depth += 1;
        else if (text[end] === '}') depth -= 1;
        end += 1;
      } while (depth > 0 && end < text.length);
      text = text.slice(0, start) + text.slice(end);
    }
    text = text.replace(/(?<=[=(,:]\s*)\/(?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\n\\[])+\/[dgimsuy]*/g, '/regex/');
    text.split('\n').forEach((line, i) => {
      if (cjkIn(line).length) offenders.push(`${file.slice(SRC.length)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, [], 'Chinese outside t(): wrap it in t() and add the English to pwa/src/i18n/en.js');
});

// --- the switch through the router -------------------------------------------------------------

let dbCounter = 0;

async function world({ loggedIn = true } = {}) {
  const storage = await openStore({ indexedDB: new IDBFactory(), IDBKeyRange: FakeKeyRange, name: `i18n${dbCounter++}`, ...TEST_VAULT });
  const engine = createEngine({ storage, fetch: () => Promise.reject(new TypeError('Failed to fetch')), useLocks: false, wall: () => Date.now() });
  if (loggedIn) {
    await storage.setMeta('token', 't0ken');
    await storage.setMeta('user', USER);
  }
  const router = createRouter({
    storage,
    engine,
    shell: async (fragment) => new Response(localizeShell(SHELL).replace('<!--screen-->', fragment)),
    requestSync: async () => ({ state: 'error', error: 'offline' }),
    registerBackgroundSync: async () => {},
  });
  await useFormToken(storage);
  return { storage, router };
}

test('POST /app/lang: stores the choice, reloads the page; every later answer follows it; Chinese by default', async () => {
  const { storage, router } = await world();
  assert.match(await (await router.route(get('/app/sync'))).text(), /退出登录/);
  const answer = await router.route(post('/app/lang', [['lang', 'en'], ['next', '/app/sync']]));
  assert.equal(answer.headers.get('HX-Redirect'), '/app/sync', 'htmx reloads the whole page: the shell changes too');
  assert.equal(await storage.getMeta('lang'), 'en');
  setLanguage('zh'); // another request's state: the router sets the language per request
  assert.match(await (await router.route(get('/app/sync'))).text(), /Log out/);
  const full = await (await router.route(get('/app/', false))).text();
  assert.match(full, /<html lang="en">/);
  assert.match(full, />Due visits<\/a>/);
  const plain = await router.route(post('/app/lang', [['lang', 'zh'], ['next', 'https://evil.example/']], false));
  assert.equal(plain.status, 303);
  assert.equal(plain.headers.get('Location'), '/app/', 'only app paths');
  assert.equal(await storage.getMeta('lang'), 'zh');
  assert.match(await (await router.route(get('/app/sync'))).text(), /退出登录/);
});

test('the language works logged out (login screen) and survives log-out', async () => {
  const { storage, router } = await world({ loggedIn: false });
  const login = await (await router.route(get('/app/login'))).text();
  assert.match(login, /action="\/app\/lang"/);
  await router.route(post('/app/lang', [['lang', 'en'], ['next', '/app/login']]));
  assert.match(await (await router.route(get('/app/login'))).text(), /Log in/);
  await storage.setMeta('token', 't0ken');
  await storage.setMeta('user', USER);
  const out = await (await router.route(post('/app/logout', [['confirm', '1']]))).text();
  assert.match(out, /Logged out/);
  assert.equal(await storage.getMeta('user'), undefined, 'log-out still wipes the data');
  assert.equal(await storage.getMeta('lang'), 'en', 'but keeps the language');
  setLanguage('zh');
});
