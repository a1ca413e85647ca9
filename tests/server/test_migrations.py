"""The schema comes from the Alembic migrations shipped in the package: they build exactly the
tables the code declares, an upgrade keeps existing data, and they run from a built wheel (not
only from this source tree)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from famguard.server.app import create_app
from famguard.server.db import HEAD_REVISION, MIGRATIONS_DIR, make_engine, run_migrations, upgrade_schema
from famguard.server.models import Base
from famguard.server.security import hash_password
from tests.support.accounts import PASSWORD, controls_of, link, make_guardian, make_teen, sign_in
from tests.support.http import Api
from tests.support.servers import FakeClock

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_build_exactly_the_declared_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    run_migrations(engine)  # the migrations themselves, not the shortcut of an empty database
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == [], "models.py and migrations/versions disagree; add a migration"


def _sqlite_schema(path: Path) -> dict[str, object]:
    """Everything SQLite knows of a database's schema: each table's and index's definition (the
    SQL with identifier quotes dropped: a table rebuilt by a batch migration is named in quotes),
    each table's columns, indexes with their columns, and foreign keys, and the stamped revision."""
    connection = sqlite3.connect(path)
    try:
        schema: dict[str, object] = {}
        objects = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
        for kind, name, table, sql in objects:
            schema[f"{kind} {name}"] = (table, _definition(sql or ""))
            if kind == "table":
                schema[f"columns {name}"] = connection.execute(f"PRAGMA table_xinfo('{name}')").fetchall()
                schema[f"foreign keys {name}"] = sorted(
                    row[1:] for row in connection.execute(f"PRAGMA foreign_key_list('{name}')")
                )
                # Without index_list's and foreign_key_list's first column: the order of creation.
                indexes = sorted(row[1:] for row in connection.execute(f"PRAGMA index_list('{name}')"))
                schema[f"indexes {name}"] = [
                    (index, connection.execute(f"PRAGMA index_xinfo('{index[0]}')").fetchall()) for index in indexes
                ]
        schema["revision"] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        return schema
    finally:
        connection.close()


def _definition(sql: str) -> tuple[str, list[str]]:
    """A CREATE statement as its head and its clauses (columns, keys, constraints) in sorted
    order: a batch migration rebuilds a table with its foreign keys in an order that varies from
    run to run, which means nothing to SQLite."""
    flat = " ".join(sql.replace('"', "").split())
    if "(" not in flat:
        return flat, []
    head, body = flat.split("(", 1)
    body = body.rsplit(")", 1)[0]
    clauses, depth, start = [], 0, 0
    for index, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            clauses.append(body[start:index].strip())
            start = index + 1
    clauses.append(body[start:].strip())
    return head.strip(), sorted(clauses)


def test_a_new_database_gets_exactly_the_schema_the_migrations_build(tmp_path: Path) -> None:
    migrated, created = tmp_path / "migrated.sqlite3", tmp_path / "created.sqlite3"
    for path, build in ((migrated, run_migrations), (created, upgrade_schema)):
        engine = make_engine(f"sqlite:///{path}")
        build(engine)
        engine.dispose()
    expected = _sqlite_schema(migrated)
    assert expected["revision"] == [(HEAD_REVISION,)]
    assert len([key for key in expected if key.startswith("table ")]) > 10  # the whole schema, not nothing
    assert _sqlite_schema(created) == expected


def test_the_head_revision_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION], (
        "a new migration: set famguard.server.db.HEAD_REVISION to its revision"
    )


