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


def counted_row(photo: bytes) -> tuple[EvidenceRow, list[int]]:
    """An evidence row of `photo`, and the list that grows each time it is loaded."""
    calls: list[int] = []

    def counted() -> bytes:
        calls.append(1)
        return photo

    return EvidenceRow(**{**row(photo).__dict__, "load": counted}), calls


def test_cache_is_used_on_the_second_report(tmp_path: Path) -> None:
    pdf = row(b"%PDF-1.4 ...", "a.pdf", "application/pdf")
    ev, calls = counted_row(jpeg((2000, 1500)))
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


def _whole(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        img.load()  # a full decode: raises on a file cut short
    return True


def test_a_damaged_cached_thumbnail_is_made_again(tmp_path: Path) -> None:
    ev, calls = counted_row(jpeg((2000, 1500)))
    cache = ThumbnailCache(tmp_path / "thumbs")
    (good,) = thumbnails_for([ev], cache)
    assert good is not None and _whole(good)
    (path,) = (tmp_path / "thumbs").rglob("*.jpg")
    # cut short in the header, in the middle, just before the end marker; emptied; garbage
    for damaged in (good[:300], good[: len(good) // 2], good[:-2], b"",
                    b"\xff\xd8\xff" + b"\x00" * 500 + b"\xff\xd9"):
        path.write_bytes(damaged)
        assert cache.get(ev.sha256, 360) is None and not cache.has(ev.sha256, 360)
        before = len(calls)
        (again,) = thumbnails_for([ev], cache)
        assert len(calls) == before + 1  # made again from the photo
        assert again is not None and _whole(again)
        assert path.read_bytes() == again  # and written back whole
        assert cache.get(ev.sha256, 360) == again


def test_a_report_survives_a_damaged_thumbnail_cache(office_dir: Path, tmp_path: Path) -> None:
    import subprocess

    from exchange_support import PASSPHRASE, do_import, hand_back, issue, rate_all

    from zhashui_inspector.core.workfile import WorkFile
    from zhashui_inspector.reports.county import build_signed_report

    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg((1600, 1200)))
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", photo, item_no=1, kind="图片")
    (result,) = do_import(office_dir, hand_back(work, tmp_path / "back.sqlite")).results
    assert result.result == "imported"
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    cached = office_dir / "cache" / "thumbnails" / sha[:2] / f"{sha}-360.jpg"
    whole = cached.read_bytes()
    cached.write_bytes(whole[:300])  # as `head -c 300` leaves it

    out = build_signed_report(office_dir, tmp_path / "county.pdf", passphrase=PASSPHRASE,
                              sign=False)
    assert _whole(cached.read_bytes()) and cached.read_bytes()[:2] == whole[:2]
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True,
                            check=True).stdout.decode()
    assert any(line.split()[3:5] == ["360", "270"] for line in images.splitlines()[2:]), images
