"""Build FamGuard's bundle for this platform: `pip install '.[package]' && python packaging/build.py`.

1. Renders the icons from resources/icons/famguard.svg into build/assets/ (hicolor PNGs, .ico,
   .icns) and writes the Windows version resource, all from famguard.__version__ (the one place
   the version is declared).
2. Runs PyInstaller with packaging/famguard.spec: dist/famguard/ (dist/FamGuard.app on macOS).
3. Linux: adds share/ (desktop file, AppStream metainfo, hicolor icons) and install.sh to
   dist/famguard/. Windows: compiles the Inno Setup installer when `iscc` is on the PATH.
4. Archives the bundle as dist/famguard-VERSION-OS-ARCH.tar.gz.

packaging/README.md says what a release engineer does on each platform."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The checkout's famguard, and icons.py beside this file. (packaging/ has no __init__.py on
# purpose: it must never shadow the `packaging` library that pip and PyInstaller import.)
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import icons  # noqa: E402

from famguard import __version__, identity  # noqa: E402

ASSETS = ROOT / "build" / "assets"
DIST = ROOT / "dist"
LINUX = ROOT / "packaging" / "linux"
WINDOWS = ROOT / "packaging" / "windows"


def os_name() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def archive_name() -> str:
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"famguard-{__version__}-{os_name()}-{machine}.tar.gz"


def windows_version_resource() -> str:
    """PyInstaller's text form of the Windows VERSIONINFO resource."""
    numbers = [int(part) for part in __version__.split(".")[:3] if part.isdigit()]
    four = tuple((numbers + [0, 0, 0, 0])[:4])
    strings = {
        "CompanyName": identity.ORGANISATION,
        "FileDescription": identity.APP_NAME,
        "FileVersion": __version__,
        "InternalName": "famguard",
        "OriginalFilename": "famguard.exe",
        "ProductName": identity.APP_NAME,
        "ProductVersion": __version__,
    }
    entries = ",\n            ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
            {entries}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])]),
  ],
)
"""


def render_assets(target: Path = ASSETS) -> None:
    shutil.rmtree(target, ignore_errors=True)
    icons.write_hicolor(target / "icons", identity.APP_ID)
    icons.write_ico(target / "icons" / "famguard.ico")
    icons.write_icns(target / "icons" / "famguard.icns")
    (target / "windows-version.txt").write_text(windows_version_resource(), encoding="utf-8")


def run_pyinstaller() -> None:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
        str(ROOT / "packaging" / "famguard.spec"),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)


def stage_linux(bundle: Path, assets: Path = ASSETS) -> None:
    """The files the tarball's install.sh puts into ~/.local, laid out as in /usr."""
    share = bundle / "share"
    shutil.rmtree(share, ignore_errors=True)
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir(parents=True)
    shutil.copy2(LINUX / f"{identity.APP_ID}.desktop", share / "applications")
    shutil.copy2(LINUX / f"{identity.APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(assets / "icons" / "hicolor", share / "icons" / "hicolor")
    shutil.copy2(LINUX / "install.sh", bundle / "install.sh")
    (bundle / "install.sh").chmod(0o755)


def build_installer(bundle: Path) -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        print("Inno Setup's iscc is not on the PATH: no installer built (see packaging/README.md).")
        return None
    subprocess.run(
        [iscc, f"/DAppVersion={__version__}", f"/DSourceDir={bundle}", f"/DOutputDir={DIST}",
         f"/DIconFile={ASSETS / 'icons' / 'famguard.ico'}", str(WINDOWS / "famguard.iss")],
        check=True,
    )  # fmt: skip
    return DIST / f"famguard-{__version__}-setup.exe"


def make_archive(source: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(source, arcname=source.name)
    return target


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz (quicker local builds)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(f"FamGuard {__version__}: rendering icons")
    render_assets()
    print("running PyInstaller")
    run_pyinstaller()
    bundle = DIST / ("FamGuard.app" if sys.platform == "darwin" else "famguard")
    if sys.platform.startswith("linux"):
        stage_linux(bundle)
    if sys.platform == "win32":
        build_installer(bundle)
    print(f"bundle: {bundle} ({folder_size(bundle) / 2**20:.0f} MiB)")
    if not args.no_archive:
        archive = make_archive(bundle, DIST / archive_name())
        print(f"archive: {archive} ({archive.stat().st_size / 2**20:.0f} MiB)")
    print(f"built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
