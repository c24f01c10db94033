"""The frozen program: build the bundle once per test run, then run it as users would.

The bundle is built with build_installer.spec into a temporary folder and started from
another folder, with no PYTHONPATH and a fresh home, so everything it needs has to come
from inside the bundle: the catalogue, the fonts, Qt's plugins, pyHanko's data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APP = "ZhashuiInspector"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
PASSPHRASE = "柞水县 frozen test passphrase"
# An unfiltered build of the same stack takes ~200 MB, the filtered one 186 MB before ICU's
# data was cut to English and Chinese and LXGW WenKai to a subset (docs/installer.md).
MAX_BUNDLE_MB = 150


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder program, built once per test run."""
    root = tmp_path_factory.mktemp("frozen")
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "build_dist.sh"), "--distpath", str(root / "dist"),
         "--workpath", str(root / "build")],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    app_dir = root / "dist" / APP
    assert (app_dir / f"{APP}{EXE_SUFFIX}").is_file()
    return app_dir


@pytest.fixture
def run(bundle: Path, tmp_path: Path):
    """Run the frozen program in a clean environment, from a folder outside the repo."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "QT_PLUGIN_PATH")}
    env.update(HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local/share"), XDG_CACHE_HOME=str(home / ".cache"),
               QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", ZHASHUI_PASSPHRASE=PASSPHRASE)
    # A login name of its own, so the program's per-user socket is this test's alone and a
    # program the developer has open is never involved.
    user = f"frozen-test-{uuid.uuid4().hex[:8]}"
    env.update(LOGNAME=user, USER=user, USERNAME=user)

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([str(bundle / f"{APP}{EXE_SUFFIX}"), *args], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8")

    def run(*args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        result = subprocess.run([str(bundle / f"{APP}{EXE_SUFFIX}"), *args], cwd=tmp_path,
                                env=env, capture_output=True, text=True, encoding="utf-8",
                                timeout=timeout)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    run.start = start  # type: ignore[attr-defined]
    run.user = user  # type: ignore[attr-defined]
    return run


def test_data_and_resources_are_inside_the_bundle(bundle: Path) -> None:
    internal = bundle / "_internal"
    shipped = internal / "data" / "standards.sqlite"
    assert shipped.read_bytes() == (REPO / "data" / "standards.sqlite").read_bytes()
    for source in (REPO / "resources").rglob("*"):
        if source.is_file():
            copy = internal / source.relative_to(REPO)
            assert copy.is_file(), f"{source.relative_to(REPO)} missing from the bundle"
            assert copy.stat().st_size == source.stat().st_size
    licences = list((internal / "resources" / "fonts").glob("*LICENSE*"))
    fonts = [p for p in (internal / "resources" / "fonts").iterdir()
             if p.suffix in (".ttf", ".ttc", ".otf")]
    assert fonts and len(licences) >= len(fonts)


def test_catalogue_from_the_bundle_is_the_one_from_source(run) -> None:
    frozen = run("catalogue", "--json").stdout
    source = subprocess.run([sys.executable, "-m", "zhashui_inspector", "catalogue", "--json"],
                            cwd=REPO, capture_output=True, text=True, encoding="utf-8",
                            check=True).stdout
    assert frozen == source
    data = json.loads(frozen)
    items = [i for area in data["areas"] for sub in area["subareas"] for i in sub["items"]]
    assert len(data["areas"]) == 9 and len(items) == 76


def test_version_and_errors_work_frozen(run) -> None:
    from zhashui_inspector import __version__

    assert run("--version").stdout.split() == ["zhashui-inspector", __version__]
    missing = run("show", "没有这个文件.sqlite", check=False)
    assert missing.returncode == 1
    lines = missing.stderr.strip().splitlines()
    assert len(lines) == 1 and "没有这个文件.sqlite" in lines[0]


def test_selftest_runs_a_job_in_a_child_of_the_frozen_program(run) -> None:
    """The office window makes its reports in a child process; frozen, the child is the
    bundle's own executable started by multiprocessing (freeze_support in cli.main)."""
    result = run("selftest", timeout=120)
    assert result.stdout.splitlines()[-2:] == ["后台进程：正常", "自检通过"], result.stderr


def test_window_opens_on_the_offscreen_platform(run) -> None:
    result = run("gui", "--smoke")
    assert "窗口首次绘制" in result.stdout


def test_window_opens_a_work_file_made_by_the_frozen_program(run, tmp_path: Path) -> None:
    demo = tmp_path / "演示.sqlite"
    run("demo", "-o", str(demo))
    assert "县财政局" in run("show", str(demo)).stdout
    result = run("gui", "--smoke", str(demo))
    assert "窗口首次绘制" in result.stdout


