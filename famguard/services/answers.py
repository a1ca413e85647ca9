"""Which answer from the server the local cache keeps when the same question was asked twice at
once. Screens and the sync engine often ask together (a page opening asks for the phone's receipt
while the engine asks because the phone just reported), and the answers can come back in either
order. The answer to the question asked last wins: it was asked after everything that made us
ask, so an older answer arriving late never overwrites it. (A teen's controls carry their version
in the ETag: the store keeps the later version instead, AccountStore.save_answer.)"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence


class LastAskedWins:
    """Numbers the questions as they are asked (`ask()`, just before the request); `store` writes
    an answer only if no answer to a later question about the same thing is stored already."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self._stored: dict[str, int] = {}

    def ask(self) -> int:
        with self._lock:
            return next(self._numbers)

    def store(self, key: str, asked: int, write: Callable[[], None]) -> bool:
        """Write the answer to question `asked` (by calling `write`) unless a later question's
        answer about `key` is stored; True if it was written."""
        return bool(self.store_each([key], asked, lambda _parts: write()))

    def store_each(self, keys: Sequence[str], asked: int, write: Callable[[list[int]], None]) -> list[int]:
        """For an answer of several parts (a usage window, a part per day): write the parts
        (`write(indexes)`) whose keys no later question's answer has stored; returns the indexes."""
        with self._lock:
            fresh = [i for i, key in enumerate(keys) if asked >= self._stored.get(key, -1)]
            if fresh:
                write(fresh)
                for i in fresh:
                    self._stored[keys[i]] = asked
            return fresh
