"""What a pairing code is — 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L),
shown as ABCD-EFGH — and how a typed one is read: one rule for the service, which makes and
looks codes up (famguard.server.security), and for whoever types one on the teen's side (the demo's
phone, `famguard-teen pair`), which can say what a code looks like before asking the service."""

from __future__ import annotations

import re

PAIRING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PAIRING_CODE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalize_code(typed: str) -> str | None:
    """The code as stored, from what a teen typed ("k7mq-4xzp"), or None if it cannot be one."""
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != PAIRING_CODE_LENGTH or any(c not in PAIRING_ALPHABET for c in code):
        return None
    return code


def code_problem(typed: str) -> str | None:
    """Why `typed` cannot be a pairing code, in words (None: it can be one). An empty or
    seven-character code was sent and answered "That pairing code was not found", which sent a
    teen looking for a code that had gone, not at the one they typed (an outside tester)."""
    if normalize_code(typed) is not None:
        return None
    if not typed.strip():
        return "Type the code your guardian shows first."
    return (
        f"A pairing code is {PAIRING_CODE_LENGTH} letters and digits, like ABCD-EFGH (the dash is "
        "optional). Check the code your guardian shows."
    )