def test_a_second_start_hands_its_file_to_the_running_program(qapp, run,
                                                             tmp_path: Path) -> None:
    """Double-clicking work files: the first start opens a window, the next one hands its
    file over and exits; once the first program is gone, a start opens its own again."""
    from zhashui_inspector.core.errors import WorkFileLockedError
    from zhashui_inspector.core.filelock import FileLock
    from zhashui_inspector.ui.qt import QLocalServer
    from zhashui_inspector.ui.single_instance import send_request, server_name

    first_file, second_file = tmp_path / "县财政局.sqlite", tmp_path / "下梁镇.sqlite"
    for file, unit in ((first_file, "县财政局"), (second_file, "下梁镇")):
        run("new", str(file), "--role", "inspector", "--holder", "张三", "--unit", unit)
    name = server_name(run.user)

    def wait_for(condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, what
            time.sleep(0.1)

    def is_open_elsewhere(file: Path) -> bool:
        lock = FileLock(file)
        try:
            lock.acquire()
        except WorkFileLockedError:
            return True
        lock.release()
        return False

    first = run.start(str(first_file))  # what a double-click runs
    later = None
    try:
        wait_for(lambda: send_request(name, []), "the first program never listened")
        wait_for(lambda: is_open_elsewhere(first_file), "the first file was not opened")
        second = run(str(second_file), timeout=60)
        assert second.returncode == 0 and first.poll() is None
        wait_for(lambda: is_open_elsewhere(second_file),
                 "the running program did not open the handed-over file")
        # The first program ends abruptly: its socket is left behind, and the next start
        # must open the file itself instead of handing it to no one.
        first.kill()
        first.wait(timeout=30)
        wait_for(lambda: not is_open_elsewhere(second_file), "locks outlived the program")
        later = run.start(str(second_file))
        wait_for(lambda: is_open_elsewhere(second_file), "a start after a crash gave up")
        assert later.poll() is None
        wait_for(lambda: send_request(name, []), "the new program does not listen")
    finally:
        for proc in (first, later):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        QLocalServer.removeServer(name)  # the socket the killed program left behind


def test_signed_report_from_the_bundle_verifies(run, tmp_path: Path) -> None:
    office = tmp_path / "县委依法治县办"
    run("office", "init", str(office))
    issued = tmp_path / "张三.sqlite"
    run("office", "issue", str(office), "--role", "inspector", "--holder", "张三",
        "--unit", "县财政局", "-o", str(issued))
    run("rate", str(issued), "--unit", "县财政局", "--item", "1-20", "--rating", "达标",
        "--method", "查阅资料")
    back = tmp_path / "交回.sqlite"
    run("hand-back", str(issued), "-o", str(back))
    assert "已导入" in run("office", "import", str(office), str(back)).stdout

    report = tmp_path / "全县报告.pdf"
    run("office", "report", str(office), "-o", str(report))
    verdict = run("verify", str(report), "--office", str(office)).stdout
    assert "结论：有效" in verdict

    # Independent tools: the CJK fonts are embedded and the signature holds.
    fonts = subprocess.run(["pdffonts", str(report)], capture_output=True, text=True,
                           check=True).stdout
    for name in ("WenQuanYi", "ZhashuiKai"):  # text, and the Kai subset's headings
        embedded = [line for line in fonts.splitlines() if name in line]
        assert embedded and all(" yes yes " in line for line in embedded), (name, fonts)
    sig = subprocess.run(["pdfsig", str(report)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in sig and "Total document signed" in sig
    text = subprocess.run(["pdftotext", "-l", "2", str(report), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout
    assert "复查验收评估报告" in text and "县财政局" in text


def test_blank_checklist_prints_from_the_bundle(run, tmp_path: Path) -> None:
    out = tmp_path / "核查表.pdf"
    run("checklist", "-o", str(out))
    text = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout
    assert "指标核查表" in text


def test_bundle_is_lean(bundle: Path) -> None:
    internal = bundle / "_internal"
    qt = internal / "PySide6" / "Qt"
    translations = sorted(p.name for p in (qt / "translations").glob("*.qm"))
    assert "qtbase_zh_CN.qm" in translations
    assert all(name.endswith("_zh_CN.qm") for name in translations), translations
    libraries = [p.name for p in internal.rglob("*") if p.is_file()]
    for unused in ("Qt6Quick", "Qt6Qml", "Qt6WebEngine", "Qt63D", "Qt6Multimedia",
                   "Qt6Designer", "Qt6Sql", "Qt6Test", "libgtk", "libcairo", "libcups.so"):
        assert not [name for name in libraries if unused in name], unused
    assert not (qt / "qml").exists()
    plugin_kinds = {p.name for p in (qt / "plugins").iterdir()}
    assert not plugin_kinds & {"sqldrivers", "qmltooling", "tls", "designer", "generic"}
    assert {"platforms", "imageformats"} <= plugin_kinds
    for unused_module in ("tkinter", "pygments", "pytest", "charset_normalizer"):
        assert not (internal / unused_module).exists()
    assert not list((internal / "reportlab" / "fonts").glob("DarkGarden*"))
    assert not list((internal / "resources" / "fonts").glob("LXGW*"))
    if sys.platform.startswith("linux"):  # ICU's data cut to what QtCore reads
        (icu_data,) = (qt / "lib").glob("libicudata.so.*")
        assert icu_data.stat().st_size < 9 * 2**20
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size_mb = sum(p.stat().st_size for p in files) / 2**20
    assert size_mb <= MAX_BUNDLE_MB, f"bundle is {size_mb:.0f} MB"
