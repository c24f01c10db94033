#!/usr/bin/env bash
# Run the program on its built-in demo data. With a display: the main window on the demo
# work file. Without one: the same demo headless, printing where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LANG=${LANG:-C.UTF-8}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/zhashui-inspector gui --demo
fi
echo "没有图形显示（DISPLAY 未设置），改为无界面运行演示。"
exec .venv/bin/python -m zhashui_inspector.cli.demo_run "${1:-out/demo}"
