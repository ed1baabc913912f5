// The name a phone signs in with, which staff read in the console's history and device list.
// Run: node --test pwa/tests/device_name.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { deviceName } from '../src/sw/device_name.js';

test('a phone is named by its system, model and browser', () => {
  assert.equal(deviceName('Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'),
    'Android Pixel 7 · Chrome');
  assert.equal(deviceName('Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'),
    'Android · Chrome');
  assert.equal(deviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44'),
    'iPhone · WeChat');
  assert.equal(deviceName('Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0 HuaweiBrowser/14.0 Mobile Safari/537.36'),
    'HarmonyOS · Huawei Browser');
});

test('an agent that says nothing useful gives no name, and a name fits the server\'s 64 characters', () => {
  assert.equal(deviceName('Node.js/22'), null);
  assert.equal(deviceName(undefined), null);
  assert.ok(deviceName(`Mozilla/5.0 (Linux; Android 14; ${'X'.repeat(80)}) Chrome/1`).length <= 64);
});
