"""One running program per user: a later start with a work file hands it to the first.

Double-clicking a work file while the program runs must not start a second program
(which would find the file locked if it is already open, and scatter windows over two
processes). The first program listens on a local socket named per user (a named pipe on
Windows, a Unix socket elsewhere). A later start with a file connects, sends the file's
absolute path, waits for the answer and exits; the running program opens the file in a
new window, or raises the window that already shows it.

Wire protocol: one line of UTF-8 JSON `{"v": 1, "open": [path, ...]}`, answered with
`ok` once the paths are accepted. An empty list is a ping. Starts racing each other are
serialised by a lock file, so at most one of them becomes the server.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

from zhashui_inspector.ui.qt import (
    QDir,
    QLocalServer,
    QLocalSocket,
    QLockFile,
    QObject,
    Qt,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
SERVER_PREFIX = "ZhashuiInspector"
CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 3000
MAX_MESSAGE = 64 * 1024

# Windows opened for a received file, by the file, until they have loaded it: a second
# double-click on the same file meanwhile must raise that window, not open another.
_requested: weakref.WeakKeyDictionary[QWidget, Path] = weakref.WeakKeyDictionary()


def server_name(user: str | None = None) -> str:
    """The socket name for this user: the same in every start, different for other users."""
    if user is None:
        try:
            user = getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name (service accounts)
            user = os.environ.get("USERNAME") or os.environ.get("USER") or "user"
    digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:16]
    return f"{SERVER_PREFIX}-{digest}"


def encode_request(paths: Sequence[str]) -> bytes:
    return json.dumps({"v": PROTOCOL_VERSION, "open": list(paths)},
                      ensure_ascii=False).encode("utf-8") + b"\n"


def decode_request(line: bytes) -> list[str] | None:
    """The paths of a request line, or None if the line is not a request we understand."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict) or message.get("v") != PROTOCOL_VERSION:
        return None
    paths = message.get("open")
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        return None
    return paths


def _allow_foreground() -> None:
    """Windows only lets the foreground process raise windows: pass that right on."""
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
        except (AttributeError, OSError):
            pass


def send_request(name: str, paths: Sequence[str], timeout_ms: int = REPLY_TIMEOUT_MS) -> bool:
    """Send paths to the server `name`; True once it has answered that it took them."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    try:
        if paths:
            _allow_foreground()
        socket.write(encode_request(paths))
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while not reply.endswith(b"\n"):
            if not socket.bytesAvailable() and not socket.waitForReadyRead(timeout_ms):
                return False
            reply += bytes(socket.readAll().data())
            if len(reply) > MAX_MESSAGE:
                return False
        return reply.strip() == b"ok"
    finally:
        socket.abort()


class _ClientConnection(QObject):
    """Reads one request line from a connected client and answers it."""

    def __init__(self, socket: QLocalSocket, on_paths: Callable[[list[str]], None],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.socket = socket
        self.on_paths = on_paths
        self.buffer = b""
        socket.setParent(self)
        socket.readyRead.connect(self._read)
        socket.disconnected.connect(self.deleteLater)
        self._read()

    def _read(self) -> None:
        self.buffer += bytes(self.socket.readAll().data())
        if b"\n" not in self.buffer:
            if len(self.buffer) > MAX_MESSAGE:
                log.warning("single instance: oversized request dropped")
                self.socket.abort()
            return
        line = self.buffer.split(b"\n", 1)[0]
        paths = decode_request(line)
        if paths is None:
            log.warning("single instance: malformed request dropped")
            self.socket.abort()
            return
        self.socket.write(b"ok\n")
        self.socket.flush()
        self.socket.disconnectFromServer()
        if paths:
            self.on_paths(paths)


class SingleInstance(QObject):
    """The per-user server of the running program, and the client side of later starts.

    In the program's start-up:

        instance = SingleInstance()
        if file and instance.hand_over(Path(file)):
            return 0                         # the running program took it
        ...
        instance.serve(manager)              # later starts hand their files to us
    """

    files_received = Signal(object)  # list[Path], in the order they were sent

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server: QLocalServer | None = None
        self._lock = QLockFile(QDir(QDir.tempPath()).filePath(f"{self.name}.lock"))
        self._lock.setStaleLockTime(10_000)

    # ---- a later start ------------------------------------------------------------------

    def hand_over(self, *files: Path) -> bool:
        """Give the files to the program already running; False if none answers."""
        paths = [str(Path(f).resolve()) for f in files]
        with _Locked(self._lock):
            return send_request(self.name, paths)

    # ---- the running program ------------------------------------------------------------

    def listen(self) -> bool:
        """Start answering later starts, unless another program already does."""
        if self.server is not None:
            return True
        with _Locked(self._lock):
            if send_request(self.name, [], CONNECT_TIMEOUT_MS):
                return False  # a live program answers under this name
            # No one answers: what is left under the name is a socket of a program that
            # crashed (Unix keeps the file), so it is removed before listening.
            QLocalServer.removeServer(self.name)
            server = QLocalServer(self)
            server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            if not server.listen(self.name):
                log.warning("single instance: cannot listen on %s: %s", self.name,
                            server.errorString())
                server.deleteLater()
                return False
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def serve(self, manager: object) -> bool:
        """Listen, and open each received file through the window manager (or raise the
        window that already shows it)."""
        def open_all(files: list[Path]) -> None:
            for file in files:
                show_file(manager, file)

        self.files_received.connect(open_all)
        return self.listen()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            _ClientConnection(socket, self._received, self)

    def _received(self, paths: list[str]) -> None:
        # Windows open from the event loop, not inside the socket's signal handler: opening
        # may show a message box, and its nested event loop must not run in there.
        files = [Path(p) for p in paths]
        QTimer.singleShot(0, self, lambda: self.files_received.emit(files))


class _Locked:
    """Hold a QLockFile for a `with` block; go ahead without it if it cannot be had
    (a read-only temp folder must not stop the program from starting)."""

    def __init__(self, lock: QLockFile) -> None:
        self.lock = lock
        self.held = False

    def __enter__(self) -> _Locked:
        self.held = self.lock.tryLock(LOCK_TIMEOUT_MS)
        if not self.held:
            log.info("single instance: lock file unavailable (%s)", self.lock.error())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.lock.unlock()


def window_path(window: QWidget) -> Path | None:
    """The work file a window shows, if any."""
    session = getattr(window, "session", None)
    try:
        path = getattr(session, "path", None)
    except RuntimeError:  # still opening
        return None
    return Path(path).resolve() if path else None


def show_file(manager: object, file: Path) -> QWidget | None:
    """Raise the window that shows `file`, or open it in a new one."""
    target = Path(file).resolve()
    windows = list(getattr(manager, "windows", []))
    for window in windows:
        if window_path(window) == target or _requested.get(window) == target:
            bring_to_front(window)
            return window
    open_file = getattr(manager, "open_file", None)
    if not callable(open_file):
        return None
    window = open_file(target)
    if isinstance(window, QWidget):
        _requested[window] = target
        bring_to_front(window)
    return window


def bring_to_front(window: QWidget) -> None:
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
