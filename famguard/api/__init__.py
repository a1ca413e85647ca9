"""The REST client of API v1: ApiClient, its error hierarchy, and the safe-transport rules.
The only package of the client that imports `requests`.

The names below are loaded on first use (PEP 562): `famguard.api.errors`, `famguard.api.tokens`
and the address rules of `famguard.api.transport` need no `requests` (only `client` and
`http_session` import it), so the service layer can open a remembered family or the demo's from
the local store, and the window show it, before `requests` (~100 ms) is imported on a worker."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from famguard.api.client import ApiClient, Versioned
    from famguard.api.deferred import DeferredApi
    from famguard.api.http_session import make_session
    from famguard.api.tokens import TokenManager
    from famguard.api.transport import RetryPolicy, check_server_url

_WHERE = {
    "ApiClient": "famguard.api.client",
    "Versioned": "famguard.api.client",
    "DeferredApi": "famguard.api.deferred",
    "TokenManager": "famguard.api.tokens",
    "RetryPolicy": "famguard.api.transport",
    "check_server_url": "famguard.api.transport",
    "make_session": "famguard.api.http_session",
}

__all__ = [
    "ApiClient",
    "DeferredApi",
    "RetryPolicy",
    "TokenManager",
    "Versioned",
    "check_server_url",
    "make_session",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next look-up is a plain one
    return value
