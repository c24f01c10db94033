"""What the office window shows: a snapshot read on the worker, and its table models
(units, import log, conflicts, issued files).

One small model over a list of plain records; each table is a list of columns saying how
a record shows in that column (text, tooltip, colour). The records come from the
exchange layer and are replaced whole when the window refreshes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhashui_inspector.core.catalogue import Policy
from zhashui_inspector.core.text import clip
from zhashui_inspector.exchange.conflicts import Conflict, list_conflicts
from zhashui_inspector.exchange.office import Office, Round
from zhashui_inspector.exchange.status import (
    IssuedEntry,
    LogEntry,
    OfficeStatus,
    UnitStatus,
    import_log,
    issued_files,
    office_status,
)
from zhashui_inspector.ui.plain_text import tooltip
from zhashui_inspector.ui.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

OUTCOME_COLOURS = {"保留": "#c6efce", "黄牌": "#ffeb9c", "停牌": "#f8cbad", "摘牌": "#ffc7ce"}
RESULT_TEXT = {"imported": "已导入", "replaced": "已导入（替换较早交回）", "unchanged": "未变化",
               "superseded": "已忽略（较早交回）", "rejected": "拒收"}
WARNING = "#ffc7ce"
RESIZE_ROWS = 50   # rows (beyond the visible ones) measured when fitting column widths
RETURNED_SUFFIXES = {".sqlite", ".zsi"}
# A cell shows the start of a long text (a returned file may carry a 10 MB holder or unit
# name, which rejection messages quote), its tooltip a little more (plain_text).
CELL_CHARS = 200


@dataclass(frozen=True)
class OfficeSnapshot:
    """What the window shows, read in one go on the worker."""

    round: Round
    status: OfficeStatus
    conflicts: list[Conflict]
    log: list[LogEntry]
    workbook: Path
    outcomes: tuple[str, ...]
    ratings: tuple[str, ...]
    item_texts: dict[int, str] = field(default_factory=dict)
    issued: list[IssuedEntry] = field(default_factory=list)
    units: tuple[str, ...] = ()
    policy: Policy | None = None            # the office's, in force
    default_policy: Policy | None = None    # the catalogue's


def load_snapshot(folder: Path) -> OfficeSnapshot:
    """Read everything the window shows (runs on the worker thread)."""
    with Office.open(folder) as office:
        return OfficeSnapshot(
            office.current_round(), office_status(office),
            list_conflicts(office, include_closed=True), import_log(office),
            office.workbook_path, office.catalogue.outcomes, office.catalogue.ratings,
            {i.no: i.text for i in office.catalogue.items()}, issued_files(office.ledger, limit=2000),
            tuple(u.name for u in office.catalogue.units), office.ledger.policy,
            office.catalogue.policy)


def returned_files(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the work files directly inside it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in RETURNED_SUFFIXES))
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    background: Callable[[Any], str | None] | None = None
    numeric: bool = False
    tip: Callable[[Any], str] | None = None   # the tooltip when it says more than the text


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _BACKGROUND, _ALIGNMENT})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RecordTableModel(QAbstractTableModel):
    """Read-only rows of records, shown through `Column`s.

    Fitting a table's columns asks for every role of every cell it measures (thousands
    of calls from Qt after each refresh), so roles the model does not give are answered
    first and each cell's text is made once per refresh."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.records: list[Any] = []
        self._shown: dict[tuple[int, int], str] = {}

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self._shown = {}
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self.records[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        role = int(role)
        if role not in _ROLES:
            return None
        row, col = index.row(), index.column()
        if not 0 <= row < len(self.records) or not 0 <= col < len(self.columns):
            return None
        column = self.columns[col]
        if role == _DISPLAY:
            text = self._shown.get((row, col))
            if text is None:
                text = self._shown[(row, col)] = clip(column.text(self.records[row]),
                                                      CELL_CHARS)
            return text
        if role == _TOOLTIP:
            return tooltip((column.tip or column.text)(self.records[row]))
        if role == _BACKGROUND:
            colour = column.background(self.records[row]) if column.background else None
            return QBrush(QColor(colour)) if colour else None
        return _RIGHT if column.numeric else None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].header
        return None


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else "—"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def rated_text(unit: UnitStatus) -> str:
    return f"{unit.inspected}/{unit.total}"


def rated_tip(unit: UnitStatus) -> str:
    text = f"已评 {unit.inspected}/{unit.total} 项"
    if unit.open_conflicts:
        text += f"，其中 {unit.open_conflicts} 项评定有分歧、待解决，暂不计入得分"
    return text


def unit_columns() -> list[Column]:
    return [
        Column("单位", lambda u: u.name),
        Column("已评", rated_text, numeric=True, tip=rated_tip),
        Column("得分率", lambda u: _pct(u.score), numeric=True),
        # a provisional suggestion is not painted as an outcome (the workbook greys it too)
        Column("建议", lambda u: u.suggestion,
               lambda u: None if u.provisional else OUTCOME_COLOURS.get(u.suggested or "")),
        Column("处理决定", lambda u: u.decision or "未决定",
               lambda u: OUTCOME_COLOURS.get(u.decision or "")),
        Column("待解决分歧", lambda u: str(u.open_conflicts) if u.open_conflicts else "",
               lambda u: WARNING if u.open_conflicts else None, numeric=True),
        Column("逾期", lambda u: "逾期" if u.late else "", lambda u: WARNING if u.late else None),
        Column("交回文件", lambda u: str(u.sources) if u.sources else "", numeric=True),
        Column("最近导入", lambda u: _when(u.last_import)),
        Column("决定理由", lambda u: u.decision_reason),
    ]


def log_columns() -> list[Column]:
    def colour(e: LogEntry) -> str | None:
        return WARNING if e.rejected else None

    return [
        Column("时间", lambda e: _when(e.at)),
        Column("文件名", lambda e: e.file_name),
        Column("结果", lambda e: RESULT_TEXT.get(e.result, e.result), colour),
        Column("说明", lambda e: e.message),
    ]


def conflict_columns(item_text: Callable[[int], str]) -> list[Column]:
    return [
        Column("单位", lambda c: c.unit),
        Column("指标", lambda c: str(c.item_no), numeric=True),
        Column("状态", lambda c: c.status_label,
               lambda c: WARNING if c.status == "open" else None),
        Column("各方评定", lambda c: c.sides_text),
        # the rating alone keeps the column narrow; the reason is in the tooltip and
        # below the sides once the row is selected
        Column("裁定", lambda c: c.resolution or "",
               tip=lambda c: f"{c.resolution}：{c.reason}" if c.resolution else ""),
        Column("指标内容", lambda c: item_text(c.item_no)),
    ]



def issued_columns() -> list[Column]:
    def returned(e: IssuedEntry) -> str:
        if not e.returned:
            return "未交回"
        late = "，逾期" if e.late else ""
        return f"第 {e.handback_seq} 次交回（{_when(e.imported_at)} 导入{late}）"

    return [
        Column("下发时间", lambda e: _when(e.issued_at)),
        Column("持有人", lambda e: e.holder),
        Column("角色", lambda e: e.role_label),
        Column("被评估单位", lambda e: "、".join(e.units)),
        Column("交回情况", returned, lambda e: WARNING if e.late else None),
        Column("文件名", lambda e: e.file_name),
        Column("轮次", lambda e: e.round_name),
    ]
