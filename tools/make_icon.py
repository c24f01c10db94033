"""Draw the application icon: a checklist on a clipboard with a tick, on a blue tile.

Writes resources/icons/zhashui-inspector-<size>.png for every size the program and the
Windows installer use, and zhashui-inspector.ico holding them all. Deterministic:
run it again and the files are the same.

    python tools/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
CANVAS = 1024

BLUE_TOP = (39, 110, 190)
BLUE_BOTTOM = (21, 70, 140)
PAPER = (255, 255, 255)
CLIP = (52, 62, 78)
LINE = (160, 174, 192)
TICK = (46, 142, 60)
SEAL = (198, 40, 40)


def tile(size: int) -> Image.Image:
    """The blue rounded square with a soft top-to-bottom gradient."""
    gradient = Image.new("RGB", (1, size))
    for y in range(size):
        t = y / (size - 1)
        gradient.putpixel((0, y), tuple(round(a + (b - a) * t)
                                        for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True)))
    gradient = gradient.resize((size, size))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, size - 1, size - 1], radius=size * 0.2, fill=255)
    out = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    out.paste(gradient, (0, 0), mask)
    return out


def draw_master() -> Image.Image:
    img = tile(CANVAS)
    d = ImageDraw.Draw(img)
    s = CANVAS / 1024
    # the clipboard's sheet
    d.rounded_rectangle([250 * s, 200 * s, 774 * s, 880 * s], radius=48 * s, fill=PAPER)
    # the clip
    d.rounded_rectangle([390 * s, 150 * s, 634 * s, 262 * s], radius=34 * s, fill=CLIP)
    d.ellipse([482 * s, 166 * s, 542 * s, 226 * s], fill=PAPER)
    # three rows: a box and a line each; the first two ticked
    for row in range(3):
        top = (340 + row * 160) * s
        d.rounded_rectangle([318 * s, top, 418 * s, top + 100 * s], radius=14 * s,
                            outline=LINE, width=int(14 * s))
        d.rounded_rectangle([460 * s, top + 36 * s, 706 * s, top + 64 * s], radius=14 * s,
                            fill=LINE)
        if row < 2:
            d.line([(334 * s, top + 52 * s), (364 * s, top + 84 * s), (430 * s, top - 6 * s)],
                   fill=TICK, width=int(34 * s), joint="curve")
    # a round seal in the corner: the office's approval
    d.ellipse([610 * s, 660 * s, 830 * s, 880 * s], fill=SEAL)
    d.line([(662 * s, 772 * s), (708 * s, 818 * s), (786 * s, 718 * s)], fill=PAPER,
           width=int(30 * s), joint="curve")
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    master = draw_master()
    for size in SIZES:
        master.resize((size, size), Image.Resampling.LANCZOS).save(
            OUT / f"zhashui-inspector-{size}.png", optimize=True)
    master.resize((256, 256), Image.Resampling.LANCZOS).save(
        OUT / "zhashui-inspector.ico", sizes=[(s, s) for s in ICO_SIZES])
    print(f"icons written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
