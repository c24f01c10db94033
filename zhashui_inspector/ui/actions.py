"""Every command of the work-file window in one registry: text, shortcut and tip, keyed by
an enum. Menus, toolbar and keyboard all use these actions."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from zhashui_inspector.ui.qt import QAction, QCoreApplication, QKeySequence, QObject, Qt


class Act(enum.Enum):
    OPEN = "open"
    LOAD_SELF_CHECK = "load_self_check"
    DROP_SELF_CHECK = "drop_self_check"
    HAND_BACK = "hand_back"
    CLOSE_FILE = "close_file"
    QUIT = "quit"
    UNDO = "undo"
    REDO = "redo"
    FILTER = "filter"
    GO_TO = "go_to"
    RATE_1 = "rate_1"
    RATE_2 = "rate_2"
    RATE_3 = "rate_3"
    RATE_4 = "rate_4"
    CLEAR_RATING = "clear_rating"
    NEXT_ITEM = "next_item"
    PREV_ITEM = "prev_item"
    NEXT_UNIT = "next_unit"
    PREV_UNIT = "prev_unit"
    SHOW_CHECKLIST = "show_checklist"
    SHOW_SELF_REPORT = "show_self_report"
    ADD_EVIDENCE = "add_evidence"
    PASTE_EVIDENCE = "paste_evidence"
    SIGN_OFF = "sign_off"
    REOPEN = "reopen"
    PRINT_BLANK = "print_blank"
    PRINT_UNIT = "print_unit"
    SAVE_PDF = "save_pdf"
    SHORTCUTS = "shortcuts"


@dataclass(frozen=True)
class Spec:
    text: str
    shortcuts: tuple[str, ...] = ()
    tip: str = ""


SPECS: dict[Act, Spec] = {
    Act.OPEN: Spec("打开工作文件…", ("Ctrl+O",)),
    Act.LOAD_SELF_CHECK: Spec("载入单位自查文件…", (), "把单位交回的自查文件只读显示在旁边"),
    Act.DROP_SELF_CHECK: Spec("移除单位自查文件"),
    Act.HAND_BACK: Spec("写出交回文件…", (), "写出一个可拷贝到 U 盘交回的单文件副本"),
    Act.CLOSE_FILE: Spec("关闭工作文件", ("Ctrl+W",)),
    Act.QUIT: Spec("退出", ("Ctrl+Q",)),
    Act.UNDO: Spec("撤销", ("Ctrl+Z",)),
    Act.REDO: Spec("重做", ("Ctrl+Shift+Z", "Ctrl+Y")),
    Act.FILTER: Spec("筛选指标", ("Ctrl+F",)),
    Act.GO_TO: Spec("转到指标…", ("Ctrl+G",), "按编号转到指标"),
    Act.RATE_1: Spec("评为达标并转到下一项", ("1",)),
    Act.RATE_2: Spec("评为基本达标并转到下一项", ("2",)),
    Act.RATE_3: Spec("评为未达标并转到下一项", ("3",)),
    Act.RATE_4: Spec("评为不适用", ("4",), "评为不适用，并填写理由"),
    Act.CLEAR_RATING: Spec("清除评定", ("0",)),
    Act.NEXT_ITEM: Spec("下一项", ("J",)),
    Act.PREV_ITEM: Spec("上一项", ("K",)),
    Act.NEXT_UNIT: Spec("下一个单位", ("Ctrl+PgDown",)),
    Act.PREV_UNIT: Spec("上一个单位", ("Ctrl+PgUp",)),
    Act.SHOW_CHECKLIST: Spec("检查表", ("Ctrl+1",)),
    Act.SHOW_SELF_REPORT: Spec("自评报告", ("Ctrl+2",)),
    Act.ADD_EVIDENCE: Spec("添加佐证材料…", ("Ctrl+E",), "为当前指标添加文件"),
    Act.PASTE_EVIDENCE: Spec("粘贴为佐证材料", ("Ctrl+Shift+V",), "把剪贴板中的图片或文件作为当前指标的材料"),
    Act.SIGN_OFF: Spec("签字确认…", (), "本单位全部评定完成后签字确认"),
    Act.REOPEN: Spec("重新打开…", (), "说明理由后重新打开已签字的单位"),
    Act.PRINT_BLANK: Spec("空白检查表…", (), "打印供手工填写的空白检查表"),
    Act.PRINT_UNIT: Spec("本单位检查表…", ("Ctrl+P",), "打印当前单位已填写的检查表"),
    Act.SAVE_PDF: Spec("另存为 PDF…", (), "把当前单位的检查表保存为 PDF 文件"),
    Act.SHORTCUTS: Spec("键盘操作说明", ("F1",)),
}


def build_actions(parent: QObject) -> dict[Act, QAction]:
    actions: dict[Act, QAction] = {}
    for act, spec in SPECS.items():
        text = QCoreApplication.translate("actions", spec.text)
        action = QAction(text, parent)
        action.setObjectName(f"action_{act.value}")
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = "、".join(spec.shortcuts)
        tip = QCoreApplication.translate("actions", spec.tip) if spec.tip else text.rstrip("…")
        action.setToolTip(f"{tip}（{keys}）" if keys else tip)
        action.setStatusTip(tip)
        actions[act] = action
    return actions
