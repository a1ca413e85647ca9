"""House rules that keep the codebase honest: lint and format clean, and the layers import only
along the arrows of ARCHITECTURE.md (ui -> services -> api/store/credentials -> domain; the
server imports the domain only; only app.py, the composition root, knows every layer)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "famguard"

# For each layer, the famguard layers and third-party top-level modules it must never import.
FORBIDDEN = {
    "domain": {
        "famguard.api",
        "famguard.services",
        "famguard.store",
        "famguard.credentials",
        "famguard.ui",
        "famguard.server",
        "PySide6",
        "requests",
        "keyring",
        "sqlite3",
        "sqlalchemy",
        "fastapi",
    },
    "api": {
        "famguard.services",
        "famguard.store",
        "famguard.credentials",
        "famguard.ui",
        "famguard.server",
        "PySide6",
        "keyring",
        "sqlite3",
        "sqlalchemy",
        "fastapi",
    },
    "credentials": {
        "famguard.services",
        "famguard.store",
        "famguard.ui",
        "famguard.server",
        "PySide6",
        "requests",
        "sqlite3",
    },
    "store": {
        "famguard.services",
        "famguard.credentials",
        "famguard.ui",
        "famguard.server",
        "PySide6",
        "requests",
        "keyring",
    },
    "services": {"famguard.ui", "famguard.server", "PySide6", "requests", "sqlite3", "keyring"},
    "ui": {"famguard.server", "famguard.store", "requests", "keyring", "sqlite3", "sqlalchemy", "fastapi"},
    "server": {
        "famguard.api",
        "famguard.services",
        "famguard.store",
        "famguard.credentials",
        "famguard.ui",
        "PySide6",
        "requests",
        "keyring",
    },
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations() -> list[str]:
    found = []
    for layer, banned in FORBIDDEN.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for module in _imported_modules(path):
                for bad in banned:
                    if module == bad or module.startswith(bad + "."):
                        found.append(f"{path.relative_to(ROOT)} imports {module} (layer {layer} must not)")
    return found


def test_layers_import_only_along_the_arrows() -> None:
    assert _violations() == []


def test_the_layer_check_catches_a_forbidden_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_package = tmp_path / "famguard"
    (fake_package / "domain").mkdir(parents=True)
    (fake_package / "domain" / "leaky.py").write_text("import requests\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake_package)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == ["famguard/domain/leaky.py imports requests (layer domain must not)"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_lint_is_clean() -> None:
    result = _ruff("check", "famguard", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--check", "famguard", "tests")
    assert result.returncode == 0, "run `ruff format famguard tests`:\n" + result.stdout + result.stderr
