"""What the built bundle (dist/famguard/, from `python packaging/build.py`) carries and leaves
out. .ci/run builds it before the tests and sets FAMGUARD_REQUIRE_PACKAGING_TOOLS=1, so there a
missing bundle fails; elsewhere these tests skip until the bundle is built."""

from __future__ import annotations

import os
import subprocess
import tarfile
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
