"""Evidence thumbnails for reports: made from the photo itself, cached by content hash."""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

from PIL import Image

from zhashui_inspector.reports.data import EvidenceRow
from zhashui_inspector.reports.thumbnails import (
    ThumbnailCache,
    make_thumbnail,
    make_thumbnails,
    thumbnails_for,
)


def jpeg(size: tuple[int, int], colour: str = "red") -> bytes:
    img = Image.new("RGB", size, colour)
    img.paste("blue", (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def with_preview(photo: bytes, preview: bytes) -> bytes:
    """`photo` with an APP1 EXIF block whose IFD1 holds `preview`, as cameras write it."""
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, 1, 0) + \
        struct.pack("<I", 26)
    ifd1 = struct.pack("<H", 3) + struct.pack("<HHIHH", 0x0103, 3, 1, 6, 0) + \
        struct.pack("<HHII", 0x0201, 4, 1, 68) + struct.pack("<HHII", 0x0202, 4, 1, len(preview)) \
        + struct.pack("<I", 0)
    tiff = b"II" + struct.pack("<HI", 42, 8) + ifd0 + ifd1
    payload = b"Exif\x00\x00" + tiff + preview
    return photo[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + photo[2:]


def row(data: bytes, name: str = "p.jpg", mime: str = "image/jpeg") -> EvidenceRow:
    return EvidenceRow(unit="县财政局", item_no=1, name=name, kind="图片", caption="", size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), source="x.sqlite", mime=mime,
                       load=lambda: data)


def test_thumbnail_shows_the_photo_not_a_planted_preview() -> None:
    # a preview that shows something else (green) must never stand in for the photo
    photo = with_preview(jpeg((4000, 3000)), jpeg((320, 240), "green"))
    thumb = make_thumbnail(photo)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (360, 270)
        left, right = img.getpixel((20, 135)), img.getpixel((340, 135))
    assert left[2] > 200 and left[1] < 80     # blue half of the real photo
    assert right[0] > 200 and right[1] < 80   # red half, no green anywhere


def test_make_thumbnails_keeps_order_and_tolerates_bad_input() -> None:
    def broken() -> bytes:
        raise OSError("blob missing")

    good = jpeg((1200, 900))
    loaders = [lambda: good, None, broken, lambda: b"not an image", lambda: good] * 3
    thumbs = make_thumbnails(loaders)
    assert len(thumbs) == 15
    for k in range(0, 15, 5):
        assert thumbs[k] is not None and thumbs[k + 4] is not None
        assert thumbs[k + 1] is None and thumbs[k + 2] is None and thumbs[k + 3] is None
    with Image.open(io.BytesIO(thumbs[0] or b"")) as img:
        assert img.size == (360, 270)


def test_cache_is_used_on_the_second_report(tmp_path: Path) -> None:
    photo = jpeg((2000, 1500))
    calls = []

    def counted() -> bytes:
        calls.append(1)
        return photo

    pdf = row(b"%PDF-1.4 ...", "a.pdf", "application/pdf")
    ev = row(photo)
    ev = EvidenceRow(**{**ev.__dict__, "load": counted})
    cache = ThumbnailCache(tmp_path / "thumbs")
    first = thumbnails_for([pdf, ev], cache)
    second = thumbnails_for([pdf, ev], cache)
    assert first[0] is None and first[1] is not None
    assert second == first and len(calls) == 1
    (cached,) = (tmp_path / "thumbs").rglob("*.jpg")
    assert cached.name == f"{ev.sha256}-360.jpg"


def test_cache_never_builds_paths_from_anything_but_a_hash(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "thumbs")
    cache.put("../../evil", 360, b"x")
    cache.put("a" * 64, 360, b"ok")
    assert cache.get("../../evil", 360) is None
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["a" * 64 + "-360.jpg"]
