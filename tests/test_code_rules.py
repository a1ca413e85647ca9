"""House rules that keep the codebase honest: lint and format clean, the static type checker clean
(mypy over famguard/, configured in pyproject.toml), and the layers import only along the arrows
of ARCHITECTURE.md (ui -> services -> api/store/credentials -> domain; the server imports the
domain only; only app.py, the composition root, knows every layer)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "famguard"

# The arrows: which other famguard layers each layer may import (famguard.paths and the package
# root are not layers and are open to all), and the third-party modules each must never import.
LAYERS = ("domain", "api", "credentials", "store", "services", "ui", "server")
ALLOWED_LAYERS = {
    "domain": set(),
    "api": {"domain"},
    "credentials": {"domain"},
    "store": {"domain"},
    "services": {"domain", "api", "credentials", "store"},
    "ui": {"domain", "api", "credentials", "services"},  # api and credentials for their error types
    "server": {"domain"},
}
SERVER_STACK = {"sqlalchemy", "fastapi"}
FORBIDDEN_THIRD_PARTY = {
    "domain": {"PySide6", "requests", "keyring", "sqlite3"} | SERVER_STACK,
    "api": {"PySide6", "keyring", "sqlite3"} | SERVER_STACK,
    "credentials": {"PySide6", "requests", "sqlite3"},
    "store": {"PySide6", "requests", "keyring"},
    "services": {"PySide6", "requests", "sqlite3", "keyring"},
    "ui": {"requests", "keyring", "sqlite3"} | SERVER_STACK,
    "server": {"PySide6", "requests", "keyring"},
}


def _is_forbidden(layer: str, module: str) -> bool:
    parts = module.split(".")
    if parts[0] == "famguard":
        target = parts[1] if len(parts) > 1 else ""
        return target in LAYERS and target != layer and target not in ALLOWED_LAYERS[layer]
    return parts[0] in FORBIDDEN_THIRD_PARTY[layer]


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
    for layer in LAYERS:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for module in sorted(_imported_modules(path)):
                if _is_forbidden(layer, module):
                    found.append(f"{path.relative_to(ROOT)} imports {module} (layer {layer} must not)")
    return found


def test_layers_import_only_along_the_arrows() -> None:
    assert _violations() == []


def test_the_app_skips_pyside_source_reads_only_for_layers_these_rules_keep_free_of_qt() -> None:
    """famguard.app answers PySide's "does this module use PySide6?" without reading the file for
    its LAYERS_WITHOUT_QT, on the strength of these rules: the two lists must name the same layers."""
    from famguard.app import LAYERS_WITHOUT_QT

    kept_free = {f"famguard.{layer}" for layer, banned in FORBIDDEN_THIRD_PARTY.items() if "PySide6" in banned}
    assert set(LAYERS_WITHOUT_QT) == kept_free


def test_the_layer_check_catches_a_forbidden_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_package = tmp_path / "famguard"
    (fake_package / "domain").mkdir(parents=True)
    (fake_package / "domain" / "leaky.py").write_text("import requests\n")
    (fake_package / "ui").mkdir()
    (fake_package / "ui" / "shortcut.py").write_text(
        "from famguard.store.db import AccountStore\nimport famguard.paths\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake_package)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == [
        "famguard/domain/leaky.py imports requests (layer domain must not)",
        "famguard/ui/shortcut.py imports famguard.store.db (layer ui must not)",
    ]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_lint_is_clean() -> None:
    result = _ruff("check", "famguard", "tests", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--check", "famguard", "tests", "packaging")
    assert result.returncode == 0, "run `ruff format famguard tests packaging`:\n" + result.stdout + result.stderr


def test_mypy_finds_no_type_errors() -> None:
    """The ui and the services are typed against each other (no `Any` at the seam); this keeps it so."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0 and "Success: no issues found" in result.stdout, result.stdout + result.stderr
