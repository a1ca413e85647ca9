"""The database connection: engine settings per backend (SQLite in WAL mode, PostgreSQL through
psycopg 3), the schema at start (created at once on an empty database, else Alembic's upgrade),
and read/write transactions. SQLite write transactions start with BEGIN IMMEDIATE so that
concurrent writers queue on the busy timeout instead of failing when a read transaction tries to
become a write. On PostgreSQL, also the
plain psycopg connections of the fast paths (`PostgresDirect`)."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from famguard.server.write_turns import WriteTurns

T = TypeVar("T")
log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_WRITE_OPTION = "famguard_write"
# SQLite allows one writer at a time. Writers of this process queue for it in the order they ask
# (write_turns.py) instead of polling SQLite's busy handler, which sleeps in growing steps and
# makes tail latency under concurrent writes seconds long. Other processes still meet the busy
# timeout.
_SQLITE_WRITE_LOCKS: dict[str, WriteTurns] = {}
_LOCKS_GUARD = threading.Lock()
POSTGRES_POOL_SIZE = 40


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url)
    from famguard.server.models import add_postgresql_options

    add_postgresql_options()
    # As many pooled connections as the worker threads that run requests (anyio's default of
    # 40): with fewer, connections above the pool's size were closed on their way back and opened
    # again for the next request — a new PostgreSQL backend process for many requests under load.
    return create_engine(database_url, pool_size=POSTGRES_POOL_SIZE, max_overflow=10, pool_pre_ping=True)


def _private_database_file(database_url: str) -> None:
    """A new SQLite database is created readable by its owner only (its -wal and -shm files take
    the database file's mode): it holds password hashes, emails and teens' birth dates, and under
    the usual umask it was created readable by every user of the computer. An existing file keeps
    the mode its owner gave it; one that others can read is said in the log at every start."""
    import os

    from famguard.paths import private_file

    name = make_url(database_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    # Not made (no such folder, no permission): SQLite says so in its own words at its first connection.
    if not private_file(Path(name)) and os.path.exists(name) and os.stat(name).st_mode & 0o077:
        log.warning("The database %s can be read by other users of this computer: chmod 600 it", name)


def _sqlite_engine(database_url: str) -> Engine:
    _private_database_file(database_url)
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=20,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the sqlite3 module, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against an application crash in WAL mode and much faster than FULL.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema with the migrations shipped in this package. An empty
    database is given the newest schema at once (`create_head_schema`): running the migrations
    one after another on a fresh file cost ~0.25 s plus ~0.2 s to import Alembic, at every start
    of the demo and of each test's server; existing databases still migrate."""
    if revision in ("head", HEAD_REVISION) and create_head_schema(engine):
        return
    run_migrations(engine, revision)


def run_migrations(engine: Engine, revision: str = "head") -> None:
    """Alembic's upgrade to `revision`, whatever the database holds (the tests of the migrations
    themselves call it on empty databases too)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


# The newest revision in migrations/versions (a test checks it against Alembic's own head).
HEAD_REVISION = "0010"


def create_head_schema(engine: Engine) -> bool:
    """If the database has no tables, create the newest schema from the declarations in
    models.py and stamp it HEAD_REVISION, as Alembic would (its version table included), in one
    transaction, and say True; True as well for a database stamped HEAD_REVISION already (a
    restart: Alembic would find nothing to do). False, touching nothing, for anything else. A test proves the
    result identical to the migrated schema (tables, columns, indexes, keys) on SQLite and
    PostgreSQL, so a fresh database is the same whichever way it came to be."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect

    from famguard.server.models import Base

    # BEGIN IMMEDIATE on SQLite: a second process starting on the same new file waits here, then
    # finds the tables and leaves them alone.
    with engine.execution_options(**{_WRITE_OPTION: True}).begin() as connection:
        tables = inspect(connection).get_table_names()
        if "alembic_version" in tables:
            stamped = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
            return stamped == [HEAD_REVISION]  # up to date already: nothing for Alembic to do
        if tables:
            return False
        Base.metadata.create_all(connection, checkfirst=False)  # empty: no need to ask table by table
        version = Table(
            "alembic_version",
            MetaData(),
            Column("version_num", String(32), nullable=False),
            PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
        )
        version.create(connection)
        connection.execute(version.insert().values(version_num=HEAD_REVISION))
    return True


class PostgresDirect:
    """PostgreSQL connections of the fast paths (fastpath_pg.py): psycopg 3 connections in
    autocommit mode, one per thread of a small executor of their own, so a point read is one round
    trip (no BEGIN, no COMMIT, no ORM session, no pool check-out ping) and a change is BEGIN, its
    statements and COMMIT. A few threads keep the database busy while the event loop goes on;
    more would only contend for the GIL (each request's Python work is a fraction of its wait)."""

    THREADS = 8

    def __init__(self, engine: Engine):
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._executor = ThreadPoolExecutor(self.THREADS, thread_name_prefix="famguard-pg")
        self._local = threading.local()
        self._open: list[Any] = []
        self._guard = threading.Lock()
        self._closed = False

    def _connection(self) -> Any:  # noqa: ANN401 - psycopg.Connection, imported lazily
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            import psycopg

            connection = psycopg.connect(self._conninfo, autocommit=True)
            with self._guard:
                if self._closed:
                    connection.close()
                    raise RuntimeError("the database was disposed")
                self._open.append(connection)
            self._local.connection = connection
        return connection

    def _call(self, work: Callable[[Any], T]) -> T:
        connection = self._connection()
        try:
            return work(connection)
        except BaseException:
            if connection.broken:  # a lost connection: the next call of this thread opens another
                self._local.connection = None
            raise

    async def run(self, work: Callable[[Any], T]) -> T:
        """`work(connection)` in one of the threads; its result (or its exception)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._call, work)

    def dispose(self) -> None:
        with self._guard:
            self._closed = True
            connections, self._open = self._open, []
        self._executor.shutdown(wait=False, cancel_futures=True)
        for connection in connections:
            connection.close()


class Database:
    """The engine and session factories of one running service."""

    def __init__(
        self,
        engine: Engine,
        after_commit: Callable[[], None] | None = None,
        announce: Callable[[list[int]], None] | None = None,
    ):
        """`after_commit`: called after a write session's commit that wrote events; `announce`
        (PostgreSQL): called with the ids of the events any session's commit wrote."""
        self.engine = engine
        self.is_postgres = engine.dialect.name == "postgresql"
        self.is_sqlite = engine.dialect.name == "sqlite"
        # This backend's INSERT with ON CONFLICT, its dialect imported for the backend in use only:
        # the PostgreSQL dialect is ~40 ms of imports that a SQLite service (the demo's) never needs.
        self.insert: Callable[..., Any] = importlib.import_module(
            "sqlalchemy.dialects.postgresql" if self.is_postgres else "sqlalchemy.dialects.sqlite"
        ).insert
        self._write_lock: WriteTurns | None = None
        if self.is_sqlite:
            with _LOCKS_GUARD:
                self._write_lock = _SQLITE_WRITE_LOCKS.setdefault(str(engine.url), WriteTurns())
        self._reads = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        self._writes = sessionmaker(
            bind=engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False, autoflush=False
        )
        self._after_commit = after_commit
        self._fast_writer: sqlite3.Connection | None = None
        # inline_query's connections: one per thread that asks (the event loop's, in practice).
        self._inline = threading.local()
        self._inline_connections: list[sqlite3.Connection] = []
        self._checkpoints = threading.Event()
        self._direct: PostgresDirect | None = None
        if after_commit is not None:
            hook = after_commit

            def _after_commit(session: Session) -> None:
                if session.info.pop("notify", False):
                    hook()

            event.listen(self._writes, "after_commit", _after_commit)
        if announce is not None:
            tell = announce

            def _announce(session: Session) -> None:
                ids = session.info.pop("event_ids", None)
                if ids:
                    tell(ids)

            event.listen(self._writes, "after_commit", _announce)
            event.listen(self._reads, "after_commit", _announce)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits when the block ends without an exception."""
        lock: AbstractContextManager[None] = self._write_lock or nullcontext()
        with lock, self._writes() as session, session.begin():
            yield session

    def inline_rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of a small read-only statement on SQLite, as `inline_query` runs one."""
        connection = self._inline_connection()
        if connection is None:
            return self._pooled(sql, params, many=True)
        cursor = connection.cursor()
        try:
            return list(cursor.execute(sql, params).fetchall())
        finally:
            cursor.close()

    def inline_query(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """One row of a read-only statement on SQLite, cheap enough to run on the event loop (a
        point lookup takes tens of microseconds). It runs on a connection of the calling thread's
        own, in autocommit mode, so the statement is its own read transaction: the pool's
        checkout and the rollback at its return cost five times the lookup (~75 us against
        ~15 us). Values come back raw: text for datetimes and dates."""
        connection = self._inline_connection()
        if connection is None:
            return self._pooled(sql, params, many=False)
        cursor = connection.cursor()
        try:
            row: tuple[Any, ...] | None = cursor.execute(sql, params).fetchone()
            return row
        finally:
            cursor.close()

    def _inline_connection(self) -> sqlite3.Connection | None:
        """The calling thread's read connection (None for an in-memory database, which only the
        pool's connections share)."""
        connection: sqlite3.Connection | None = getattr(self._inline, "connection", None)
        if connection is None:
            path = self.engine.url.database
            if not path or path == ":memory:":
                return None
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout=30000")  # as the pool's connections
            self._inline.connection = connection
            with _LOCKS_GUARD:
                self._inline_connections.append(connection)
        return connection

    def _pooled(self, sql: str, params: dict[str, Any], *, many: bool) -> Any:  # noqa: ANN401 - rows or a row
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                result = cursor.execute(sql, params)
                return list(result.fetchall()) if many else result.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool

    @property
    def write_turns(self) -> WriteTurns:
        """SQLite only: this process's queue for the write lock, which the event loop's fast write
        takes its turn in before `try_write_now`."""
        assert self._write_lock is not None, "only on SQLite"
        return self._write_lock

    @contextmanager
    def try_write_now(self) -> Iterator[sqlite3.Connection | None]:
        """SQLite only, for the event loop holding this process's turn to write (`write_turns`;
        the caller gives it back): a raw connection inside BEGIN IMMEDIATE if no other process is
        writing this instant, else None — never a wait. The block commits when it ends without an
        exception and rolls back otherwise; a commit that wrote events must be followed by
        `announce_events()`."""
        connection = self._fast_writer or self._open_fast_writer()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # another process is writing (busy_timeout 0)
            yield None
            return
        try:
            yield connection
            connection.commit()
        except BaseException:
            if connection.in_transaction:  # never leave the connection inside a transaction
                connection.rollback()
            raise

    def _open_fast_writer(self) -> sqlite3.Connection:
        # One connection, used only under the write lock; configured like the pool's, except
        # that it never waits for another process's write (the route waits instead) and leaves
        # checkpoints, which fsync, to a thread instead of making a commit on the loop wait.
        path = self.engine.url.database or ""
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=0"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("PRAGMA wal_autocheckpoint=0")
        self._fast_writer = connection
        self._checkpoints = threading.Event()
        threading.Thread(target=self._checkpointer, args=(path,), name="famguard-checkpoint", daemon=True).start()
        return connection

    def _checkpointer(self, path: str) -> None:
        """What SQLite's automatic checkpoint would do after a fast write (the WAL back into the
        database once it passes ~1000 pages), in this thread, twice a second."""
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout=1000")
        try:
            while not self._checkpoints.wait(0.5):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    continue  # busy or going away: the next round tries again
        finally:
            connection.close()

    def announce_events(self) -> None:
        """Tells the waiting long polls that a commit outside a session wrote events."""
        if self._after_commit is not None:
            self._after_commit()

    @property
    def direct(self) -> PostgresDirect:
        """PostgreSQL only: the fast paths' connections (made on first use)."""
        assert self.is_postgres, "only on PostgreSQL"
        if self._direct is None:
            self._direct = PostgresDirect(self.engine)
        return self._direct

    def dispose(self) -> None:
        with _LOCKS_GUARD:
            inline, self._inline_connections = self._inline_connections, []
        for connection in inline:
            connection.close()
        self._inline = threading.local()
        if self._direct is not None:
            self._direct.dispose()
            self._direct = None
        if self._fast_writer is not None:
            self._checkpoints.set()
            self._fast_writer.close()
            self._fast_writer = None
        self.engine.dispose()
