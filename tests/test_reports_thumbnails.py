"""Evidence thumbnails for reports: the camera's own preview when usable, else a decode."""

from __future__ import annotations

import io
import struct

from PIL import Image

from zhashui_inspector.reports.thumbnails import embedded_preview, make_thumbnail, make_thumbnails


def jpeg(size: tuple[int, int], colour: str = "red") -> bytes:
    img = Image.new("RGB", size, colour)
    img.paste("blue", (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def with_preview(photo: bytes, preview: bytes, orientation: int = 1) -> bytes:
    """`photo` with an APP1 EXIF block whose IFD1 holds `preview`, as cameras write it."""
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + \
        struct.pack("<I", 26)
    ifd1 = struct.pack("<H", 3) + struct.pack("<HHIHH", 0x0103, 3, 1, 6, 0) + \
        struct.pack("<HHII", 0x0201, 4, 1, 68) + struct.pack("<HHII", 0x0202, 4, 1, len(preview)) \
        + struct.pack("<I", 0)
    tiff = b"II" + struct.pack("<HI", 42, 8) + ifd0 + ifd1
    assert len(tiff) == 68
    payload = b"Exif\x00\x00" + tiff + preview
    return photo[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + photo[2:]


def test_camera_preview_is_used_as_it_is() -> None:
    preview = jpeg((320, 240), "green")
    photo = with_preview(jpeg((4000, 3000)), preview)
    assert embedded_preview(photo) == preview
    assert make_thumbnail(photo) == preview


def test_preview_not_used_when_rotated_letterboxed_or_too_small() -> None:
    big = jpeg((4000, 3000))
    rotated = with_preview(big, jpeg((320, 240)), orientation=6)
    assert embedded_preview(rotated) is None
    thumb = make_thumbnail(rotated)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (270, 360)  # decoded and turned upright instead
    letterboxed = with_preview(jpeg((4000, 2250)), jpeg((320, 240)))  # 16:9 photo, 4:3 preview
    assert embedded_preview(letterboxed) is None
    tiny = with_preview(big, jpeg((80, 60)))
    assert embedded_preview(tiny) is None
    with Image.open(io.BytesIO(make_thumbnail(tiny) or b"")) as img:
        assert img.size == (360, 270)


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
