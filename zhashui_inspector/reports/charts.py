"""Bar charts drawn with reportlab's own graphics: scores per unit, per area, and one
unit's nine area scores against the policy's thresholds. Their strings are drawn in SANS
straight on the canvas, so each goes through `printable` (〓 for a character it lacks)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from zhashui_inspector.core.catalogue import Policy
from zhashui_inspector.reports.fonts import SANS, ensure_fonts, printable
from zhashui_inspector.reports.styles import GREY_TEXT, RED

BAR = colors.HexColor("#41618C")
BAR_LOW = colors.HexColor("#B26A5B")
PALE = (colors.HexColor("#A9BCD6"), colors.HexColor("#DDB4AA"))  # provisional: BAR, BAR_LOW
LINE_COLOURS = (colors.HexColor("#2E7D32"), colors.HexColor("#C28A00"), RED)


def thresholds(policy: Policy, *, area: bool) -> list[tuple[str, float]]:
    """(outcome, minimum %) pairs of the policy: area minimums or overall minimums."""
    pairs = []
    for t in policy.thresholds:
        value = t.area_min if area else t.overall_min
        if value is not None:
            pairs.append((t.outcome, value))
    return pairs


def _threshold_lines(d: Drawing, lines: Sequence[tuple[str, float]], x0: float, x1: float,
                     y_of: object, vertical: bool) -> None:
    for index, (label, value) in enumerate(lines):
        colour = LINE_COLOURS[min(index, len(LINE_COLOURS) - 1)]
        pos = y_of(value)  # type: ignore[operator]
        if vertical:  # a vertical line across a horizontal bar chart
            d.add(Line(pos, x0, pos, x1, strokeColor=colour, strokeWidth=0.9,
                       strokeDashArray=(3, 2)))
            d.add(String(pos, x1 + 3, printable(f"{label} {value:g}"), fontName=SANS,
                         fontSize=7, fillColor=colour, textAnchor="middle"))
        else:
            d.add(Line(x0, pos, x1, pos, strokeColor=colour, strokeWidth=0.9,
                       strokeDashArray=(3, 2)))
            d.add(String(x1 + 2, pos - 2.5, printable(f"{label} {value:g}"), fontName=SANS,
                         fontSize=7, fillColor=colour))


LABEL_SIZE = 7


def _clear_of(lines: Sequence[float], top: float, bottom: float,
              size: float = LABEL_SIZE) -> tuple[float, object]:
    """Where the value label of a bar from `bottom` to `top` goes so that no threshold
    line (at the heights `lines`) runs through it, and its colour: above the bar, else
    inside the bar's top in white, else above the lines in the way."""
    def in_the_way(at: float) -> list[float]:
        return [line for line in lines if at - 1 <= line <= at + size]

    y = top + 2
    if not in_the_way(y):
        return y, GREY_TEXT
    inside = top - size - 2
    if inside - 2 >= bottom and not in_the_way(inside):
        return inside, colors.white
    while in_the_way(y):
        y = max(in_the_way(y)) + 2
    return y, GREY_TEXT


def area_chart(labels: Sequence[str], scores: Sequence[float | None], policy: Policy,
               width: float, height: float = 170, title: str = "") -> Drawing:
    """Vertical bars of area scores (0–100 %) with the policy's area thresholds."""
    ensure_fonts()
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 38
    chart.width, chart.height = width - 95, height - 62
    chart.data = [[s if s is not None else 0 for s in scores]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.categoryAxis.categoryNames = [printable(label) for label in labels]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    low = min((v for _o, v in thresholds(policy, area=True)), default=None)
    for i, s in enumerate(scores):
        if s is not None and low is not None and s < low:
            chart.bars[(0, i)].fillColor = BAR_LOW
    d.add(chart)

    def y_of(value: float) -> float:
        return chart.y + chart.height * value / 100

    lines = [y_of(v) for _o, v in thresholds(policy, area=True)]
    for i, s in enumerate(scores):  # value labels above bars ("—" when not scored)
        step = chart.width / len(scores)
        x = chart.x + step * (i + 0.5)
        y, colour = _clear_of(lines, y_of(s or 0), chart.y)
        d.add(String(x, y, "—" if s is None else f"{s:.0f}", fontName=SANS,
                     fontSize=LABEL_SIZE, fillColor=colour, textAnchor="middle"))

    _threshold_lines(d, thresholds(policy, area=True), chart.x, chart.x + chart.width,
                     y_of, vertical=False)
    if title:
        d.add(String(width / 2, height - 12, printable(title), fontName=SANS, fontSize=9,
                     textAnchor="middle"))
    return d


def unit_chart(names: Sequence[str], scores: Sequence[float | None], policy: Policy,
               width: float, title: str = "",
               provisional: Sequence[bool] = ()) -> Drawing:
    """Horizontal bars of overall scores per unit with the policy's overall thresholds; a
    unit whose score is `provisional` has a pale bar and its value reads "… 暂定"."""
    ensure_fonts()
    row = 15
    height = 56 + row * len(names)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 70, 22
    chart.width, chart.height = width - 110, row * len(names)
    # reportlab draws the first category at the bottom: reverse to read top-down
    chart.data = [[s if s is not None else 0 for s in reversed(scores)]]
    chart.categoryAxis.categoryNames = [printable(name) for name in reversed(names)]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    low = min((v for _o, v in thresholds(policy, area=False)), default=None)
    marks = list(reversed([bool(p) for p in provisional] + [False] * (len(scores) - len(provisional))))
    for i, s in enumerate(reversed(scores)):
        below = s is not None and low is not None and s < low
        chart.bars[(0, i)].fillColor = (PALE if marks[i] else (BAR, BAR_LOW))[below]
    d.add(chart)
    for i, s in enumerate(reversed(scores)):  # in a column right of 100 %: no line there
        y = chart.y + row * (i + 0.5) - 2.5
        label = "未评" if s is None else f"{s:.1f}" + (" 暂定" if marks[i] else "")
        d.add(String(chart.x + chart.width + 4, y, label, fontName=SANS, fontSize=LABEL_SIZE,
                     fillColor=RED if marks[i] and s is not None else GREY_TEXT))

    def x_of(value: float) -> float:
        return chart.x + chart.width * value / 100

    _threshold_lines(d, thresholds(policy, area=False), chart.y, chart.y + chart.height,
                     x_of, vertical=True)
    if title:
        d.add(String(width / 2, height - 10, printable(title), fontName=SANS, fontSize=9,
                     textAnchor="middle"))
    return d
