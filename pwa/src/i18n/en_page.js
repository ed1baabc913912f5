// English for the page script (app/main.js, app/geo.js): the connection pill, the outbox badge,
// notices. Part of the full catalogue (en.js spreads it in) and all app.js carries.
export default {
  '在线': 'Online',
  '离线': 'Offline',
  '连不上服务器': 'No server',
  '有网络 Online': 'Online',
  '无网络，数据保存在本机 Offline: saved on this phone': 'Offline: saved on this phone',
  '连不上服务器，记录保存在本机，恢复后自动同步 Server unreachable: saved on this phone':
    'Server unreachable: saved on this phone, syncs when it is back',
  '未被接受 {n}': 'Not accepted {n}',
  '待同步 {n}': 'To sync {n}',
  '同步中 {n}': 'Syncing {n}',
  '同步中…': 'Syncing…',
  '请更新': 'Update app',
  '此浏览器无法离线使用（需要 HTTPS 或本机地址）。This browser cannot run the app offline.':
    'This browser cannot run the app offline (it needs HTTPS or a local address).',
  '服务器要求更新应用，正在检查新版本。The server requires a newer app version.':
    'The server requires a newer app version. Checking for an update.',
  '离线功能启动失败，请刷新重试。Offline support failed to start; reload to retry.':
    'Offline support failed to start. Reload to retry.',
  '登录已过期，请重新登录，未同步的修改已保留。Sign-in expired.':
    'Your sign-in has expired: sign in again. Unsynced changes are kept.',
  '照片处理失败，请重拍。': 'Could not process the photo. Please take it again.',
  '正在定位…': 'Locating…',
  '已定位（精度约 {n} 米）': 'Located (accurate to about {n} m)',
  '未获得定位权限，请在浏览器设置中允许定位。': 'No permission to use location. Allow it in the browser settings.',
  '暂时无法定位，请到开阔处重试。': 'Cannot get a location now. Try again in the open.',
  '定位超时，请重试。': 'Location timed out. Please retry.',
  '此设备不支持定位。': 'This device cannot give a location.',
  '定位失败，请重试。': 'Location failed. Please retry.',
  '已定位 ±{n}米': 'Located ±{n} m',
  '未能定位，可手动填写地址': 'No location: type the address instead',
  '照片 {n}': 'Photo {n}',
  '移除照片 {n}': 'Remove photo {n}',
};
