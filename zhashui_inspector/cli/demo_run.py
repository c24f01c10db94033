"""The demo without a screen: the field work and the office's round trip, step by step.

    python -m zhashui_inspector.cli.demo_run [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from zhashui_inspector.core.demo import make_demo
from zhashui_inspector.core.workfile import WorkFile


def field_work(out: Path) -> Path:
    """Make the demo work file, finish scoring one more unit, and hand it back."""
    work = make_demo(out / "demo.sqlite")
    print(f"1. 演示工作文件：{work}")
    with WorkFile.open(work) as wf:
        unit = "县发改局"
        for state in wf.unit_items(unit):
            if state.rating is None:
                rating = "基本达标" if state.item_no % 9 == 0 else "达标"
                wf.update_item(unit, state.item_no, rating=rating, methods=["查阅资料"])
        score = wf.score(unit)
        print(f"2. 已评完 {unit}：得分率 {score.overall:.1f}%，建议{score.suggested}")
        report = wf.verify_audit()
        print(f"3. 审计日志：{'完整' if report.ok else report.problem}（{report.entries} 条）")
        handed = wf.hand_back(out / "demo-交回.sqlite")
    print(f"4. 交回文件：{handed}")
    return handed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out/demo").resolve()
    out.mkdir(parents=True, exist_ok=True)
    field_work(out)
    print(f"结果在 {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
