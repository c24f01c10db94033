"""What goes into the frozen bundle and what stays out; read by build_installer.spec.

Plain Python without PyInstaller imports, so the rules can be tested on their own. The
guiding idea: collect all of our own code and the libraries it loads lazily, and leave
out the parts of Qt the program never touches (modules, their plugins, and every
translation but Simplified Chinese). Which Qt modules are "used" is read from our
source, so a ui module that starts using, say, QtSvg is bundled without editing the spec.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "zhashui_inspector"
APP_NAME = "ZhashuiInspector"  # the windowed program (the Start-menu entry on Windows)
CLI_NAME = "zhashui-inspector"  # the console program for the office's scripts

# Libraries our code imports inside functions (reports, signing, workbook, thumbnails):
# PyInstaller follows them anyway, but naming them keeps a refactor from silently
# dropping one. Each entry is collected with all its submodules.
LAZY_PACKAGES = (
    "openpyxl",
    "reportlab",
    "rl_accel",
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "cryptography",
    "PIL",
    "platformdirs",
)
# Packages whose non-Python files are needed at run time (pyHanko's trust-list
# certificates, reportlab's standard font metrics) or whose version is looked up
# through importlib.metadata.
DATA_PACKAGES = ("pyhanko", "pyhanko_certvalidator", "reportlab")
METADATA_PACKAGES = ("pyhanko", "pyhanko_certvalidator", "cryptography", "openpyxl",
                     "reportlab", "pillow")

# Submodules of the lazy packages that are test suites, demos or GUI toolkits we don't use.
SUBMODULE_EXCLUDE = re.compile(
    r"(^|\.)(tests?|testing|testutils|testshapes|samples|demos?)(\.|$)"
    r"|^PIL\.(ImageTk|_imagingtk|_avif|AvifImagePlugin)$"
)

EXCLUDED_MODULES = (
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "test",
    "ensurepip", "venv", "distutils", "setuptools", "pkg_resources", "pip", "wheel",
    "pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "ruff", "IPython",
    "numpy", "matplotlib", "PyQt5", "PyQt6", "PySide2",
    "readline", "curses", "pydoc_data",
    # reportlab's optional source-code highlighting; nothing of ours prints code.
    "pygments", "reportlab.lib.pygments2xpre",
    "PIL.ImageTk", "PIL._imagingtk", "reportlab.graphics.testshapes",
    "reportlab.lib.testutils",
    # AVIF decoding alone brings 5 MB of codec; cameras and phones deliver JPEG, and the
    # evidence viewer (Qt) could not show AVIF anyway.
    "PIL._avif", "PIL.AvifImagePlugin",
    # pyHanko and openpyxl use lxml.etree only.
    "lxml.objectify", "lxml.html", "lxml.isoschematron", "lxml.sax", "lxml.builder",
    "lxml.ElementInclude", "lxml.cssselect", "lxml.doctestcompare", "lxml.usedoctest",
    # Optional C speed-ups of the HTTP stack that pyHanko imports for online timestamps
    # and revocation checks. The program signs and verifies offline, and each library
    # falls back to its own pure-Python code (multidict has no fallback and stays).
    "aiohttp._http_parser", "aiohttp._http_writer", "aiohttp._websocket.reader_c",
    "aiohttp._websocket.mask", "yarl._quoting_c", "propcache._helpers_c",
    "frozenlist._frozenlist",
    # Guesses the character set of bytes for reportlab's old XML parser (rparsexml), which
    # nothing of ours uses.
    "charset_normalizer",
)

# Qt modules we need even where our source does not name them: QtNetwork carries the
# local socket behind "open this file in the running program".
QT_ALWAYS = ("QtCore", "QtGui", "QtWidgets", "QtNetwork")

# Plugin folders (Qt/plugins/<kind>) the program has no use for.
DROPPED_PLUGIN_KINDS = frozenset({
    "designer", "egldeviceintegrations", "generic", "networkinformation", "qmltooling",
    "sqldrivers", "tls", "vectorimageformats", "wayland-graphics-integration-server",
    "position", "sensors", "multimedia", "sceneparsers", "geometryloaders", "renderers",
    "renderplugins", "texttospeech", "canbus", "webview", "3dinputdevices",
    "assetimporters", "scenegraph", "qmllint", "help",
})
# Single plugins to drop, by name without the lib prefix and extension (so one list serves
# Linux, Windows and macOS): embedded-display platforms, the GTK theme (it drags the whole
# system GTK into the bundle), image formats nobody attaches as evidence.
DROPPED_PLUGINS = frozenset({
    "qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qdirect2d",
    "qgtk3", "qtvirtualkeyboardplugin",
    "qicns", "qtga", "qwbmp", "qpdf",
    "dmabuf-server", "drm-egl-server", "vulkan-server",
})
# Qt data folders that only QML, WebEngine or the developer tools use.
DROPPED_QT_FOLDERS = frozenset({"qml", "metatypes", "libexec", "resources", "typesystems",
                                "include", "doc"})
KEPT_TRANSLATION = re.compile(r"_zh_CN\.qm$")
# Data files outside Qt not worth shipping: reportlab's demonstration font (Dark Garden,
# with its FontForge source) and its font-shaping test font.
DROPPED_DATA = re.compile(r"^reportlab/fonts/(DarkGarden|hb-test)")


def used_qt_modules(source_root: Path) -> set[str]:
    """Every PySide6 module our package names (imported directly or by string, lazily)."""
    used = set(QT_ALWAYS)
    pattern = re.compile(r"PySide6\.(Qt\w+)")
    for path in sorted((source_root / PACKAGE).rglob("*.py")):
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    return used


def unused_qt_modules(available: Iterable[str], used: set[str]) -> list[str]:
    """`PySide6.QtX` names to exclude: everything installed that our source never names."""
    return sorted(f"PySide6.{name}" for name in set(available) - used)


def installed_qt_modules(pyside_dir: Path) -> set[str]:
    """Names of the Qt extension modules of an installed PySide6 (QtCore, QtPdf, …)."""
    names = set()
    for path in pyside_dir.iterdir():
        match = re.match(r"(Qt\w+?)(\.abi3|\.cp\d+[^.]*)?\.(so|pyd)$", path.name)
        if match:
            names.add(match.group(1))
    return names


def keep_submodule(name: str) -> bool:
    return not SUBMODULE_EXCLUDE.search(name)


def plugin_name(file_name: str) -> str:
    """`libqxcb.so` / `qxcb.dll` / `libqxcb.dylib` → `qxcb`."""
    stem = file_name.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep_bundle_file(dest: str) -> bool:
    """Whether a file at this destination path inside the bundle is worth shipping."""
    path = dest.replace("\\", "/")
    if DROPPED_DATA.match(path):
        return False
    parts = path.split("/")
    if "PySide6" not in parts:
        return True
    # Qt's tree is PySide6/Qt/{plugins,translations,…} on Linux and macOS and
    # PySide6/{plugins,translations,…} on Windows.
    below = parts[parts.index("PySide6") + 1:]
    if below[:1] == ["Qt"]:
        below = below[1:]
    if len(below) < 2:
        return True
    if below[0] in DROPPED_QT_FOLDERS:
        return False
    if below[0] == "translations":
        return bool(KEPT_TRANSLATION.search(below[-1]))
    if below[0] == "plugins" and len(below) >= 3:
        kind, file_name = below[1], below[-1]
        return kind not in DROPPED_PLUGIN_KINDS and plugin_name(file_name) not in DROPPED_PLUGINS
    return True


def app_data_files(source_root: Path) -> list[tuple[str, str]]:
    """Our own data: the built catalogue and everything under resources/ (fonts with their
    licences, icons, translations), at the same relative places as in the source tree."""
    files = [(str(source_root / "data" / "standards.sqlite"), "data")]
    resources = source_root / "resources"
    for path in sorted(resources.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            files.append((str(path), str(path.parent.relative_to(source_root))))
    return files


def read_version(source_root: Path) -> str:
    """`__version__` of the package, read without importing it."""
    text = (source_root / PACKAGE / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise ValueError("no __version__ in the package")
    return match.group(1)
