"""Loads packaging/build.py and packaging/icons.py (scripts beside the spec, not a package: a
packaging/__init__.py would shadow the `packaging` library that pip and PyInstaller import)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"famguard_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(name: str, apt: str, *, required_by: str = "FAMGUARD_REQUIRE_PACKAGING_TOOLS") -> str:
    """The path of a command-line tool a test runs; a skip with its reason when it is missing, or a
    failure when the environment variable `required_by` is 1 (as in .ci/run, which installs them)."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{required_by}=1 but {name} is missing (apt: {apt})")
    pytest.skip(f"needs {name} (apt: {apt})")