def test_a_new_service_starts_without_alembic(tmp_path: Path) -> None:
    """A new database (the demo's, each test's) is created without importing Alembic or running
    a migration; a restart on it finds it up to date the same way."""
    database = tmp_path / "server.sqlite3"
    script = f"""
import sys
from famguard.server.app import create_app
for _ in range(2):
    create_app({f"sqlite:///{database}"!r}, demo=False).state.service.db.dispose()
print("alembic" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_a_database_of_an_older_revision_still_migrates(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine, "0005")
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD_REVISION
        assert connection.execute(text("SELECT count(*) FROM devices")).scalar_one() == 0  # 0006's table
    engine.dispose()


def test_upgrade_from_the_first_revision_keeps_accounts(database_url: str, clock: FakeClock) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, email, password_hash, display_name, role, birth_date, created_at) "
                "VALUES ('a1', 'early@example.com', :h, 'Early Bird', 'guardian', NULL, '2026-01-01 00:00:00')"
            ),
            {"h": hash_password(PASSWORD)},
        )
    engine.dispose()
    from fastapi.testclient import TestClient

    app = create_app(database_url, clock=clock)  # upgrades to the newest revision at start
    with TestClient(app) as client:
        api = Api(client)
        token = sign_in(api, "early@example.com")["access_token"]
        assert api.call("GET", "/v1/me", token).json()["display_name"] == "Early Bird"
        teen = make_teen(api, "Maya", 14, clock.now.date())
        early = make_guardian(api)
        early.token = token
        link(api, early, teen)  # the tables of the later revision work with the old account
    app.state.service.db.dispose()


def test_upgrade_from_the_family_revision_keeps_the_family_and_adds_receipts_and_rules(
    database_url: str, clock: FakeClock
) -> None:
    from fastapi.testclient import TestClient

    engine = make_engine(database_url)
    upgrade_schema(engine, "0002")
    engine.dispose()
    # A family made by the 0002 schema: the app of that revision had no receipts or rules.
    first = create_app(database_url, clock=clock)
    with TestClient(first) as client:
        api = Api(client)
        guardian, teen = make_guardian(api), make_teen(api, "Maya", 14, clock.now.date())
        link(api, guardian, teen)
        before = controls_of(api, guardian, teen)
    first.state.service.db.dispose()
    second = create_app(database_url, clock=clock)
    with TestClient(second) as client:
        api = Api(client)
        assert controls_of(api, guardian, teen) == before
        rule = {
            "name": "Exams",
            "starts_on": "2026-11-25",
            "ends_on": "2026-11-30",
            "controls": {"search_enabled": False},
        }
        assert api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json=rule).status_code == 201
        etag = api.call("GET", "/v1/me/controls", teen.token).headers["ETag"]
        assert api.call("POST", "/v1/me/controls/applied", teen.token, json={"etag": etag}).status_code == 204
        assert api.call("GET", f"/v1/teens/{teen.id}/phone", guardian.token).json()["up_to_date"] is True
    second.state.service.db.dispose()


@pytest.mark.both_read_paths
def test_restarting_on_an_existing_database_keeps_everything(
    database_url: str, clock: FakeClock, fast_path: bool
) -> None:
    from fastapi.testclient import TestClient

    first = create_app(database_url, clock=clock, fast_path=fast_path)
    with TestClient(first) as client:
        api = Api(client)
        guardian, teen = make_guardian(api), make_teen(api, "Maya", 14, clock.now.date())
        link(api, guardian, teen)
        before = controls_of(api, guardian, teen)
    first.state.service.db.dispose()
    second = create_app(database_url, clock=clock, fast_path=fast_path)
    with TestClient(second) as client:
        api = Api(client)
        assert controls_of(api, guardian, teen) == before
    second.state.service.db.dispose()
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD_REVISION
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()


def _offline_wheel_backend() -> bool:
    """Building offline needs a build backend with bdist_wheel (setuptools>=70.1, in the test
    extra) already installed; fetching one would need the network, which tests never use."""
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)  # the first with bdist_wheel built in


@pytest.mark.slow
@pytest.mark.skipif(
    not _offline_wheel_backend(),
    reason="setuptools>=70.1 (the test extra) is not installed, so the wheel cannot be built offline",
)
def test_a_built_wheel_ships_the_migrations_and_runs_them(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheel = next(tmp_path.glob("famguard-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for shipped in (
        "famguard/server/migrations/env.py",
        "famguard/server/migrations/script.py.mako",
        "famguard/server/migrations/versions/0001_accounts.py",
        "famguard/server/migrations/versions/0002_family.py",
        "famguard/server/migrations/versions/0003_trust.py",
        "famguard/server/migrations/versions/0004_event_recipients_by_event.py",
        "famguard/server/migrations/versions/0005_event_numbers_per_account.py",
        "famguard/server/migrations/versions/0006_devices.py",
        "famguard/server/openapi.json",
    ):
        assert shipped in names, f"{shipped} is missing from the wheel"
    # Run the installed copy, from a directory where the source tree is not importable.
    script = (
        "import famguard.server.app as a, sys; "
        "assert a.__file__.startswith(sys.argv[1]), a.__file__; "
        "app = a.create_app('sqlite:///' + sys.argv[2]); print(sorted(app.openapi()['paths'])[0])"
    )
    site = str(tmp_path / "site")
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {site!r}); exec({script!r})",
            site,
            str(tmp_path / "w.sqlite3"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/v1/accounts"
