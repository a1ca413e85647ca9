"""resources/ is found the same way from a checkout and from a wheel installed into a clean venv,
every file under it is found (not a fixed list), and the sdist carries it too."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from famguard import resources

ROOT = Path(__file__).resolve().parents[2]
# What a wheel and an sdist are built from (copied, so that building writes nothing into the checkout).
SOURCES = ("famguard", "resources", "packaging", "setup.py", "pyproject.toml", "README.md", "MANIFEST.in")


def checkout_files() -> list[str]:
    base = ROOT / "resources"
    return sorted(
        p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )


def test_a_checkout_finds_every_file_under_resources() -> None:
    assert resources.root() == ROOT / "resources"
    assert resources.all_files() == checkout_files()
    assert resources.ICON in resources.all_files()
    assert resources.problems() == []
    assert resources.path(resources.ICON).read_bytes().startswith(b"<?xml")


def test_a_missing_resource_is_a_clear_error_and_a_listed_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "resources"
    (fake / "styles").mkdir(parents=True)
    (fake / "styles" / "empty.qss").write_bytes(b"")
    monkeypatch.setattr(resources, "_candidates", lambda: (tmp_path / "nowhere", fake))
    with pytest.raises(resources.ResourceMissing) as missing:
        resources.path(resources.ICON)
    assert "icons/famguard.svg" in missing.value.message and "Reinstall" in missing.value.message
    assert resources.problems() == ["missing: icons/famguard.svg", "missing: hotlines.json", "empty: styles/empty.qss"]
    monkeypatch.setattr(resources, "_candidates", lambda: (tmp_path / "nowhere", tmp_path / "neither"))
    assert "were not found" in resources.problems()[0]


def _copy_sources(target: Path) -> Path:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def _build(kind: str, source: Path, out: Path) -> Path:
    """A wheel or sdist built with setuptools' own backend, without build isolation (no network)."""
    code = f"from setuptools import build_meta; print(build_meta.build_{kind}({str(out)!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=source, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_wheel_installed_into_a_clean_venv_finds_every_resource(tmp_path: Path) -> None:
    source = _copy_sources(tmp_path / "src")
    (source / "resources" / "extra" / "deep").mkdir(parents=True)
    (source / "resources" / "extra" / "deep" / "hotlines.json").write_text('{"GB": "IWF"}')  # a future resource
    wheel = _build("wheel", source, tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        str(wheel),
    ]
    subprocess.run(install, check=True, timeout=300, capture_output=True)
    probe = "import json, famguard.resources as r; print(json.dumps([str(r.root()), r.all_files(), r.problems()]))"
    result = subprocess.run(
        [str(python), "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    root, files, problems = json.loads(result.stdout)
    assert Path(root).is_relative_to(venv) and Path(root).parts[-2:] == ("famguard", "_resources")
    assert files == sorted([*checkout_files(), "extra/deep/hotlines.json"])
    assert problems == []


@pytest.mark.slow
def test_the_sdist_carries_resources_and_the_packaging_files(tmp_path: Path) -> None:
    source = _copy_sources(tmp_path / "src")
    sdist = _build("sdist", source, tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"resources/{name}" for name in checkout_files()} <= names
    assert "packaging/build.py" in names and "setup.py" in names
    with zipfile.ZipFile(_build("wheel", source, tmp_path / "wheel")) as wheel:
        assert not [n for n in wheel.namelist() if n.startswith(("tests/", "packaging/"))]
