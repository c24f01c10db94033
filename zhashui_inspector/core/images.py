"""What the program treats as a picture: the types it decodes and the largest it will.

One vocabulary for the reports (decoded with Pillow) and the windows (decoded with Qt's
image readers, which keeps Pillow out of the field window's process); this module loads
neither.
"""

from __future__ import annotations

IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
MAX_PIXELS = 120_000_000   # beyond about 120 megapixels a picture is taken for a bomb


def is_image(mime: str, name: str) -> bool:
    """By its recorded type, or by its name when the type was not recognised."""
    return mime in IMAGE_MIMES or name.lower().endswith(IMAGE_SUFFIXES)
