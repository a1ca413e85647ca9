"""The time zone names FamGuard accepts: the canonical IANA names shipped in the `tzdata`
package (a dependency, so every platform has the data, Windows included), without `Factory`.
Names that only exist on some hosts (`localtime`, `posixrules`, `right/UTC`, `posix/...`) mean
different things on different machines and are refused."""

from __future__ import annotations

import functools
import pkgutil

_NOT_A_PLACE = frozenset({"Factory"})


@functools.cache
def zone_names() -> frozenset[str]:
    """The list ships as the package's `zones` file. Read through its loader (`pkgutil.get_data`,
    which works in a zip or a bundle too) rather than `importlib.resources`, whose import and
    traversable files cost ~10 ms of CPU: the first cached controls are checked against this
    list on the way to a returning guardian's family on screen."""
    data = pkgutil.get_data("tzdata", "zones")
    if data is None:  # a loader that cannot read package data: the list is missing, not empty
        raise FileNotFoundError("tzdata's list of zones could not be read")
    return frozenset(data.decode("utf-8").split()) - _NOT_A_PLACE


def is_zone_name(name: str) -> bool:
    return name in zone_names()
