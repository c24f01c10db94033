"""The window's layout as it comes back from the settings: whatever state was saved, in a
window of whatever size, the checklist keeps the width its cards need."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhashui_inspector.ui.checklist_model import StateRole
from zhashui_inspector.ui.main_window import DOCK_WIDTHS, MIN_RESTORED_WIDTHS, STATE_VERSION
from zhashui_inspector.ui.qt import (
    QDockWidget,
    QEvent,
    QListView,
    QMainWindow,
    QObject,
    QPaintEvent,
    QPushButton,
    QRect,
    Qt,
    QWidget,
)
from zhashui_inspector.ui.settings import save_bytes, settings


def squeezed_layout(window_width: int, dock_width: int) -> None:
    """Save what a narrow window with wide docks leaves behind: a state whose checklist
    is a sliver, and the geometry of that window (as the reviewer's settings file had)."""
    probe = QMainWindow()
    probe.setCentralWidget(QWidget())
    docks = []
    for name, area in (("standardsDock", Qt.DockWidgetArea.LeftDockWidgetArea),
                       ("evidenceDock", Qt.DockWidgetArea.RightDockWidgetArea)):
        dock = QDockWidget(name, probe)
        dock.setObjectName(name)
        dock.setWidget(QWidget())
        probe.addDockWidget(area, dock)
        docks.append(dock)
    probe.resize(window_width, 700)
    probe.show()
    probe.resizeDocks(docks, [dock_width, dock_width], Qt.Orientation.Horizontal)
    probe.layout().activate()
    assert probe.centralWidget().width() < 200   # the checklist of this state is a sliver
    save_bytes("main_window/state", probe.saveState(STATE_VERSION))
    save_bytes("main_window/geometry", probe.saveGeometry())
    probe.close()


def cards_laid_out(window) -> bool:  # type: ignore[no-untyped-def]
    """Every card starts where the one above it ends (none overlap, no gaps)."""
    view, model = window.checklist.view, window.checklist.model
    rects = [view.visualRect(model.index(row)) for row in range(4)]
    return all(b.top() == a.bottom() + 1 for a, b in zip(rects, rects[1:], strict=False))


def assert_cards_usable(window) -> None:  # type: ignore[no-untyped-def]
    view = window.checklist.view
    delegate = window.checklist.delegate
    viewport = view.viewport().rect()
    assert viewport.width() >= delegate.minimum_width(view.font())
    for row in range(3):
        index = window.checklist.model.index(row)
        lay = delegate.layout(view.visualRect(index), view.font(), index)
        assert len(lay.ratings) == 4
        for name, rect in lay.ratings:   # whole across (a card lower down may be scrolled)
            assert viewport.left() <= rect.left() and rect.right() <= viewport.right(), \
                (name, rect, viewport)
            assert lay.card.contains(rect), (name, rect, lay.card)
        assert lay.ratings[0][1].top() == lay.ratings[-1][1].top()   # on one row
        assert lay.text.right() < lay.evidence.left()   # the badge leaves the text alone
        assert lay.text.width() >= view.fontMetrics().horizontalAdvance("法治政府建设示范单位")
    # the editor under the cards: its rating buttons whole inside what it shows
    editor = window.checklist.editor
    area = editor.parentWidget()   # the scroll area's viewport
    for button in editor.rating_row.findChildren(QPushButton):
        rect = QRect(button.mapTo(area, button.rect().topLeft()), button.size())
        assert area.rect().contains(rect), (button.text(), rect, area.rect())


@pytest.mark.parametrize("restored_width", [None, 780])
def test_a_layout_from_a_narrow_window_leaves_the_checklist_its_width(
        qtbot, ui_settings: Path, open_window, demo_file: Path,
        restored_width: int | None) -> None:
    squeezed_layout(780, 330)
    if restored_width is None:   # the geometry did not come back: the usual size
        settings().remove("main_window/geometry")
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    if restored_width is None:
        assert window.width() == 1440
        # an older state without the docks' widths: the docks get the usual ones and the
        # checklist the rest, not the other way round
        assert abs(window.tree_dock.width() - DOCK_WIDTHS["standardsDock"]) <= 8
        assert abs(window.evidence_dock.width() - DOCK_WIDTHS["evidenceDock"]) <= 8
    else:
        assert window.width() <= restored_width + 40
    assert_cards_usable(window)


def test_the_docks_keep_their_widths_in_a_window_of_another_size(
        qtbot, ui_settings: Path, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    window.resize(1240, 800)
    window.resizeDocks([window.tree_dock, window.evidence_dock], [300, 340],
                       Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: window.tree_dock.width() == 300, timeout=5_000)
    window.close()
    settings().remove("main_window/geometry")   # the next window is wider: 1440

    again = open_window(demo_file)
    qtbot.waitUntil(lambda: cards_laid_out(again), timeout=5_000)
    assert again.width() == 1440
    assert abs(again.tree_dock.width() - 300) <= 4
    assert abs(again.evidence_dock.width() - 340) <= 4
    assert again.centralWidget().width() >= 1440 - 300 - 340 - 30   # the difference: here
    assert_cards_usable(again)

    # far too wide for this window: the docks give way, not the checklist
    again.resizeDocks([again.tree_dock, again.evidence_dock], [900, 900],
                      Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: cards_laid_out(again), timeout=5_000)
    assert_cards_usable(again)


def test_a_dock_left_as_a_sliver_comes_back_wide_enough_to_use(
        qtbot, ui_settings: Path, open_window, demo_file: Path) -> None:
    """A tiny window once closed with its docks a few pixels wide: the next, normal window
    does not keep the evidence pane as a sliver."""
    open_window(demo_file).close()   # leaves a state behind, which brings the widths back
    settings().setValue("main_window/width/standardsDock", 60)
    settings().setValue("main_window/width/evidenceDock", 40)
    settings().remove("main_window/geometry")
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    assert window.width() == 1440
    for dock, name in ((window.tree_dock, "standardsDock"),
                       (window.evidence_dock, "evidenceDock")):
        assert dock.width() >= MIN_RESTORED_WIDTHS[name] - 4, (name, dock.width())
    assert_cards_usable(window)


def test_dragging_a_dock_lays_the_cards_out_again(qtbot, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    view = window.checklist.view
    for widths in ([700, 200], [230, 230]):   # the checklist narrower, then wider
        before = view.viewport().width()
        window.resizeDocks([window.tree_dock, window.evidence_dock], widths,
                           Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda b=before: view.viewport().width() != b, timeout=5_000)
        # the cards' heights follow the width: each starts where the one above ends
        qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
        assert_cards_usable(window)


def test_the_first_layout_comes_in_batches_and_every_card_is_reached(
        qtbot, open_window, demo_file: Path) -> None:  # type: ignore[no-untyped-def]
    """The first paint needs only the first cards measured; the rest follow, and every
    later layout is one pass, so going to the last item right after a switch of unit
    finds it laid out and scrolls it into view."""
    from zhashui_inspector.ui.checklist_pane import FIRST_BATCH
    from zhashui_inspector.ui.qt import QListView

    window = open_window(demo_file)
    view, model = window.checklist.view, window.checklist.model
    assert view.batchSize() == FIRST_BATCH < model.rowCount()
    qtbot.waitUntil(lambda: view.layoutMode() == QListView.LayoutMode.SinglePass,
                    timeout=5_000)

    def all_laid_out() -> bool:
        rects = [view.rectForIndex(model.index(row)) for row in range(model.rowCount())]
        return all(r.isValid() for r in rects) and all(
            b.top() == a.bottom() + 1 for a, b in zip(rects, rects[1:], strict=False))

    qtbot.waitUntil(all_laid_out, timeout=5_000)
    other = next(u for u in window.session.units if u != window.unit)
    window.switch_unit(other)
    last = model.item_nos[-1]
    assert window.checklist.go_to(last)
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(
        view.visualRect(model.index(model.rowCount() - 1))), timeout=5_000)
    assert all_laid_out()


def test_a_card_is_measured_again_only_when_its_lines_of_notes_change(
        qtbot, open_window, practice_file: Path, tmp_path: Path) -> None:
    """Adding a photo changes the card's evidence count, not its height: the view is not
    told to lay out all 76 cards again (which repaints it whole, for every photo of a
    batch). A comment adds a line of notes: that card grows, and the cards below move."""
    window = open_window(practice_file)
    view, model = window.checklist.view, window.checklist.model
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    unit = window.unit
    told: list[int] = []
    window.checklist.delegate.sizeHintChanged.connect(lambda index: told.append(index.row()))
    row = model.row_of(2)
    assert row is not None
    height = view.visualRect(model.index(row)).height()

    photo = tmp_path / "现场.txt"
    photo.write_text("执法台账照片说明", encoding="utf-8")
    window.session.add_evidence(unit, photo, item_no=2, kind="其他", caption="")
    qtbot.waitUntil(lambda: window.session.unit(unit).items[2].evidence_count == 1,
                    timeout=5_000)
    assert told == []
    assert model.index(row).data(StateRole).evidence_count == 1

    window.session.set_item(unit, 2, comment="台账齐全，抽查三卷")
    assert told == [row]
    qtbot.waitUntil(lambda: view.visualRect(model.index(row)).height() > height,
                    timeout=5_000)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)

    window.session.set_item(unit, 2, comment="台账齐全，抽查五卷")   # still one line
    assert told == [row]
    window.session.set_item(unit, 2, comment="")
    assert told == [row, row]
    qtbot.waitUntil(lambda: view.visualRect(model.index(row)).height() == height,
                    timeout=5_000)

    # a comment written while the card is filtered out is laid out when it comes back,
    # and taking it away later shrinks the card again
    everything = list(model.item_nos)
    window.checklist.set_scope([no for no in everything if no != 2], None, "筛选")
    window.session.set_item(unit, 2, comment="台账齐全")
    window.checklist.set_scope(everything, 2, "全部指标")
    row = model.row_of(2)
    assert row is not None
    qtbot.waitUntil(lambda: view.visualRect(model.index(row)).height() > height,
                    timeout=5_000)
    told.clear()
    window.session.set_item(unit, 2, comment="")
    assert told == [row]
    qtbot.waitUntil(lambda: view.visualRect(model.index(row)).height() == height,
                    timeout=5_000)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    qtbot.waitUntil(window.session.worker.is_idle, timeout=5_000)


def test_the_window_hears_of_a_new_current_item_not_of_each_edit_to_it(
        qtbot, open_window, practice_file: Path) -> None:
    """The evidence pane follows `current_item_changed`; an edit of the item shown (a
    rating, a photo added to it) is not a new current item and reloads nothing there."""
    window = open_window(practice_file)
    pane = window.checklist
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    assert pane.go_to(5)
    heard: list[object] = []
    pane.current_item_changed.connect(heard.append)
    targets: list[tuple[object, object]] = []
    original = window.evidence.set_target
    window.evidence.set_target = lambda unit, no: (targets.append((unit, no)),  # type: ignore[method-assign]
                                                    original(unit, no))
    window.session.set_item(window.unit, 5, rating="达标")
    assert pane.editor.state is not None and pane.editor.state.rating == "达标"
    assert heard == [] and targets == []
    assert pane.go_to(6)
    assert heard == [6]
    assert targets == [(window.unit, 6)]
    qtbot.waitUntil(window.session.worker.is_idle, timeout=5_000)


class _PaintedRects(QObject):
    """The rectangles a widget is asked to repaint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(QPaintEvent.rect(event))  # type: ignore[arg-type]
        return False


def test_a_changed_card_repaints_itself_not_the_whole_checklist(
        qtbot, open_window, practice_file: Path) -> None:
    """QListView's own answer to a changed row lays out all cards and repaints the
    whole view, even for a card out of sight (for every photo of a batch)."""
    window = open_window(practice_file)
    view, model = window.checklist.view, window.checklist.model
    qtbot.waitUntil(lambda: view.layoutMode() == QListView.LayoutMode.SinglePass
                    and view.rectForIndex(model.index(model.rowCount() - 1)).isValid(),
                    timeout=5_000)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    viewport = view.viewport()
    painted = _PaintedRects()
    viewport.installEventFilter(painted)
    qtbot.wait(50)
    painted.rects.clear()
    hidden = model.rowCount() - 1
    assert not viewport.rect().intersects(view.visualRect(model.index(hidden)))
    model.items_changed([model.item_nos[hidden]])
    qtbot.wait(50)
    assert painted.rects == []
    shown = view.visualRect(model.index(1))
    assert viewport.rect().contains(shown.center())
    model.items_changed([model.item_nos[1]])
    qtbot.waitUntil(lambda: bool(painted.rects), timeout=2_000)
    assert all(shown.contains(r) for r in painted.rects), (painted.rects, shown)
    viewport.removeEventFilter(painted)


def test_the_current_card_stays_in_sight_when_it_grows(qtbot, open_window,
                                                       practice_file: Path) -> None:
    """4 (不适用) gives the card a line asking for the reason; with the card at the foot of
    the list that line would fall under the list's lower edge."""
    window = open_window(practice_file)
    view, model, pane = window.checklist.view, window.checklist.model, window.checklist
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    assert pane.go_to(12)
    index = model.index(model.row_of(12))
    bar = view.verticalScrollBar()
    # the card's lower edge exactly on the list's
    bar.setValue(bar.value() + view.visualRect(index).bottom() - view.viewport().rect().bottom())
    assert view.visualRect(index).bottom() == view.viewport().rect().bottom()
    height = view.visualRect(index).height()

    pane.rate_current("不适用")
    qtbot.waitUntil(lambda: view.visualRect(index).height() > height, timeout=5_000)
    qtbot.waitUntil(lambda: cards_laid_out(window), timeout=5_000)
    assert view.visualRect(index).bottom() <= view.viewport().rect().bottom()
    assert view.visualRect(index).top() >= 0
    assert pane.current_item() == 12
    qtbot.waitUntil(window.session.worker.is_idle, timeout=5_000)
