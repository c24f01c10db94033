"""Thumbnails: reduced-scale decoding, EXIF orientation applied to the small image."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from zhashui_inspector.core.thumbnails import make_thumbnail, thumbnail_jpeg


def _jpeg(size: tuple[int, int], orientation: int | None = None, mode: str = "RGB") -> bytes:
    img = Image.new(mode, size, "red" if mode == "RGB" else 128)
    img.paste("blue" if mode == "RGB" else 0, (0, 0, size[0] // 2, size[1]))  # left half blue
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_fits_the_box_and_keeps_the_aspect() -> None:
    thumb = make_thumbnail(_jpeg((4000, 3000)), 256)
    assert thumb.size == (256, 192) and thumb.mode == "RGB"


@pytest.mark.parametrize(("orientation", "size", "blue_at"), [
    (1, (256, 192), (10, 96)),     # as shot: blue on the left
    (3, (256, 192), (245, 96)),    # upside down: blue on the right
    (6, (192, 256), (96, 10)),     # rotated 90° clockwise: blue on top
    (8, (192, 256), (96, 245)),    # rotated 90° counter-clockwise: blue at the bottom
])
def test_exif_orientation_is_respected(orientation: int, size: tuple[int, int],
                                       blue_at: tuple[int, int]) -> None:
    thumb = make_thumbnail(_jpeg((4000, 3000), orientation), 256)
    assert thumb.size == size
    r, g, b = thumb.getpixel(blue_at)
    assert b > 200 and r < 60


def test_jpeg_is_decoded_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = Image.Image.thumbnail

    def spy(self, size, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(self.size)  # the size after draft(), before the final resize
        return real(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "thumbnail", spy)
    make_thumbnail(_jpeg((4000, 3000)), 256)
    assert seen and seen[0][0] <= 1000  # a 1/4 or 1/8 DCT-scaled decode, never 4000 wide


def test_png_grayscale_and_jpeg_output() -> None:
    out = io.BytesIO()
    Image.new("LA", (1000, 500), (100, 200)).save(out, "PNG")
    assert make_thumbnail(out.getvalue(), 100).size == (100, 50)
    data = thumbnail_jpeg(_jpeg((800, 600), mode="L"), 64)
    assert Image.open(io.BytesIO(data)).format == "JPEG"
