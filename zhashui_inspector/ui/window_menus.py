"""The work-file window's menu bar and toolbar, built from the action registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import QLabel, QMenu, QSizePolicy, Qt, QToolBar, QToolButton, QWidget

if TYPE_CHECKING:
    from zhashui_inspector.ui.main_window import MainWindow


def print_menu(window: MainWindow) -> QMenu:
    menu = QMenu(window.tr("打印"), window)
    a = window.actions
    menu.addActions([a[Act.PRINT_BLANK], a[Act.PRINT_UNIT]])
    menu.addSeparator()
    menu.addAction(a[Act.SAVE_PDF])
    return menu


def build_menus(window: MainWindow) -> None:
    a = window.actions
    bar = window.menuBar()
    file_menu = bar.addMenu(window.tr("文件"))
    file_menu.addAction(a[Act.OPEN])
    file_menu.addSeparator()
    file_menu.addActions([a[Act.LOAD_SELF_CHECK], a[Act.DROP_SELF_CHECK]])
    file_menu.addSeparator()
    file_menu.addMenu(print_menu(window))
    file_menu.addAction(a[Act.HAND_BACK])
    file_menu.addSeparator()
    file_menu.addActions([a[Act.CLOSE_FILE], a[Act.QUIT]])

    edit = bar.addMenu(window.tr("编辑"))
    edit.addActions([a[Act.UNDO], a[Act.REDO]])
    edit.addSeparator()
    edit.addActions([a[Act.FILTER], a[Act.GO_TO]])

    rate = bar.addMenu(window.tr("评定"))
    rate.addActions([a[Act.RATE_1], a[Act.RATE_2], a[Act.RATE_3], a[Act.RATE_4],
                     a[Act.CLEAR_RATING]])
    rate.addSeparator()
    rate.addActions([a[Act.NEXT_ITEM], a[Act.PREV_ITEM]])
    rate.addSeparator()
    rate.addActions([a[Act.NEXT_UNIT], a[Act.PREV_UNIT]])

    evidence = bar.addMenu(window.tr("材料"))
    evidence.addActions([a[Act.ADD_EVIDENCE], a[Act.PASTE_EVIDENCE]])

    unit = bar.addMenu(window.tr("单位"))
    unit.addActions([a[Act.SHOW_CHECKLIST], a[Act.SHOW_SELF_REPORT]])
    unit.addSeparator()
    unit.addActions([a[Act.SIGN_OFF], a[Act.REOPEN]])

    view = bar.addMenu(window.tr("视图"))
    view.addAction(window.tree_dock.toggleViewAction())
    view.addAction(window.evidence_dock.toggleViewAction())

    help_menu = bar.addMenu(window.tr("帮助"))
    help_menu.addAction(a[Act.SHORTCUTS])


def build_toolbar(window: MainWindow) -> QToolBar:
    a = window.actions
    bar = QToolBar(window.tr("工具栏"), window)
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    label = QLabel(window.tr("单位："), bar)
    label.setContentsMargins(6, 0, 2, 0)
    bar.addWidget(label)
    bar.addWidget(window.switcher)
    bar.addSeparator()
    bar.addWidget(window.stage_label)
    spacer = QWidget(bar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    bar.addActions([a[Act.UNDO], a[Act.REDO]])
    bar.addSeparator()
    printing = QToolButton(bar)
    printing.setText(window.tr("打印…"))
    printing.setAccessibleName(window.tr("打印"))
    printing.setToolTip(window.tr("打印空白检查表或本单位检查表，或另存为 PDF"))
    printing.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    printing.setMenu(print_menu(window))
    bar.addWidget(printing)
    bar.addSeparator()
    bar.addActions([a[Act.SIGN_OFF], a[Act.REOPEN]])
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
