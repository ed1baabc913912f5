// Where the worker stands, with how sure the phone is about it.

export const LOCATE_TIMEOUT_MS = 15000;

const REASONS = {
  1: '未获得定位权限，请在浏览器设置中允许定位。',
  2: '暂时无法定位，请到开阔处重试。',
  3: '定位超时，请重试。',
};

/** {lat, lng, accuracy (metres)} from the GPS; rejects with a Chinese message. */
export function locate({ timeout = LOCATE_TIMEOUT_MS, maximumAge = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error('此设备不支持定位。'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({
        lat: roundTo(coords.latitude, 6),
        lng: roundTo(coords.longitude, 6),
        accuracy: Math.round(coords.accuracy),
      }),
      (error) => reject(Object.assign(new Error(REASONS[error.code] || '定位失败，请重试。'), { code: error.code })),
      { enableHighAccuracy: true, timeout, maximumAge },
    );
  });
}

function roundTo(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
