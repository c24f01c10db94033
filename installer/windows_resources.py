"""The Windows resources of the executables: version information and the icon.

PyInstaller reads the version information as the text form of its `VSVersionInfo`
structure; we write that text from the package version, so the file properties shown by
Explorer never drift from `zhashui_inspector.__version__`.
"""

from __future__ import annotations

import re
from pathlib import Path

LANGUAGE_ZH_CN = 0x0804
CODEPAGE_UNICODE = 1200
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

STRINGS = {
    "CompanyName": "中共柞水县委全面依法治县委员会办公室",
    "FileDescription": "柞水县法治政府建设示范单位复查验收评估",
    "ProductName": "柞水县复查验收评估（Zhashui Inspector）",
    "LegalCopyright": "Apache-2.0",
}


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """`0.1.0` → (0, 1, 0, 0); a suffix such as `rc1` or `.dev2` is ignored."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    while len(numbers) < 4:
        numbers.append(0)
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def version_info_text(version: str, exe_name: str) -> str:
    """The `VSVersionInfo(...)` text PyInstaller's `version=` option reads."""
    numbers = version_tuple(version)
    strings = {
        **STRINGS,
        "FileVersion": ".".join(map(str, numbers)),
        "ProductVersion": version,
        "InternalName": exe_name,
        "OriginalFilename": f"{exe_name}.exe",
    }
    table = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return (
        "VSVersionInfo(\n"
        f"  ffi=FixedFileInfo(filevers={numbers!r}, prodvers={numbers!r}, mask=0x3f,"
        " flags=0x0, OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),\n"
        "  kids=[\n"
        "    StringFileInfo([\n"
        f"      StringTable('{LANGUAGE_ZH_CN:04X}{CODEPAGE_UNICODE:04X}', [\n"
        f"{table}\n"
        "      ])\n"
        "    ]),\n"
        f"    VarFileInfo([VarStruct('Translation', [{LANGUAGE_ZH_CN}, {CODEPAGE_UNICODE}])])\n"
        "  ]\n"
        ")\n"
    )


def write_version_info(version: str, exe_name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exe_name}-version.txt"
    path.write_text(version_info_text(version, exe_name), encoding="utf-8")
    return path


def app_icon(icon_dir: Path, out: Path) -> Path | None:
    """The program's .ico: the drawn `zhashui-inspector.ico` if there is one, else one made
    from the PNGs (see make_ico); None without either."""
    drawn = icon_dir / "zhashui-inspector.ico"
    return drawn if drawn.is_file() else make_ico(icon_dir, out)


def make_ico(icon_dir: Path, out: Path) -> Path | None:
    """A multi-size .ico from `zhashui-inspector-<size>.png` files; None when there are none."""
    from PIL import Image

    sources = {size: icon_dir / f"zhashui-inspector-{size}.png" for size in ICON_SIZES}
    present = {size: path for size, path in sources.items() if path.is_file()}
    if not present:
        return None
    images = [Image.open(path).convert("RGBA") for _, path in sorted(present.items())]
    largest = images[-1]
    out.parent.mkdir(parents=True, exist_ok=True)
    # Pillow scales the largest image for sizes without a hand-drawn PNG of their own.
    largest.save(out, format="ICO", sizes=[(s, s) for s in ICON_SIZES if s <= largest.width],
                 append_images=images[:-1])
    return out
