"""A later start hands its work file to the running program (two real processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from zhashui_inspector.ui.qt import QDir
from zhashui_inspector.ui.single_instance import (
    SingleInstance,
    decode_request,
    encode_request,
    server_name,
    window_path,
)

REPO = Path(__file__).resolve().parent.parent

# The other process: a later start (client) or a running program (server).
CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from zhashui_inspector.ui.qt import QLocalSocket, QTimer
from zhashui_inspector.ui.single_instance import SingleInstance

mode, name = sys.argv[1], sys.argv[2]
if mode == "hand-over":
    sys.exit(0 if SingleInstance(name).hand_over(*map(Path, sys.argv[3:])) else 3)
if mode == "garbage":
    sock = QLocalSocket()
    sock.connectToServer(name)
    assert sock.waitForConnected(3000)
    sock.write(sys.argv[3].encode("utf-8") + b"\n")
    sock.waitForBytesWritten(3000)
    sock.waitForReadyRead(3000)
    reply = bytes(sock.readAll().data())
    sys.exit(4 if reply.strip() == b"ok" else 0)
if mode == "serve":
    instance = SingleInstance(name)
    def received(files):
        print("received", *files, flush=True)
        QTimer.singleShot(0, app.quit)
    instance.files_received.connect(received)
    print("listening" if instance.listen() else "not-listening", flush=True)
    QTimer.singleShot(20_000, app.quit)
    app.exec()
"""


def child(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)


@pytest.fixture
def name() -> str:
    """A server name of its own per test, so tests never talk to a real running program."""
    return f"ZhashuiInspectorTest-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def instance(qapp: object, name: str) -> SingleInstance:
    inst = SingleInstance(name)
    inst.received: list[list[Path]] = []  # type: ignore[misc]
    inst.files_received.connect(inst.received.append)  # type: ignore[attr-defined]
    yield inst
    inst.close()


def hand_over_from_child(qtbot, instance: SingleInstance, *files: Path) -> list[Path]:
    """Start a second process that hands `files` over; what the running side received."""
    before = len(instance.received)  # type: ignore[attr-defined]
    proc = child("hand-over", instance.name, *map(str, files))
    qtbot.waitUntil(lambda: len(instance.received) > before, timeout=15_000)  # type: ignore[attr-defined]
    assert proc.wait(timeout=15) == 0, proc.stderr.read()
    return instance.received[-1]  # type: ignore[attr-defined]


def test_server_name_is_stable_per_user_and_differs_between_users() -> None:
    assert server_name("张三") == server_name("张三")
    assert server_name("张三") != server_name("李四")
    assert server_name().startswith("ZhashuiInspector-")
    for text in (server_name("a/b\\c"), server_name()):
        assert "/" not in text and "\\" not in text and len(text) < 40


def test_request_survives_the_wire_and_garbage_is_refused() -> None:
    paths = ["C:\\评估\\县财政局 张三.sqlite", "/home/王五/下梁镇.sqlite"]
    line = encode_request(paths)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_request(line.rstrip(b"\n")) == paths
    assert decode_request(b"\xff\xfe") is None
    assert decode_request(b"not json") is None
    assert decode_request(b'{"v": 99, "open": ["x"]}') is None
    assert decode_request(b'{"v": 1, "open": "x"}') is None
    assert decode_request(b'{"v": 1, "open": [""]}') is None
    assert decode_request(b'{"v": 1, "open": []}') == []


def test_without_a_running_program_nothing_is_handed_over(instance: SingleInstance,
                                                          tmp_path: Path) -> None:
    assert instance.hand_over(tmp_path / "a.sqlite") is False


def test_a_later_start_hands_its_file_to_the_running_program(qtbot, instance: SingleInstance,
                                                             tmp_path: Path) -> None:
    assert instance.listen()
    files = [tmp_path / "县财政局 张三.sqlite", tmp_path / "下梁镇.sqlite"]
    assert hand_over_from_child(qtbot, instance, *files) == [f.resolve() for f in files]


def test_the_first_program_keeps_serving_and_later_ones_defer(qapp: object, name: str,
                                                              tmp_path: Path) -> None:
    server = child("serve", name)
    try:
        assert server.stdout.readline().strip() == "listening"
        later = SingleInstance(name)
        assert later.listen() is False  # a live program answers under this name
        file = tmp_path / "下梁镇.sqlite"
        assert later.hand_over(file) is True
        assert server.stdout.readline().strip() == f"received {file.resolve()}"
        assert server.wait(timeout=15) == 0
    finally:
        server.kill()
        server.wait()


def test_a_socket_left_by_a_crashed_program_is_taken_over(qtbot, instance: SingleInstance,
                                                          tmp_path: Path) -> None:
    # What a killed program leaves behind on Unix: a socket file no one listens on.
    stale_path = QDir(QDir.tempPath()).filePath(instance.name)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(stale_path)
    stale.close()
    assert Path(stale_path).exists()
    try:
        assert instance.listen()
        file = tmp_path / "凤凰镇.sqlite"
        assert hand_over_from_child(qtbot, instance, file) == [file.resolve()]
    finally:
        instance.close()


def test_malformed_requests_are_dropped_and_the_server_keeps_working(
        qtbot, instance: SingleInstance, tmp_path: Path) -> None:
    assert instance.listen()
    for garbage in ("hello", '{"v": 1, "open": "C:/x.sqlite"}', "{" * 10):
        proc = child("garbage", instance.name, garbage)
        qtbot.waitUntil(lambda p=proc: p.poll() is not None, timeout=15_000)
        assert proc.returncode == 0, proc.stderr.read()  # not answered "ok"
    assert instance.received == []  # type: ignore[attr-defined]
    file = tmp_path / "杏坪镇.sqlite"
    assert hand_over_from_child(qtbot, instance, file) == [file.resolve()]


def test_received_file_opens_in_a_new_window_and_a_repeat_raises_it(
        qtbot, ui_settings: Path, instance: SingleInstance, practice_file: Path,
        demo_file: Path) -> None:
    from zhashui_inspector.ui.windows import WindowManager

    manager = WindowManager()
    try:
        assert instance.serve(manager)

        def hand_over(file: Path) -> None:
            hand_over_from_child(qtbot, instance, file)

        hand_over(practice_file)
        assert len(manager.windows) == 1
        first = manager.windows[0]
        qtbot.waitUntil(first.is_ready, timeout=15_000)
        assert window_path(first) == practice_file.resolve()
        assert first.isVisible()

        first.showMinimized()
        hand_over(practice_file)  # double-clicked again: the same window comes back
        assert manager.windows == [first]
        assert first.isVisible() and not first.isMinimized()

        hand_over(demo_file)  # another file: a window of its own
        assert len(manager.windows) == 2
        second = manager.windows[1]
        qtbot.waitUntil(second.is_ready, timeout=15_000)
        assert window_path(second) == demo_file.resolve()
    finally:
        manager.shut_down()
