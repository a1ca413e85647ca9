"""Strict JSON in and valid UTF-8 out.

In: Python's `json` accepts a lone surrogate escape (`"\\ud800"`), which is not a Unicode
character. Stored in a teen's history it made every later read of that history fail to encode
(500 forever), and an unknown key made of one failed the error answer itself. `problem()` finds
such text (and bodies that are not UTF-8) before any route sees the body.

Out: `SafeJSONResponse` encodes whatever it is given as UTF-8, replacing anything that is not a
character (data stored before this check existed) instead of failing the whole answer."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

NOT_TEXT = "Text must be valid Unicode (UTF-8 without lone surrogates)."


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value: Any) -> None:  # noqa: ANN401 - any JSON value
    if isinstance(value, str):
        if _has_lone_surrogate(value):
            raise ValueError(NOT_TEXT)
    elif isinstance(value, list):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)


def problem(body: bytes) -> str | None:
    """Why `body` is not acceptable JSON text, or None (also for bodies that are not JSON at all:
    the route's own parsing reports those)."""
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "The body is not valid UTF-8."
    try:
        _check(json.loads(text))
    except ValueError as error:
        return NOT_TEXT if str(error) == NOT_TEXT else None
    except RecursionError:
        return "The body is nested too deeply."
    return None


class SafeJSONResponse(JSONResponse):
    """JSON as UTF-8 that is always valid: a lone surrogate becomes U+FFFD, never a 500."""

    def render(self, content: Any) -> bytes:  # noqa: ANN401 - any JSON-able content
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # Through UTF-16: a proper pair stays one character, a lone half becomes one U+FFFD.
            return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")
