// Where the worker stands, with how sure the phone is about it.

import { t } from '../i18n/page.js';

export const LOCATE_TIMEOUT_MS = 15000;

const REASONS = {
  1: () => t('未获得定位权限，请在浏览器设置中允许定位。'),
  2: () => t('暂时无法定位，请到开阔处重试。'),
  3: () => t('定位超时，请重试。'),
};

/** {lat, lng, accuracy (metres)} from the GPS; rejects with a message in the page's language. */
export function locate({ timeout = LOCATE_TIMEOUT_MS, maximumAge = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t('此设备不支持定位。')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({
        lat: roundTo(coords.latitude, 6),
        lng: roundTo(coords.longitude, 6),
        accuracy: Math.round(coords.accuracy),
      }),
      (error) => reject(Object.assign(new Error(REASONS[error.code]?.() || t('定位失败，请重试。')), { code: error.code })),
      { enableHighAccuracy: true, timeout, maximumAge },
    );
  });
}

function roundTo(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
