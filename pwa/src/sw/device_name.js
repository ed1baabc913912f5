// The name a phone gives itself when it signs in, read from its browser's user agent. The
// console's change history and device list show it, so staff see "Android · Chrome" where
// they would otherwise see only the tail of a device id.

const SYSTEMS = [
  [/iPhone/, 'iPhone'], [/iPad/, 'iPad'], [/HarmonyOS/i, 'HarmonyOS'], [/Android/, 'Android'],
  [/Windows/, 'Windows'], [/Macintosh|Mac OS X/, 'Mac'], [/Linux|X11/, 'Linux'],
];
const BROWSERS = [
  [/MicroMessenger/, 'WeChat'], [/HuaweiBrowser/, 'Huawei Browser'], [/UCBrowser/, 'UC'],
  [/EdgA?\//, 'Edge'], [/Firefox\//, 'Firefox'], [/Chrome\//, 'Chrome'], [/Safari\//, 'Safari'],
];

function first(rules, text) {
  const hit = rules.find(([pattern]) => pattern.test(text));
  return hit ? hit[1] : '';
}

/** "Android Pixel 7 · Chrome", "iPhone · WeChat"; null when the agent says nothing useful. */
export function deviceName(userAgent) {
  const ua = typeof userAgent === 'string' ? userAgent : '';
  let system = first(SYSTEMS, ua);
  // Android agents name the model ("Android 14; Pixel 7)"); reduced agents say only "K".
  const model = system === 'Android' ? /Android [\d.]+; ([^;)]+)[;)]/.exec(ua)?.[1]?.trim() : '';
  if (model && model !== 'K') system = `${system} ${model.replace(/ Build\/.*$/, '')}`;
  const name = [system, first(BROWSERS, ua)].filter(Boolean).join(' · ');
  return name ? name.slice(0, 64) : null;
}
