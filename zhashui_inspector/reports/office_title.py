"""The title block of the documents the office issues from its ledger (the county and
unit reports, a unit's 整改清单): who issues it, the title, the round, what it rests on,
the red rule, the round's schedule, and when it was made from which standards."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from zhashui_inspector.reports.data import CountyData
from zhashui_inspector.reports.layout import Rule, para
from zhashui_inspector.reports.styles import esc, human_time


def office_title(data: CountyData, title: str, *, basis: str = "",
                 document: str = "报告") -> list[Flowable]:
    """The block for `title`; `basis` is the line saying what the document rests on (by
    default the standards), `document` what it calls itself (报告, 清单)."""
    catalogue = data.catalogue
    stages = "；".join(f"{s.name} {s.start:%Y.%m.%d}–{s.end:%m.%d}" for s in data.stages)
    return [
        para(esc(data.office_name), "kicker"),
        para(esc(title), "title"),
        para(esc(data.round_name), "doc_no"),
        para(esc(basis or f"依据《{catalogue.title}》（{catalogue.source}）"), "doc_no"),
        Rule(),
        para(esc(f"工作安排：{stages}") if stages else "", "small"),
        para(esc(f"{document}生成时间：{human_time(data.generated_at)}　创建标准校验值："
                 f"{catalogue.hash[:16]}"), "small"),
        Spacer(1, 3 * mm),
    ]
