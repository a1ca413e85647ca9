"""One FamGuard per user (and data folder): a second launch hands its famguard:// link, if any, to
the running app, which raises its window, instead of opening a second app on the same local
database.

The first launch takes a QLockFile in the user's private runtime folder before its window
exists (QtCore only, so the first paint pays ~nothing for it) and starts listening on a
QLocalServer, readable by this user only, after the first paint. A later launch finds the lock
held, connects (retrying for a few seconds, since the first one may not be listening yet), sends
one JSON line and waits for "ok". A lock left by a crashed FamGuard is stale (its process is
gone): QLockFile takes it over, and the new listener removes the dead socket.

The channel's name is derived from the user and FAMGUARD_DATA_DIR, so two users, or a test's
private data folder, never meet."""

from __future__ import annotations

import logging
import os
import sys
import time
import zlib

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, Signal

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096  # one link and a flag; a stranger's socket cannot make the app read more
HANDOVER_TIMEOUT_S = 8.0  # the running app may still be starting (it listens after its first paint)


def _user() -> str:
    # The environment first, as getpass does, without importing it (and termios) before the window.
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name (a bare container): the uid or the home folder still separates users
        return str(os.getuid()) if hasattr(os, "getuid") else os.path.expanduser("~")


def channel_name() -> str:
    """The per-user (and per data folder) name of the lock and the local socket. A checksum, not a
    secret: it only keeps the names short and free of path characters (hashlib would cost the
    first paint ~15 ms of OpenSSL loading)."""
    scope = f"{_user()}\0{os.environ.get('FAMGUARD_DATA_DIR', '')}"
    return f"famguard-{zlib.crc32(scope.encode()):08x}"


def _runtime_dir() -> str:
    # $XDG_RUNTIME_DIR on Linux (private to the user); Qt makes a private one when it is unset.
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return folder or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation)


def _server_name(name: str) -> str:
    # On Unix a full path keeps the socket in the private folder; Windows pipes are names only.
    return name if sys.platform == "win32" else os.path.join(_runtime_dir(), name + ".socket")


class AnotherInstanceNotAnswering(Exception):
    """The lock is held by a live FamGuard that did not take the message."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"FamGuard is already running ({who}) but does not answer. Close it (or end it in your "
            "system's task manager) and start FamGuard again."
        )


class SingleInstance(QObject):
    """Held by the first launch for its lifetime. `message_received(link)` fires on the GUI thread
    when a later launch hands over; `link` is "" when it had none."""

    message_received = Signal(str)

    def __init__(self, name: str, lock: QLockFile) -> None:
        super().__init__()
        self.name = name
        self._lock = lock
        self._server: object | None = None  # a QLocalServer once listening

    @classmethod
    def claim(cls, name: str | None = None) -> SingleInstance | None:
        """This launch's claim on being the one FamGuard, or None when another one holds it."""
        name = name or channel_name()
        lock = QLockFile(os.path.join(_runtime_dir(), name + ".lock"))
        lock.setStaleLockTime(0)  # never stale by age (a FamGuard runs for days): only when its process is gone
        if lock.tryLock(0):
            return cls(name, lock)
        return None

    def listen(self) -> None:
        """Accept hand-overs from later launches (called after the first paint)."""
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        address = _server_name(self.name)
        QLocalServer.removeServer(address)  # we hold the lock: any socket there is a crashed one's
        if not server.listen(address):
            log.warning("Cannot listen for other launches of FamGuard: %s", server.errorString())
            return
        server.newConnection.connect(lambda: self._accept(server))
        self._server = server
        log.info("Listening for other launches of FamGuard")

    def _accept(self, server: object) -> None:
        from PySide6.QtNetwork import QLocalServer, QLocalSocket

        assert isinstance(server, QLocalServer)
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            if isinstance(socket, QLocalSocket):
                socket.readyRead.connect(lambda s=socket: self._read(s))
                socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: object) -> None:
        import json

        from PySide6.QtNetwork import QLocalSocket

        assert isinstance(socket, QLocalSocket)
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE_BYTES:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_MESSAGE_BYTES).data())
        try:
            message = json.loads(line)
            if not isinstance(message, dict):  # [], "str", null: a Python traceback each, unanswered
                raise ValueError("not an object")
            link = message.get("link") or ""
            if not isinstance(link, str):
                raise ValueError("link is not a string")
        except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
            log.warning("Ignored a malformed message from another launch of FamGuard")
            socket.abort()
            return
        # Said before the answer: once the other launch has its "ok" it exits, and whoever started
        # it may end this one at once (the tests do), which would lose a line logged after.
        log.info("Another launch of FamGuard handed over%s", " a link" if link else "")
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        self.message_received.emit(link)

    def release(self) -> None:
        if self._server is not None:
            self._server.close()  # type: ignore[attr-defined]
            self._server = None
        self._lock.unlock()


def hand_over(link: str | None, name: str | None = None, timeout_s: float = HANDOVER_TIMEOUT_S) -> None:
    """Give `link` to the running FamGuard and ask it to raise its window. Blocks (there is no
    window yet). Raises AnotherInstanceNotAnswering when it does not take the message in time."""
    import json

    from PySide6.QtNetwork import QLocalSocket

    name = name or channel_name()
    address = _server_name(name)
    payload = json.dumps({"link": link or ""}).encode() + b"\n"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        socket = QLocalSocket()
        socket.connectToServer(address)
        if socket.waitForConnected(500):
            socket.write(payload)
            socket.waitForBytesWritten(1000)
            wait_ms = int(max(0.1, deadline - time.monotonic()) * 1000)
            while not socket.canReadLine() and socket.waitForReadyRead(wait_ms):
                pass
            answer = bytes(socket.readLine(16).data()) if socket.canReadLine() else b""
            socket.abort()
            if answer.strip() == b"ok":
                return
        time.sleep(0.2)  # not listening yet (still before its first paint), or busy: try again
    lock = QLockFile(os.path.join(_runtime_dir(), name + ".lock"))
    pid = lock.getLockInfo()[0]  # PySide6 gives (pid, host, app); pid 0 when there is no lock
    raise AnotherInstanceNotAnswering(pid if isinstance(pid, int) and pid > 0 else None)
