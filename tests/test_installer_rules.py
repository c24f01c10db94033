"""The rules of the frozen bundle (installer/*.py), checked without building it."""

from __future__ import annotations

import importlib.util
import os
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
