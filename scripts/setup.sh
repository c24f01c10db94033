#!/usr/bin/env bash
# Install what the program and its tests need, once: system packages (Debian/Ubuntu, as
# root; otherwise the exact command is printed) and the Python venv in .venv/.
# Safe to run again: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  # Qt on the offscreen platform, the CJK font, pdftotext/pdftoppm/pdfsig for the tests
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfreetype6 libfontconfig1 libdbus-1-3
  fonts-wqy-microhei poppler-utils
  # PyInstaller (the frozen-program check) strips and inspects binaries with binutils;
  # the Linux bundle's smaller ICU data library is made with icupkg and genccode
  binutils icu-devtools
  # a real window (and the virtual screen used for screenshots)
  xvfb libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1
)

need_python() {
  command -v python3 >/dev/null || return 0
  python3 - <<'PY' || return 0
import sys, ensurepip, venv  # noqa: F401
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
  return 1
}

missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if need_python; then missing+=(python3 python3-venv python3-pip); fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包，请先运行："
    echo "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
stamp=.venv/.installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "安装 Python 依赖到 .venv …"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]"
  echo "$want" > "$stamp"
fi
