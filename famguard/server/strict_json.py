"""Strict JSON in and valid UTF-8 out.

In: Python's `json` accepts a lone surrogate escape (`"\\ud800"`), which is not a Unicode
character. Stored in a teen's history it made every later read of that history fail to encode
(500 forever), and an unknown key made of one failed the error answer itself. `problem()` finds
such text (and bodies that are not UTF-8) before any route sees the body.

Also in: a NUL character (U+0000) in a URL's path or query. No id, date or filter value holds
one, and PostgreSQL cannot take it as text: `GET /v1/teens/a%00b/controls`, or an `actor=a%00b`
filter, reached the database as a parameter and failed there, a 500 and a traceback in the log
for every such request from anyone (SQLite compared it and found nothing). `url_problem()` finds
it before any route or fast path sees the request. (In bodies, the text fields people type refuse
it with their own words, famguard.domain.plain_text; tokens and codes are hashed or normalized
before any query; an email address refuses control characters, schemas.EmailText.)

Also in: an object with more fields than any request takes (`MAX_OBJECT_KEYS`). Each unknown
field is named in the refusal, so 20,000 of them (249 KB) were answered with 980 KB after 0.2 s of
validation: about thirteen such requests a second saturated the server (a health check's median
went from 1.2 ms to 0.8 s). Refused here, the answer names only `body`, on every path alike.

Out: `SafeJSONResponse` encodes whatever it is given as UTF-8, replacing anything that is not a
character (data stored before this check existed) instead of failing the whole answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse

NOT_TEXT = "Text must be valid Unicode (UTF-8 without lone surrogates)."
# An integer longer than Python converts (4,300 digits) stopped json.loads with a ValueError that
# is not a decoding error, and FastAPI answered it 400 "could not be understood".
TOO_MANY_DIGITS = "A number in the body has too many digits."
# The largest object of any request is the controls (15 of them, in a PATCH or a rule's `controls`);
# four times that leaves room for a few fields this version does not know, each still named in its
# refusal, and no request could mean more.
MAX_OBJECT_KEYS = 64
TOO_MANY_FIELDS = f"An object in the body has more than {MAX_OBJECT_KEYS} fields; no request takes that many."


class _Refused(ValueError):
    """Why the body is refused (`problem` returns its text)."""


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value: Any) -> None:  # noqa: ANN401 - any JSON value
    if isinstance(value, str):
        if _has_lone_surrogate(value):
            raise _Refused(NOT_TEXT)
    elif isinstance(value, list):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        if len(value) > MAX_OBJECT_KEYS:
            raise _Refused(TOO_MANY_FIELDS)
        for key, item in value.items():
            _check(key)
            _check(item)


def problem(body: bytes) -> str | None:
    """Why `body` is not acceptable JSON text, or None (also for bodies that are not JSON at all:
    the route's own parsing reports those). The refusal names the field `body` (limits.BodyLimit),
    as every 422 names its fields."""
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "The body is not valid UTF-8."
    try:
        _check(json.loads(text))
    except json.JSONDecodeError:
        return None
    except _Refused as refused:
        return str(refused)
    except ValueError:  # json.loads' only other one is the integer's digits
        return TOO_MANY_DIGITS
    except RecursionError:
        return "The body is nested too deeply."
    return None


NUL_IN_URL = "Cannot hold a NUL character."


def url_problem(scope: Mapping[str, Any]) -> tuple[int, str, str, dict[str, str]] | None:
    """Why the request's URL is refused — status, code, message and the parameters at fault — or
    None. A path holding NUL names nothing: 404, as any other path that names nothing. A query
    parameter holding it is malformed: 400 naming it (parsed as Starlette parses the query)."""
    if "\x00" in scope.get("path", ""):
        return 404, "not_found", "Not found.", {}
    query = scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None  # the common case: no parsing
    fields = {
        name.replace("\x00", "\ufffd"): NUL_IN_URL
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if "\x00" in name or "\x00" in value
    }
    return (400, "bad_request", "A parameter of the request is not valid.", fields) if fields else None


class SafeJSONResponse(JSONResponse):
    """JSON as UTF-8 that is always valid: a lone surrogate becomes U+FFFD, never a 500."""

    def render(self, content: Any) -> bytes:  # noqa: ANN401 - any JSON-able content
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # Through UTF-16: a proper pair stays one character, a lone half becomes one U+FFFD.
            return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")
