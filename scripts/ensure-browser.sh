#!/usr/bin/env bash
# Make sure the browser tests have what they need: Debian's Chromium at /usr/bin/chromium (driven by
# Playwright through executable_path; `playwright install` is never used) and a CJK font, so the
# Chinese screens render as text rather than empty boxes in the screenshots. Installs them as root
# with apt-get; any other user gets told what to install. Browser tests never skip.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

have_cjk_font() {
  command -v fc-list >/dev/null && fc-list :lang=zh family 2>/dev/null | grep -qi 'noto sans cjk\|noto serif cjk'
}

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
have_cjk_font || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "The browser tests need: ${missing[*]} (apt-get install ${missing[*]}), and this user cannot install them." >&2
  echo "浏览器测试需要安装 ${missing[*]}，当前用户无权安装，请以 root 运行 apt-get install ${missing[*]}。" >&2
  exit 1
fi

echo "Installing ${missing[*]} from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
fc-cache -f >/dev/null 2>&1 || true

if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium did not install at $CHROMIUM" >&2
  exit 1
fi
if ! have_cjk_font; then
  echo "fonts-noto-cjk did not install (no CJK font known to fontconfig)" >&2
  exit 1
fi
