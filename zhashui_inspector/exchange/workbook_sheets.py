"""What the program-owned sheets of the master workbook contain, built from the ledger.

Plain data only (no openpyxl here): each sheet is a `SheetSpec` with its columns, rows,
the columns that identify a row (so the office's own cells beside a row follow it),
and per-cell highlights. workbook.py writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.policy import PENDING, PROVISIONAL, describe_policy
from zhashui_inspector.core.records import ROLE_LABELS
from zhashui_inspector.exchange.ledger import Ledger
from zhashui_inspector.exchange.merged import STATUS_LABELS, UnitView, unit_views
from zhashui_inspector.exchange.status import issued_files

SUMMARY = "汇总"
EVIDENCE = "证据目录"
CONFLICTS = "冲突"
ISSUED = "下发记录"
IMPORT_LOG = "导入记录"
# after the suggestion of a unit not fully rated, as the reports print it
PROVISIONAL_MARK = f"（{PROVISIONAL}）"
RESULT_TEXT = {"imported": "已导入", "replaced": "已导入（替换较早交回）", "unchanged": "未变化",
               "superseded": "已忽略（较早交回）", "rejected": "拒收"}


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    wrap: bool = False
    number_format: str = ""
    # a text cut for the tallest row goes whole into the cell's note; not for the lists
    # the program composes (the ledger has them, and a note on every row of a sheet
    # would make the workbook slow to write)
    note_if_cut: bool = True


@dataclass
class SheetSpec:
    name: str
    title: str
    subtitle: str
    columns: list[Column]
    key_columns: tuple[int, ...]                 # 0-based
    rows: list[list[Any]] = field(default_factory=list)
    highlights: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> tag
    freeze: str = "A4"
    rows_leave: bool = False    # a row can leave the ledger (else a row not in it is a note)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def owned_sheet_names(catalogue: Catalogue) -> list[str]:
    return [SUMMARY, *(u.name for u in catalogue.units), EVIDENCE, CONFLICTS, ISSUED, IMPORT_LOG]


def build_sheets(ledger: Ledger) -> list[SheetSpec]:
    """Every program-owned sheet, in workbook order."""
    views = unit_views(ledger)
    as_of = _as_of(ledger)
    round_name = ledger.meta("current_round")
    sheets = [_summary(ledger, views, as_of, round_name)]
    sheets += [_unit_sheet(ledger.catalogue, v) for v in views]
    sheets += [_evidence(ledger), _conflicts(ledger), _issued(ledger), _import_log(ledger)]
    return sheets


def empty_specs(catalogue: Catalogue) -> list[SheetSpec]:
    """The sheets' layouts without data (to check an office's workbook against)."""
    areas = [f"{a.numeral}、{a.title}" for a in catalogue.areas]
    return [SheetSpec(SUMMARY, "", "", _summary_columns(areas), (1,)),
            *(SheetSpec(u.name, "", "", UNIT_COLUMNS, (2,)) for u in catalogue.units),
            SheetSpec(EVIDENCE, "", "", EVIDENCE_COLUMNS, EVIDENCE_KEY),
            SheetSpec(CONFLICTS, "", "", CONFLICT_COLUMNS, (0, 1)),
            SheetSpec(ISSUED, "", "", ISSUED_COLUMNS, (6,)),
            SheetSpec(IMPORT_LOG, "", "", LOG_COLUMNS, (0,))]


def _as_of(ledger: Ledger) -> str:
    """When the data last changed (not when it was written), so a rewrite is identical."""
    (at,) = ledger.conn.execute(
        "SELECT max(at) FROM (SELECT max(imported_at) AS at FROM source"
        " UNION ALL SELECT max(issued_at) FROM issued"
        " UNION ALL SELECT max(resolved_at) FROM resolution"
        " UNION ALL SELECT max(decided_at) FROM decision)").fetchone()
    return _when(at) if at else "尚无导入"


def _when(iso: str | None) -> str:
    return (iso or "")[:19].replace("T", " ")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ---- 汇总 ----------------------------------------------------------------------------

def _summary_columns(areas: list[str]) -> list[Column]:
    return [Column("序号", 6), Column("单位", 14), Column("类别", 6), Column("命名年度", 11, wrap=True),
            Column("达标", 7), Column("基本达标", 7), Column("未达标", 7), Column("不适用", 7),
            Column("未评或待裁定", 9, wrap=True), Column("待解决分歧", 8, wrap=True),
            Column("得分率（%）", 9, wrap=True, number_format="0.0"),
            *(Column(a, 8, wrap=True, number_format="0.0") for a in areas),
            Column("建议结果", 9, wrap=True), Column("处理决定", 9), Column("决定理由", 22, wrap=True),
            Column("决定时间", 11, wrap=True), Column("逾期交回", 8),
            Column("最近导入", 11, wrap=True)]


def _summary(ledger: Ledger, views: list[UnitView], as_of: str, round_name: str) -> SheetSpec:
    catalogue = ledger.catalogue
    areas = [f"{a.numeral}、{a.title}" for a in catalogue.areas]
    policy = ledger.policy
    spec = SheetSpec(
        SUMMARY, f"柞水县法治政府建设示范单位复查验收汇总表（{round_name}）",
        f"{ledger.office_name}　数据截至：{as_of}　评分规则：{describe_policy(policy)[0]}"
        "；建议结果由程序按评分规则给出，处理决定由县委依法治县办作出",
        _summary_columns(areas), (1,), freeze="C4")
    first_area = 11
    for index, view in enumerate(views):
        decision = view.decision
        row = [index + 1, view.name, view.kind_label, "、".join(f"{y}年" for y in view.years),
               view.count("达标"), view.count("基本达标"), view.count("未达标"),
               view.count("不适用"), view.count(None), view.open_conflicts,
               _pct(view.score.overall),
               *(_pct(view.score.areas.get(a.no)) for a in catalogue.areas),
               _suggestion(view), decision.outcome if decision else "",
               decision.reason if decision else "", _when(decision.decided_at) if decision else "",
               "逾期" if view.late else "", _when(view.last_import)]
        spec.rows.append(row)
        suggested_col = first_area + len(areas)
        for col in (suggested_col, suggested_col + 1):
            if row[col]:
                final = col != suggested_col or not view.provisional
                spec.highlights[(index, col)] = f"outcome:{row[col]}" if final else "provisional"
        if view.open_conflicts:
            spec.highlights[(index, 9)] = "conflict"
        if view.late:
            spec.highlights[(index, suggested_col + 4)] = "late"
    return spec


def _suggestion(view: UnitView) -> str:
    suggested = view.score.suggested or ""
    return suggested + PROVISIONAL_MARK if suggested and view.provisional else suggested


# ---- one sheet per unit ----------------------------------------------------------------

UNIT_COLUMNS = [
    Column("领域", 16, wrap=True), Column("方面", 18, wrap=True), Column("序号", 6),
    Column("指标内容", 48, wrap=True), Column("评定结果", 9, wrap=True),
    Column("核查方式", 12, wrap=True),
    Column("评估意见", 32, wrap=True), Column("不适用理由", 20, wrap=True),
    Column("单位说明", 20, wrap=True), Column("佐证数量", 7),
    Column("评估人员", 12, wrap=True, note_if_cut=False),
    Column("分歧", 22, wrap=True, note_if_cut=False),
]


def _unit_sheet(catalogue: Catalogue, view: UnitView) -> SheetSpec:
    score = view.score
    pct = "—" if score.overall is None else f"{score.overall:.1f}%"
    decided = view.decision.outcome if view.decision else "未决定"
    rated = view.score.inspected
    suggested = score.suggested or "—"
    if score.suggested and view.provisional:
        suggested += "（暂定，未评完）" if rated < score.total else "（暂定，分歧未裁定）"
    subtitle = (f"已评 {rated}/{score.total} 项　得分率 {pct}　建议：{suggested}"
                f"　处理决定：{decided}　待解决分歧 {view.open_conflicts} 项")
    if view.late:
        subtitle += "　有逾期交回的文件"
    years = "、".join(str(y) for y in view.years)
    spec = SheetSpec(view.name, f"{view.name}（{view.kind_label}，{years}年度命名）逐项评定",
                     subtitle, UNIT_COLUMNS, (2,))
    for index, item in enumerate(view.items):
        cat_item = catalogue.item(item.no)
        area = catalogue.area(cat_item.area_no)
        sub = catalogue.subarea(cat_item.subarea_no)
        if item.conflict == "open":
            flag = f"待裁定：{item.sides_text}"
        elif item.conflict == "resolved":
            flag = f"已裁定为{item.resolution}（{item.sides_text}）：{item.resolution_reason}"
        else:
            flag = ""
        spec.rows.append([f"{area.numeral}、{area.title}", f"{sub.no}. {sub.display_title}",
                          item.no, cat_item.text,
                          PENDING if item.conflict == "open" else item.rating or "",
                          "、".join(item.methods),
                          item.comment, item.reason, item.unit_note, item.evidence_count,
                          "、".join(item.inspectors), flag])
        if item.conflict == "open":
            spec.highlights[(index, 4)] = "conflict"
            spec.highlights[(index, 11)] = "conflict"
        elif item.rating:
            spec.highlights[(index, 4)] = f"rating:{item.rating}"
    return spec


# ---- 证据目录 ----------------------------------------------------------------------------

EVIDENCE_COLUMNS = [
    Column("单位", 12), Column("指标", 6), Column("文件名", 28, wrap=True), Column("类别", 6),
    Column("说明", 24, wrap=True), Column("大小（字节）", 12, number_format="#,##0"),
    Column("SHA-256", 23, wrap=True), Column("来源文件", 24, wrap=True), Column("提交人", 14, wrap=True),
]
# a piece of evidence across hand-backs: unit, item, file name, content and who handed
# it in, not the hand-back it came in (来源文件 names that one, and changes every time)
EVIDENCE_KEY = (0, 1, 2, 6, 8)


def _evidence(ledger: Ledger) -> SheetSpec:
    spec = SheetSpec(EVIDENCE, "佐证材料目录", "各单位自查和评估组交回文件中的佐证材料（内容保存在档案文件中）",
                     EVIDENCE_COLUMNS, EVIDENCE_KEY, rows_leave=True)
    order = {u.name: i for i, u in enumerate(ledger.catalogue.units)}
    rows = ledger.conn.execute(
        "SELECT e.unit, e.item_no, e.name, e.kind, e.caption, e.size, e.sha256, s.sha256,"
        " s.file_name, s.holder, s.role FROM evidence e JOIN source s ON s.id = e.source_id"
        " WHERE s.current = 1").fetchall()
    rows.sort(key=lambda r: (order.get(r[0], 99), r[1] or 0, r[2], r[7]))
    for unit, no, name, kind, caption, size, sha, src_sha, file_name, holder, role in rows:
        spec.rows.append([unit, no if no is not None else "整体", name, kind, caption, size, sha,
                          f"{file_name}（{src_sha[:12]}）",
                          f"{holder}（{ROLE_LABELS.get(role, role)}）"])
    return spec


# ---- 冲突 ----------------------------------------------------------------------------------

CONFLICT_COLUMNS = [
    Column("单位", 12), Column("指标", 6), Column("指标内容", 40, wrap=True),
    Column("各方评定", 28, wrap=True), Column("状态", 8), Column("裁定结果", 9),
    Column("裁定理由", 30, wrap=True), Column("裁定时间", 19), Column("发现时间", 19),
]


def _conflicts(ledger: Ledger) -> SheetSpec:
    spec = SheetSpec(CONFLICTS, "评定分歧",
                     "两名以上评估人员对同一单位同一指标评定不一致；待解决的分歧不计入得分",
                     CONFLICT_COLUMNS, (0, 1))
    catalogue = ledger.catalogue
    order = {u.name: i for i, u in enumerate(catalogue.units)}
    rows = ledger.rows("SELECT * FROM conflict")
    rows.sort(key=lambda r: (order.get(r["unit"], 99), r["item_no"]))
    for index, r in enumerate(rows):
        sides = "；".join(f"{h}：{rating}" for h, _f, rating in json.loads(r["sides"]))
        spec.rows.append([r["unit"], r["item_no"], catalogue.item(r["item_no"]).text, sides,
                          STATUS_LABELS[r["status"]], r["resolution"] or "", r["reason"],
                          _when(r["resolved_at"]), _when(r["opened_at"])])
        if r["status"] == "open":
            spec.highlights[(index, 4)] = "conflict"
    return spec


# ---- 下发记录 ------------------------------------------------------------------------------

ISSUED_COLUMNS = [
    Column("下发时间", 19), Column("持有人", 14, wrap=True), Column("角色", 10),
    Column("被评估单位", 28, wrap=True), Column("文件名", 26, wrap=True),
    Column("交回情况", 16, wrap=True), Column("文件编号", 34, wrap=True),
    Column("最近导入", 19), Column("轮次", 16, wrap=True),
]


def _issued(ledger: Ledger) -> SheetSpec:
    spec = SheetSpec(ISSUED, "工作文件下发记录",
                     "本办下发的每一份工作文件及其交回情况（以最近导入的一次交回为准）",
                     ISSUED_COLUMNS, (6,))
    for index, e in enumerate(reversed(issued_files(ledger))):   # oldest first, as issued
        spec.rows.append([_when(e.issued_at), e.holder, e.role_label, "、".join(e.units),
                          e.file_name, e.handback_text, e.file_id, _when(e.imported_at),
                          e.round_name])
        if e.late:
            spec.highlights[(index, 5)] = "late"
    return spec


# ---- 导入记录 ------------------------------------------------------------------------------

LOG_COLUMNS = [
    Column("序号", 6), Column("时间", 19), Column("文件名", 26, wrap=True),
    Column("结果", 12, wrap=True), Column("说明", 48, wrap=True),
    Column("持有人", 10, wrap=True), Column("角色", 10), Column("轮次", 16, wrap=True),
    Column("交回次序", 8), Column("逾期", 6), Column("SHA-256", 23, wrap=True),
]


def _import_log(ledger: Ledger) -> SheetSpec:
    spec = SheetSpec(IMPORT_LOG, "导入记录", "每一次导入尝试及其结果（拒收的文件不改动台账、档案和其他工作表）",
                     LOG_COLUMNS, (0,))
    for index, r in enumerate(ledger.rows("SELECT * FROM import_log ORDER BY id")):
        spec.rows.append([r["id"], _when(r["at"]), r["file_name"], RESULT_TEXT[r["result"]],
                          r["message"], r["holder"] or "", ROLE_LABELS.get(r["role"] or "", ""),
                          r["round_name"] or "", r["handback_seq"], "逾期" if r["late"] else "",
                          r["sha256"] or ""])
        if r["result"] == "rejected":
            spec.highlights[(index, 3)] = "rejected"
        if r["late"]:
            spec.highlights[(index, 9)] = "late"
    return spec

