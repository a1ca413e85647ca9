"""The tarball's install.sh puts the bundle, the desktop file, the metainfo and the icons into
~/.local for one user, and --uninstall takes them away again. Run on a folder laid out exactly as
packaging/build.py lays out dist/famguard/ (with a stand-in for the 230 MB PyInstaller bundle)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from famguard import identity
from tests.release.support import load
from tests.release.test_desktop_files import desktop_entry


def test_install_and_uninstall_into_local(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build = load("build")
    build.render_assets(tmp_path / "assets")
    bundle = tmp_path / "unpacked" / "famguard"
    bundle.mkdir(parents=True)
    (bundle / "famguard").write_text('#!/bin/sh\necho FamGuard stand-in "$@"\n')
    (bundle / "famguard").chmod(0o755)
    build.stage_linux(bundle, tmp_path / "assets")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "FAMGUARD_PREFIX")} | {"HOME": str(home)}

    result = subprocess.run(["sh", str(bundle / "install.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "FamGuard is installed" in result.stdout
    local = home / ".local"
    installed = local / "lib" / "famguard" / "famguard"
    assert subprocess.run([str(local / "bin" / "famguard"), "--version"], capture_output=True, text=True).stdout == (
        "FamGuard stand-in --version\n"
    )
    entry = desktop_entry(local / "share" / "applications" / f"{identity.APP_ID}.desktop")
    assert entry["Exec"] == f'"{installed}" %u' and entry["MimeType"] == "x-scheme-handler/famguard;"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(local / "share" / "applications" / f"{identity.APP_ID}.desktop")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout
    assert (local / "share" / "metainfo" / f"{identity.APP_ID}.metainfo.xml").is_file()
    for size in ("16x16", "48x48", "512x512"):
        assert (local / "share" / "icons" / "hicolor" / size / "apps" / f"{identity.APP_ID}.png").is_file()
    assert (local / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{identity.APP_ID}.svg").is_file()

    removed = subprocess.run(
        ["sh", str(installed.parent / "install.sh"), "--uninstall"], env=env, capture_output=True, text=True, timeout=60
    )
    assert removed.returncode == 0, removed.stderr
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and identity.APP_ID in p.name)
    assert left == [] and not (local / "lib" / "famguard").exists() and not (local / "bin" / "famguard").exists()


def test_install_refuses_to_run_outside_the_unpacked_folder(tmp_path: Path) -> None:
    build = load("build")
    script = tmp_path / "install.sh"
    shutil.copy2(build.LINUX / "install.sh", script)
    result = subprocess.run(
        ["sh", str(script)], env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "unpacked FamGuard folder" in result.stderr
    assert not (tmp_path / ".local").exists()
