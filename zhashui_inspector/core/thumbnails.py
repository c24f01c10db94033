"""Thumbnails of evidence images without decoding the full picture.

JPEGs are decoded at reduced scale (the DCT "draft" mode: 1/2, 1/4 or 1/8), so a
256-pixel thumbnail of a 12-megapixel photo costs a fraction of a full decode. The EXIF
orientation is applied to the small image afterwards, never to the full one.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps

from zhashui_inspector.core.images import MAX_PIXELS

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # refuse decompression bombs


def make_thumbnail(source: bytes | Path | BinaryIO, size: int = 256) -> Image.Image:
    """An RGB image fitting in size×size, upright as the camera meant it."""
    fp: Path | BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    with Image.open(fp) as img:
        orientation = img.getexif().get(0x0112, 1)
        if img.format == "JPEG":
            img.draft("RGB", (size, size))
        img.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
        small = img.convert("RGB") if img.mode != "RGB" else img.copy()
    if orientation != 1:
        small.getexif()[0x0112] = orientation
        small = ImageOps.exif_transpose(small)
    return small


def thumbnail_jpeg(source: bytes | Path | BinaryIO, size: int = 256, quality: int = 80) -> bytes:
    out = io.BytesIO()
    make_thumbnail(source, size).save(out, "JPEG", quality=quality)
    return out.getvalue()
