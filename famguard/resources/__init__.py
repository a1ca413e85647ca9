"""Data files shipped with the app (installed as package data): read them with `text(name)`.
Reading is disk access: call it from a worker, never on the GUI thread."""

from __future__ import annotations

from importlib import resources


def text(name: str) -> str:
    """The UTF-8 contents of the data file `name` in this folder."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
