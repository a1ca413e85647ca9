"""A throw-away PostgreSQL cluster in a temporary directory (the server programs of the machine,
run as the `postgres` system user when we are root, because PostgreSQL refuses root), and fresh
empty databases on it. Used by the PostgreSQL tests and by the benchmarks."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


def pg_bin() -> Path | None:
    """The directory of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(directory, "initdb").exists() and Path(directory, "pg_ctl").exists():
            return Path(directory)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _as_postgres(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root; as root, run it as the `postgres` system user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@contextmanager
def throwaway_cluster(max_connections: int = 100) -> Iterator[str]:
    """Start a cluster on 127.0.0.1:<free port>; yields its SQLAlchemy URL without a database
    name (append "/NAME", see `fresh_database`). Stopped and deleted afterwards."""
    binaries = pg_bin()
    assert binaries is not None, "PostgreSQL's initdb/pg_ctl are not installed"
    directory = Path(tempfile.mkdtemp(prefix="famguard-pg-"))
    directory.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = directory / "data"
    subprocess.run(
        _as_postgres(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
        check=True,
        capture_output=True,
        timeout=120,
    )
    # The server's output goes to a log file: a pipe would stay open as long as it runs.
    subprocess.run(
        _as_postgres(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "server.log"),
            "-o",
            f"-k {directory} -h 127.0.0.1 -p {port} -c max_connections={max_connections}",
            "-w",
            "start",
        ),
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
        shutil.rmtree(directory, ignore_errors=True)


_numbers = itertools.count(1)


def fresh_database(cluster_url: str) -> str:
    """A new, empty database on the cluster; returns its URL."""
    name = f"famguard_{os.getpid()}_{next(_numbers)}"
    admin = create_engine(f"{cluster_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{cluster_url}/{name}"
