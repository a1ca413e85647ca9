"""famguard:// links, which the operating system hands to the app (on the command line, or on
macOS as an open-URL event): today only the pairing QR's `famguard://pair?code=K7MQ2XRT`.

Parsing is pure and strict about the shape, so that a link from a web page cannot smuggle anything
else into the app; whether the code is right is for the service to say when the teen enters it.
A code is a short-lived secret: it is shown to the person who opened the link, never logged."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from famguard.domain.errors import ErrorKind, FamGuardError
from famguard.identity import URL_SCHEME

MAX_LINK_LENGTH = 200  # a pairing link is ~30 characters; anything far longer is not ours
_CODE_LENGTHS = range(4, 17)


class LinkError(FamGuardError):
    kind = ErrorKind.REFUSED
    title = "This link cannot be opened"


class PairLink:
    """A pairing code from a link, upper-cased and without separators (`K7MQ2XRT`). A plain class,
    not a dataclass: this module is imported before the first paint, and dataclasses is ~12 ms."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairLink) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __str__(self) -> str:  # never the code itself: links are logged by kind only
        return f"{URL_SCHEME}://pair"

    __repr__ = __str__


def looks_like_link(text: str) -> bool:
    return text.lower().startswith(f"{URL_SCHEME}:")


def parse_link(text: str) -> PairLink:
    """The link `text` as a PairLink, or LinkError saying what is wrong with it."""
    if len(text) > MAX_LINK_LENGTH:
        raise LinkError(f"The link is {len(text)} characters long; a FamGuard link is much shorter.")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        # urlsplit drops tabs and line breaks anywhere and control characters in front, so
        # "fam\tguard://pair?code=…" was taken — and, not spelled "famguard:", never hidden from
        # the command line (famguard.cmdline). No link FamGuard makes holds one.
        raise LinkError("The link holds invisible control characters; a FamGuard link has none.")
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != URL_SCHEME:
        raise LinkError(f"Only {URL_SCHEME}:// links can be opened with FamGuard.")
    if parts.netloc.lower() != "pair" or parts.path not in ("", "/"):
        raise LinkError(f"FamGuard knows only pairing links ({URL_SCHEME}://pair?code=…).")
    codes = parse_qs(parts.query).get("code", [])
    if len(codes) != 1:
        raise LinkError("The pairing link has no code in it. Ask for a new QR code.")
    code = codes[0].replace("-", "").replace(" ", "").upper()
    if len(code) not in _CODE_LENGTHS or not code.isascii() or not code.isalnum():
        raise LinkError("The code in the pairing link is not a pairing code. Ask for a new QR code.")
    return PairLink(code)
