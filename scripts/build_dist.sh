#!/usr/bin/env bash
# Build the one-folder program with PyInstaller: dist/ZhashuiInspector/ (Linux, Windows
# under Git Bash or MSYS2). Options go to PyInstaller, e.g. --distpath D --workpath W.
# Prints where the program is and how big it is. Warnings that libgtk-3 cannot be
# resolved are expected: PyInstaller analyses Qt's GTK theme plugin before the spec drops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  if [ -x .venv/Scripts/python.exe ]; then
    PYTHON=.venv/Scripts/python.exe  # Windows (Git Bash): the venv is made as docs/installer.md says
  else
    bash scripts/setup.sh
    PYTHON=.venv/bin/python
  fi
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "缺少 PyInstaller，请先运行：$PYTHON -m pip install -c constraints.txt -e '.[dev]'" >&2
  exit 1
fi

distpath=dist
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --distpath) distpath=${args[i + 1]} ;;
    --distpath=*) distpath=${args[i]#--distpath=} ;;
  esac
done

"$PYTHON" -m PyInstaller build_installer.spec --noconfirm --clean --log-level WARN "$@"

app="$distpath/ZhashuiInspector"
if [ ! -d "$app" ]; then
  echo "构建失败：没有生成 $app" >&2
  exit 1
fi
size=$(du -sm "$app" | cut -f1)
echo "已生成 $app （${size} MB）"
