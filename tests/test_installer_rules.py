"""The rules of the frozen bundle (installer/*.py), checked without building it."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}",
                                                  REPO / "installer" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rules = load("bundle_rules")
linked = load("linked_libraries")
winres = load("windows_resources")
icu = load("icu_data")


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qt_help_zh_TW.qm", False),
    ("PySide6\\Qt\\translations\\qtbase_fr.qm", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),  # Windows: no Qt/ level
    ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
    ("PySide6/translations/qtbase_zh_CN.qm", True),
    ("PySide6/translations/qtbase_ja.qm", False),
    ("PySide6/plugins/tls/qschannelbackend.dll", False),
    ("PySide6/Qt6Core.dll", True),
    ("PySide6/QtCore.pyd", True),
    ("PySide6/qml/QtQuick/qmldir", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/plugins/imageformats/qjpeg.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqtga.so", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/qml/QtQuick/Controls/libqtquickcontrols2plugin.so", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("resources/fonts/wqy-microhei.ttc", True),
    ("resources/fonts/ZhashuiKai-Regular.ttf", True),
    ("reportlab/fonts/DarkGarden.sfd", False),  # reportlab's demonstration font
    ("reportlab/fonts/DarkGardenMK.pfb", False),
    ("reportlab\\fonts\\DarkGardenMK.afm", False),
    ("reportlab/fonts/hb-test.ttf", False),
    ("reportlab/fonts/Vera.ttf", True),
    ("reportlab/fonts/_a______.afm", True),
    ("data/standards.sqlite", True),
    ("libcrypto.so.3", True),
])
def test_bundle_keeps_what_the_program_uses(dest: str, kept: bool) -> None:
    assert rules.keep_bundle_file(dest) is kept


def test_plugin_names_are_compared_without_platform_decoration() -> None:
    assert rules.plugin_name("libqxcb.so") == "qxcb"
    assert rules.plugin_name("qwindows.dll") == "qwindows"
    assert rules.plugin_name("libqcocoa.dylib") == "qcocoa"
    assert rules.plugin_name("libqt-plugin-wayland-egl.so") == "qt-plugin-wayland-egl"


def test_qt_modules_named_in_our_source_are_kept_and_the_rest_excluded(tmp_path: Path) -> None:
    used = rules.used_qt_modules(REPO)
    # Loaded lazily by name in ui/qt.py, and the single-instance socket.
    assert {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport",
            "QtNetwork"} <= used
    assert not {"QtQuick", "QtQml", "QtWebEngineCore", "Qt3DCore"} & used

    pkg = tmp_path / "PySide6"
    pkg.mkdir()
    for name in ("QtCore.abi3.so", "QtPdf.abi3.so", "QtQuick.abi3.so", "QtQml.pyd",
                 "QtSql.cp311-win_amd64.pyd", "QtCore.pyi", "__init__.py"):
        (pkg / name).touch()
    available = rules.installed_qt_modules(pkg)
    assert available == {"QtCore", "QtPdf", "QtQuick", "QtQml", "QtSql"}
    assert rules.unused_qt_modules(available, used) == [
        "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtSql"]


def test_lazy_packages_keep_their_code_but_not_their_test_suites() -> None:
    assert rules.keep_submodule("reportlab.graphics.charts.barcharts")
    assert rules.keep_submodule("pyhanko.sign.signers.pdf_signer")
    assert not rules.keep_submodule("reportlab.graphics.testshapes")
    assert not rules.keep_submodule("asn1crypto.tests")
    assert not rules.keep_submodule("PIL.ImageTk")
    assert not rules.keep_submodule("PIL.AvifImagePlugin")


def test_our_data_lands_where_paths_py_looks_for_it() -> None:
    files = {Path(src).relative_to(REPO).as_posix(): dest
             for src, dest in rules.app_data_files(REPO)}
    assert files["data/standards.sqlite"] == "data"
    fonts = {name for name in files if name.startswith("resources/fonts/")}
    assert "resources/fonts/wqy-microhei.ttc" in fonts
    assert "resources/fonts/wqy-microhei.LICENSE.txt" in fonts
    for name, dest in files.items():
        assert Path(name).parent.as_posix() == dest


def test_version_is_read_from_the_package_without_importing_it() -> None:
    from zhashui_inspector import __version__

    assert rules.read_version(REPO) == __version__


def test_libraries_only_dropped_plugins_needed_are_pruned() -> None:
    graph = {
        "/q/plugins/platforms/libqxcb.so": ["libQt6XcbQpa.so.6", "libc.so.6"],
        "/q/lib/libQt6XcbQpa.so.6": ["libX11.so.6", "libxkbcommon.so.0"],
        "/q/plugins/platformthemes/libqgtk3.so": ["libgtk-3.so.0", "libcairo.so.2",
                                                  "libX11.so.6"],
        "/sys/libcairo.so.2": ["libpixman-1.so.0", "libX11.so.6"],
        "/q/plugins/printsupport/libcupsprintersupport.so": ["libcups.so.2"],
        "/sys/libcups.so.2": ["libgnutls.so.30", "libz.so.1"],
        "/py/zlib.so": ["libz.so.1"],
    }

    def imports_of(src: str) -> list[tuple[str, str | None]]:
        return [(name, None) for name in graph.get(src, [])]

    def entry(dest: str, src: str) -> tuple[str, str]:
        return dest, src

    kept = [
        entry("PySide6/Qt/plugins/platforms/libqxcb.so", "/q/plugins/platforms/libqxcb.so"),
        entry("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/q/lib/libQt6XcbQpa.so.6"),
        entry("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
              "/q/plugins/printsupport/libcupsprintersupport.so"),
        entry("libX11.so.6", "/sys/libX11.so.6"),
        entry("libxkbcommon.so.0", "/sys/libxkbcommon.so.0"),
        entry("libcairo.so.2", "/sys/libcairo.so.2"),
        entry("libpixman-1.so.0", "/sys/libpixman-1.so.0"),
        entry("libcups.so.2", "/sys/libcups.so.2"),
        entry("libgnutls.so.30", "/sys/libgnutls.so.30"),
        entry("libz.so.1", "/sys/libz.so.1"),
        entry("python3.11/lib-dynload/zlib.so", "/py/zlib.so"),
        entry("libctypes-only.so", "/sys/libctypes-only.so"),  # nothing links it: kept
    ]
    dropped = [entry("PySide6/Qt/plugins/platformthemes/libqgtk3.so",
                     "/q/plugins/platformthemes/libqgtk3.so")]
    assert linked.orphans(kept, dropped, imports_of) == {
        "libcairo.so.2", "libpixman-1.so.0",  # only the GTK theme needed them
        "libcups.so.2", "libgnutls.so.30",  # CUPS comes from the system
    }
    # With nothing dropped and nothing taken from the system, nothing is pruned.
    assert linked.orphans(kept, [], imports_of, system_provided=frozenset()) == set()


def test_direct_imports_are_the_binarys_own_not_the_whole_tree() -> None:
    import PySide6

    binding = next(Path(PySide6.__file__).parent.glob("QtCore*.so"))
    direct = {name for name, _ in linked.direct_imports(str(binding))}
    whole_tree = subprocess.run(["ldd", str(binding)], capture_output=True, text=True,
                                check=True).stdout
    assert "libQt6Core.so.6" in direct
    assert "libicudata" in whole_tree  # reached through libQt6Core, not linked directly
    assert not any(name.startswith("libicudata") for name in direct)


def test_windows_version_info_matches_the_package_version() -> None:
    assert winres.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert winres.version_tuple("1.12.3rc1") == (1, 12, 3, 0)
    assert winres.version_tuple("2.0") == (2, 0, 0, 0)
    text = winres.version_info_text("1.2.3", "ZhashuiInspector")

    # PyInstaller eval()s this text with its own classes; stand-ins record the arguments.
    def record(kind: str):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct")
    info = eval(text, {name: record(name) for name in names})  # noqa: S307
    kind, _, fields = info
    assert kind == "VSVersionInfo"
    assert fields["ffi"][2]["filevers"] == (1, 2, 3, 0)
    assert fields["ffi"][2]["prodvers"] == (1, 2, 3, 0)
    string_file_info, var_file_info = fields["kids"]
    table = string_file_info[1][0][0]
    assert table[1][0] == "080404B0"  # Simplified Chinese, Unicode
    strings = {s[1][0]: s[1][1] for s in table[1][1]}
    assert strings["FileVersion"] == "1.2.3.0"
    assert strings["ProductVersion"] == "1.2.3"
    assert strings["OriginalFilename"] == "ZhashuiInspector.exe"
    assert strings["FileDescription"] == "柞水县法治政府建设示范单位复查验收评估"
    assert var_file_info[1][0][0][1] == ("Translation", [0x0804, 1200])


def test_icon_is_made_from_the_shipped_pngs(tmp_path: Path) -> None:
    from PIL import Image

    assert winres.make_ico(tmp_path, tmp_path / "none.ico") is None
    for size, colour in ((16, "red"), (32, "green"), (256, "blue")):
        Image.new("RGBA", (size, size), colour).save(tmp_path / f"zhashui-inspector-{size}.png")
    ico = winres.make_ico(tmp_path, tmp_path / "out" / "app.ico")
    assert ico is not None
    with Image.open(ico) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32), (256, 256)} <= set(image.info["sizes"])
        image.size = (16, 16)
        image.load()
        assert image.convert("RGB").getpixel((8, 8)) == (255, 0, 0)  # the hand-drawn 16 px



def test_a_drawn_icon_is_preferred_to_one_made_from_pngs(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (32, 32), "red").save(tmp_path / "zhashui-inspector-32.png")
    made = winres.app_icon(tmp_path, tmp_path / "made.ico")
    assert made == tmp_path / "made.ico" and made.is_file()
    drawn = tmp_path / "zhashui-inspector.ico"
    Image.new("RGBA", (48, 48), "blue").save(drawn)
    assert winres.app_icon(tmp_path, tmp_path / "other.ico") == drawn



def test_run_time_hook_points_qt_at_the_bundle_without_importing_it(tmp_path: Path) -> None:
    # A fresh interpreter, as in the frozen program: nothing has imported Qt yet.
    probe = (
        "import os, runpy, sys\n"
        f"sys._MEIPASS = {str(tmp_path)!r}\n"
        f"runpy.run_path({str(REPO / 'installer' / 'rthook_qt.py')!r})\n"
        "print(os.environ['QT_PLUGIN_PATH'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "QT_PLUGIN_PATH"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, check=True).stdout.splitlines()
    expected = (tmp_path / "PySide6" / "plugins" if sys.platform == "win32"
                else tmp_path / "PySide6" / "Qt" / "plugins")
    assert out == [str(expected), "[]"]


def test_inno_setup_script_installs_what_the_spec_builds() -> None:
    raw = (REPO / "installer" / "zhashui-inspector.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup reads the Chinese texts only so
    text = raw.decode("utf-8-sig")
    assert f'#define AppExe "{rules.APP_NAME}.exe"' in text
    assert f'"..\\dist\\{rules.APP_NAME}"' in text
    # Double-click: the work file is the only argument, which the CLI opens in the window.
    assert '"""{app}\\{#AppExe}"" ""%1"""' in text
    from zhashui_inspector.cli.main import _is_path

    assert _is_path(r"C:\Users\张三\Desktop\县财政局.sqlite") and _is_path("a.zsi")
    sections = {line.strip() for line in text.splitlines() if line.startswith("[")}
    assert {"[Setup]", "[Files]", "[Icons]", "[Registry]", "[Tasks]"} <= sections


def test_the_http_stack_works_without_the_speed_ups_left_out() -> None:
    """pyHanko imports aiohttp when it signs; without the excluded C speed-ups its stack
    must still import and work, on the libraries' own pure-Python code."""
    blocked = [name for name in rules.EXCLUDED_MODULES
               if name.split(".")[0] in ("aiohttp", "yarl", "propcache", "frozenlist",
                                         "charset_normalizer")]
    assert "aiohttp._http_parser" in blocked and "charset_normalizer" in blocked
    probe = (
        "import importlib.abc, sys\n"
        f"BLOCKED = {blocked!r}\n"
        "class Missing(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if any(name == b or name.startswith(b + '.') for b in BLOCKED):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Missing())\n"
        "import pyhanko.sign.signers, pyhanko.sign.validation, pyhanko_certvalidator\n"
        "import aiohttp.http_parser, frozenlist, yarl\n"
        "from reportlab.platypus import Paragraph, SimpleDocTemplate\n"
        "assert not any(m in sys.modules for m in BLOCKED)\n"
        "assert 'aiohttp' in sys.modules\n"
        "print(yarl.URL('http://例子.测试/路径?q=柞水').human_repr(), frozenlist.FrozenList([1]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    assert "http://例子.测试/路径?q=柞水" in out and "FrozenList" in out


@pytest.mark.parametrize(("item", "kept"), [
    ("root.res", True), ("zh.res", True), ("zh_Hans_CN.res", True), ("zh_Hant_TW.res", True),
    ("en.res", True), ("en_001.res", True), ("en_US_POSIX.res", True),
    ("de.res", False), ("ja_JP.res", False), ("yue_Hans.res", False), ("in.res", False),
    ("pool.res", True), ("res_index.res", True), ("supplementalData.res", True),
    ("zoneinfo64.res", True), ("metaZones.res", True), ("likelySubtags.res", True),
    ("icuver.res", True), ("keyTypeData.res", True),
    ("coll/zh.res", True), ("coll/root.res", True), ("coll/ucadata.icu", True),
    ("coll/de_.res", False), ("coll/ko.res", False), ("coll/res_index.res", True),
    ("zone/zh_Hant.res", True), ("zone/fr.res", False), ("zone/tzdbNames.res", True),
    ("brkitr/cjdict.dict", False), ("brkitr/root.res", False), ("translit/root.res", False),
    ("curr/zh.res", False), ("unit/en.res", False), ("lang/zh.res", False),
    ("region/zh.res", False), ("rbnf/zh.res", False),
    ("gb18030.cnv", True), ("windows-936-2000.cnv", True), ("ibm-1386_P100-2001.cnv", True),
    ("euc-tw-2014.cnv", True), ("ibm-437_P100-1995.cnv", True), ("cnvalias.icu", True),
    ("ibm-37_P100-1995.cnv", False), ("ibm-1390_P110-2003.cnv", False),
    ("ebcdic-xml-us.cnv", False), ("ibm-16684_P110-2003.cnv", False),
    ("unames.icu", False), ("confusables.cfu", False), ("rfc3491.spp", False),
    ("nfkc.nrm", True), ("uts46.nrm", True),
])
def test_icu_keeps_what_qts_icu_calls_read_for_english_and_chinese(item: str,
                                                                   kept: bool) -> None:
    assert icu.keep_item(item) is kept


def test_only_icus_data_library_is_replaced() -> None:
    assert icu.is_data_library("PySide6/Qt/lib/libicudata.so.73")
    assert not icu.is_data_library("PySide6/Qt/lib/libicuuc.so.73")
    assert not icu.is_data_library("libicudata.so.73.1.txt")


# What QtCore asks ICU: collation, time-zone names, codecs (through an XML declaration, as
# PySide6 has no call that converts with a named codec) and locale-aware case mapping.
ICU_PROBE = r"""
import json
from PySide6.QtCore import (QBuffer, QByteArray, QCollator, QLocale, QStringConverter,
                            QStringDecoder, QTimeZone, QXmlStreamReader)
out = {}
names = ["张三", "李四", "王五", "赵六", "阿宝", "柞水县", "下梁镇", "县财政局", "Zeta", "alpha",
         "Äpfel", "文件10", "文件9"]
for loc in ("zh_CN", "zh_TW", "en_US", "de_DE"):
    collator = QCollator(QLocale(loc))
    collator.setNumericMode(True)
    out[f"sort {loc}"] = sorted(names, key=collator.sortKey)
for zone in (b"Asia/Shanghai", b"Europe/Berlin", b"America/New_York"):
    for loc in ("zh_CN", "en_US"):
        for kind in (QTimeZone.StandardTime, QTimeZone.DaylightTime):
            for style in (QTimeZone.LongName, QTimeZone.ShortName):
                out[f"{zone} {loc} {kind} {style}"] = QTimeZone(zone).displayName(
                    kind, style, QLocale(loc))
text = "柞水县依法治县办：复查验收评估 ABC"
for codec, python in (("GBK", "gbk"), ("GB18030", "gb18030"), ("Big5", "big5"),
                      ("Shift_JIS", "shift_jis"), ("EUC-KR", "euc_kr"),
                      ("windows-1252", "cp1252"), ("KOI8-R", "koi8_r")):
    data = f'<?xml version="1.0" encoding="{codec}"?><a>'.encode() + text.encode(
        python, errors="replace") + b"</a>"
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QBuffer.ReadOnly)
    reader = QXmlStreamReader(buffer)
    read = []
    while not reader.atEnd():
        reader.readNext()
        if reader.isCharacters():
            read.append(reader.text())
    out[f"codec {codec}"] = [QStringDecoder(codec).isValid(), "".join(read)]
out["codecs"] = sorted(QStringConverter.availableCodecs())
out["upper tr"] = QLocale("tr_TR").toUpper("istanbul")
out["icu"] = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line][:1]
print(json.dumps(out, ensure_ascii=False))
"""


def test_filtered_icu_data_answers_qt_as_the_full_data_does(tmp_path: Path) -> None:
    import PySide6

    libraries = list((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux"):
        assert libraries == []   # only the Linux Qt wheels bring ICU: nothing to filter
        return
    (library,) = libraries
    assert not icu.missing_tools(), "install icu-devtools and binutils (scripts/setup.sh)"
    filtered = icu.build_library(library, tmp_path / "icu")
    assert filtered.name == library.name
    assert filtered.stat().st_size < 9 * 2**20 and library.stat().st_size > 25 * 2**20

    def probe(library_dir: Path | None) -> dict:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if library_dir:  # searched before the RUNPATH that points at the wheel's copy
            env["LD_LIBRARY_PATH"] = str(library_dir)
        out = subprocess.run([sys.executable, "-c", ICU_PROBE], capture_output=True,
                             text=True, encoding="utf-8", env=env, check=True).stdout
        return json.loads(out)

    full, small = probe(None), probe(filtered.parent)
    assert full.pop("icu") == [str(library)] and small.pop("icu") == [str(filtered)]
    assert small["sort zh_CN"][:6] == ["阿宝", "李四", "王五", "文件9", "文件10", "下梁镇"]  # pinyin
    assert small["codec GBK"] == [True, "柞水县依法治县办：复查验收评估 ABC"]
    assert small["b'Asia/Shanghai' zh_CN TimeType.StandardTime NameType.LongName"] == "中国标准时间"
    # Only the EBCDIC code pages are gone; all else answers exactly as before.
    gone = set(full.pop("codecs")) - set(small.pop("codecs"))
    assert "IBM037" in gone and "ibm-1390_P110-2003" in gone
    for name in gone:
        number = re.search(r"(\d+)", name)
        assert name in ("IBM-Thai", "ebcdic-xml-us") or (
            number and int(number.group(1)) in icu.EBCDIC_CODE_PAGES), name
    assert small == full
