"""Where the files under the repository's top-level `resources/` are at run time, found the same
way from a checkout, an installed wheel and the PyInstaller bundle:

- the wheel installs them as the data-only package `famguard/_resources` (setup.py maps
  `resources/` there), and the bundle puts them at the same place inside its `_internal` folder;
- a checkout (and an editable install) has them at `resources/` next to the `famguard` package.

The first of those two folders that exists is the root; nothing else is searched, so a checkout
can never pick up the resources of some other installed copy. Whatever is under `resources/` is
found (`all_files`), not only a fixed list, so that a new resource needs no code here;
`REQUIRED` names the ones the app cannot run without (the self-test checks both).

No Qt and nothing slow: the window icon is looked up on the path to the first paint."""

from __future__ import annotations

from pathlib import Path

import famguard
from famguard.domain.errors import ErrorKind, FamGuardError

ICON = "icons/famguard.svg"
HOTLINES = "hotlines.json"  # the INHOPE national hotlines of the Safety Centre
# The resources the code itself opens; a packaging mistake that loses one fails the self-test.
REQUIRED = (ICON, HOTLINES)
# Files of the operating system or an editor that are never resources.
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "__pycache__"}


class ResourceMissing(FamGuardError):
    """A file of the app's own is missing: the installation is broken, not the user's data."""

    kind = ErrorKind.BUG
    title = "FamGuard is incompletely installed"


def _candidates() -> tuple[Path, Path]:
    package = Path(famguard.__file__).resolve().parent
    return package / "_resources", package.parent / "resources"


def root() -> Path:
    """The folder holding the resources (see the module's docstring for where it is looked for)."""
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    searched = " and ".join(str(c) for c in _candidates())
    raise ResourceMissing(f"FamGuard's own files were not found (looked in {searched}). Reinstall FamGuard.")


def path(name: str) -> Path:
    """The file `name` (a '/'-separated path relative to resources/), which must exist."""
    found = root().joinpath(*name.split("/"))
    if not found.is_file():
        raise ResourceMissing(f"FamGuard's file {name!r} is missing from {root()}. Reinstall FamGuard.")
    return found


def all_files() -> list[str]:
    """Every resource, as sorted '/'-separated paths relative to the root."""
    base = root()
    return sorted(
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file() and not _IGNORED_NAMES.intersection(p.relative_to(base).parts) and p.name != "__init__.py"
    )


def problems() -> list[str]:
    """What is wrong with the resources: a required one missing, or any file unreadable or empty.
    An empty list means every resource is there."""
    try:
        base = root()
    except ResourceMissing as exc:
        return [exc.message]
    found = set(all_files())
    issues = [f"missing: {name}" for name in REQUIRED if name not in found]
    for name in sorted(found):
        try:
            with base.joinpath(*name.split("/")).open("rb") as file:
                if not file.read(1):
                    issues.append(f"empty: {name}")
        except OSError as exc:
            issues.append(f"unreadable: {name} ({exc.strerror})")
    return issues


def text(name: str) -> str:
    """The UTF-8 contents of the resource `name`. Disk access: call it from a worker, never on
    the GUI thread."""
    return path(name).read_text(encoding="utf-8")
