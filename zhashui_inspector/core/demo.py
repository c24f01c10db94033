"""The built-in demo: a work file with all 13 units, some ratings, photos, a PDF, one sign-off.

Everything is generated here (deterministically), so the demo needs no files from outside.
"""

from __future__ import annotations

import io
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.records import RoundStage
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.paths import resource_path

DEMO_HOLDER = "演示评估组（张三、李四）"
SIGNED_UNIT = "县气象局"
COMMENTS = {
    "达标": ["资料齐全，制度已公开", "现场查看与台账一致", "听取汇报，措施落实到位"],
    "基本达标": ["制度已建立，但部分台账缺少签字", "公开内容更新不及时", "培训记录不完整"],
    "未达标": ["未能提供相关制度文件", "网站未公开清单", "未建立该项机制"],
}


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(resource_path("fonts", "wqy-microhei.ttc")), size)
    except OSError:
        return ImageFont.load_default()


def demo_photo(label: str, seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG (textured, not flat) with a Chinese caption drawn on it."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    w, h = size
    small = Image.effect_noise((w // 8, h // 8), 60).convert("RGB")
    tint = Image.new("RGB", small.size, (rnd.randint(60, 200), rnd.randint(60, 200),
                                         rnd.randint(60, 200)))
    img = Image.blend(small, tint, 0.6).resize(size).filter(ImageFilter.GaussianBlur(2))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randint(0, w), rnd.randint(0, h)
        draw.rectangle([x, y, x + rnd.randint(80, 400), y + rnd.randint(60, 300)],
                       outline=(255, 255, 255), width=4)
    draw.rectangle([0, h - 140, w, h], fill=(20, 30, 60))
    draw.text((40, h - 115), label, fill=(255, 255, 255), font=_font(64))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small two-page PDF document (rendered text pages)."""
    from PIL import Image, ImageDraw

    pages = []
    for page_no in range(2):
        page = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(page)
        draw.text((120, 120), title, fill="black", font=_font(56))
        for i, line in enumerate(lines):
            draw.text((120, 280 + i * 70), line, fill="black", font=_font(36))
        draw.text((580, 1650), f"第 {page_no + 1} 页", fill="gray", font=_font(28))
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def signature_png(name: str) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.text((30, 50), name, fill=(10, 20, 120, 255), font=_font(90))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_demo(out: Path) -> Path:
    """Write the demo work file to `out` (replacing an older demo there)."""
    out = Path(out)
    for stale in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        stale.unlink(missing_ok=True)
    catalogue = Catalogue.load()
    units = [u.name for u in catalogue.units]
    with WorkFile.create(out, role="inspector", holder=DEMO_HOLDER, units=units,
                         round_name="演示轮次", stages=demo_stages(catalogue)) as wf:
        fill_demo(wf)
    return out


def demo_stages(catalogue: Catalogue, today: date | None = None) -> list[RoundStage]:
    """The notice's three stages with their lengths, moved so that today lies in the review."""
    today = today or date.today()
    self_check, review, handling = catalogue.stages
    start = today - (review.start - self_check.start) - timedelta(days=2)
    shift = start - self_check.start
    return [RoundStage(s.key, s.name, s.start + shift, s.end + shift)
            for s in (self_check, review, handling)]


def fill_demo(wf: WorkFile) -> None:
    """Ratings, photos, a PDF, a self-report and one sign-off, in any inspector file."""
    catalogue = wf.catalogue
    units = list(wf.units)
    rnd = random.Random(2023)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        items = [i.no for i in catalogue.items()]
        for idx, unit in enumerate(units):
            share = 1.0 if unit == SIGNED_UNIT else [0.0, 0.3, 0.6, 0.9][idx % 4]
            for no in items[: int(len(items) * share)]:
                rating = rnd.choices(["达标", "基本达标", "未达标", "不适用"],
                                     [70, 18, 7, 5])[0]
                methods = rnd.sample(list(catalogue.methods), rnd.randint(1, 3))
                if rating == "不适用":
                    wf.update_item(unit, no, rating=rating, methods=methods,
                                   reason="该项不属于本单位职能")
                else:
                    comment = rnd.choice(COMMENTS[rating])
                    # a comment that names a way of checking was made by it: ticked too
                    named = [m for m in catalogue.methods if m in comment or m in methods]
                    wf.update_item(unit, no, rating=rating, methods=named, comment=comment)
        photo_plan = [(SIGNED_UNIT, 1, "行政审批目录公示栏"), (SIGNED_UNIT, 7, "双随机抽查记录"),
                      ("县发改局", 60, "集体学法现场"), ("县财政局", 30, "执法公示栏"),
                      ("县林业局", 2, "便民服务大厅"), ("下梁镇", 57, "人民调解室")]
        for seed, (unit, no, label) in enumerate(photo_plan):
            if unit not in units:
                continue
            path = tmp / f"{label}.jpg"
            path.write_bytes(demo_photo(f"{unit} · {label}", seed))
            wf.add_evidence(unit, path, item_no=no, kind="图片", caption=label)
        pdf = tmp / "学法计划.pdf"
        pdf.write_bytes(demo_pdf("2023 年度学法计划", [
            "一、学习习近平法治思想", "二、每季度集体学法一次", "三、年度法治专题培训班"]))
        for unit in (SIGNED_UNIT, "县发改局"):
            if unit in units:
                wf.add_evidence(unit, pdf, item_no=61, kind="文件", caption="年度学法计划")
        if SIGNED_UNIT in units:
            note = tmp / "说明.txt"
            note.write_text("本单位法治政府建设台账目录\n1. 制度汇编\n2. 会议记录\n",
                            encoding="utf-8")
            wf.add_evidence(SIGNED_UNIT, note, kind="总结", caption="台账目录")
            wf.set_self_report(SIGNED_UNIT, "本单位深入学习贯彻习近平法治思想，"
                               "健全依法决策机制，规范行政执法，全面推进政务公开。" * 6)
            wf.sign_off(SIGNED_UNIT, "张三", signature_png("张三"))
