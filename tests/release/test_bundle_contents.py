"""What the built bundle (dist/famguard/, from `python packaging/build.py`) carries and leaves
out, and what only a bundle can show. .ci/run builds it before the tests and sets
FAMGUARD_REQUIRE_PACKAGING_TOOLS=1, so there a missing bundle fails; elsewhere these tests skip
until the bundle is built."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from famguard import __version__, identity
from tests.release.support import ROOT, load
from tests.release.test_resources import checkout_files

BUNDLE = ROOT / "dist" / "famguard"


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not (BUNDLE / "famguard").is_file():
        if os.environ.get("FAMGUARD_REQUIRE_PACKAGING_TOOLS") == "1":
            pytest.fail(f"{BUNDLE} was not built (python packaging/build.py)")
        pytest.skip("build the bundle first: python packaging/build.py")
    return BUNDLE


def test_the_bundle_prints_the_one_version(bundle: Path) -> None:
    result = subprocess.run([str(bundle / "famguard"), "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, f"FamGuard {__version__}\n")


def test_the_bundle_carries_every_resource_where_the_app_looks(bundle: Path) -> None:
    base = bundle / "_internal" / "famguard" / "_resources"
    assert sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()) == checkout_files()


def test_the_bundle_leaves_out_what_the_app_does_not_use(bundle: Path) -> None:
    internal = bundle / "_internal"
    names = {p.name for p in internal.rglob("*")}
    unwanted = {"pytest", "_pytest", "hypothesis", "schemathesis", "mypy", "keyrings", "psycopg", "tkinter", "yaml"}
    assert not (names & unwanted)
    qt_libraries = {name for name in names if name.startswith("libQt6")}
    for module in ("WebEngine", "Qml", "Quick", "Pdf", "Multimedia", "Charts"):
        assert not [name for name in qt_libraries if name.startswith(f"libQt6{module}")], module


def test_the_bundle_has_the_desktop_integration_and_the_archive(bundle: Path) -> None:
    share = bundle / "share"
    assert (share / "applications" / f"{identity.APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{identity.APP_ID}.metainfo.xml").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{identity.APP_ID}.png").is_file()
    assert os.access(bundle / "install.sh", os.X_OK)
    archive = ROOT / "dist" / load("build").archive_name()
    with tarfile.open(archive) as packed:
        member = packed.getmember("famguard/famguard")
        assert member.isfile() and member.mode & 0o111
        assert "famguard/install.sh" in packed.getnames()


@pytest.mark.skipif(sys.platform != "linux", reason="other users read a command line through Linux's /proc")
def test_the_bundle_keeps_a_link_it_was_started_with_out_of_its_command_line(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """famguard.cmdline in the bundle (tests/ui/test_link_hidden_from_others.py has the rest): the
    process the desktop starts is the one that runs the app, and other users read nothing of the
    link from it once it is up."""
    from famguard.instance import _server_name, channel_name

    monkeypatch.setenv("FAMGUARD_DATA_DIR", str(tmp_path / "data"))
    program = str(bundle / "famguard")
    app = subprocess.Popen(
        [program, "famguard://pair?code=K7MQ-2XRT"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        listening = Path(_server_name(channel_name()))  # after its first paint, when the link was opened
        deadline = time.monotonic() + 60
        while not listening.exists():
            assert app.poll() is None, f"the bundle ended ({app.returncode})"
            assert time.monotonic() < deadline, "the bundle did not start listening for other launches"
            time.sleep(0.1)
        arguments = [part for part in Path(f"/proc/{app.pid}/cmdline").read_bytes().split(b"\0") if part]
        assert arguments == [os.fsencode(program), b"famguard://"]
    finally:
        app.terminate()
        app.wait(timeout=30)
