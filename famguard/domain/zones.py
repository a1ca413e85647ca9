"""The time zone names FamGuard accepts: the canonical IANA names shipped in the `tzdata`
package (a dependency, so every platform has the data, Windows included), without `Factory`.
Names that only exist on some hosts (`localtime`, `posixrules`, `right/UTC`, `posix/...`) mean
different things on different machines and are refused."""

from __future__ import annotations

import functools
from importlib import resources

_NOT_A_PLACE = frozenset({"Factory"})


@functools.cache
def zone_names() -> frozenset[str]:
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - _NOT_A_PLACE


def is_zone_name(name: str) -> bool:
    return name in zone_names()
