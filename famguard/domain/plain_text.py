"""Text people type for others to read — names, a request's reason, keywords, a temporary rule's
name: the one rule of what the service takes (`plain_text_problem`) and how the app shows text it
got from others (`harmless`), so a name or a reason can neither reorder the words around it nor
fake a line of its own on a guardian's screen.

What is refused, and why:
- Unicode category Cc (C0 and C1 controls: NUL, tab, line feed, carriage return, ESC, DEL,
  U+0085 …), Zl and Zp (U+2028, U+2029): they break a line, move the cursor or vanish, so
  "Maya, 14\\n● all changes saved" would read as a row of its own.
- Category Cf (format characters): bidi overrides, embeddings and isolates (U+202A–202E,
  U+2066–2069), direction marks (U+200E, U+200F, U+061C), zero-width space, word joiner and
  invisible operators (U+200B, U+2060–2064), the byte-order mark (U+FEFF), the soft hyphen
  (U+00AD), interlinear annotation and the like. None of them draws anything a reader can see;
  the bidi ones make "\\u202Enim 03 rof ksa" read "ask for 30 min".
- Category Cs (a lone surrogate, which JSON can spell as "\\ud800"): not a character at all.

What is allowed although it is Cf, because people type it and it hides nothing:
- ZERO WIDTH JOINER and ZERO WIDTH NON-JOINER (U+200D, U+200C) between two visible characters
  (a letter, a mark or a symbol on each side): they join the family emoji "👨‍👩‍👧" and the
  skin-toned or gendered ones, and Persian and Indic writing needs them inside words. Alone at an
  end, doubled, or next to a space they only hide, and are refused.
- Tag characters (U+E0020–E007F) as an emoji tag sequence: right after U+1F3F4 (🏴), a run of tag
  letters or digits closed by CANCEL TAG U+E007F — the flags of Scotland, Wales and England.
  Anywhere else they are invisible text ("ASCII smuggling").
Variation selectors (U+FE00–FE0F, the emoji/text presentation of "❤️") and skin-tone modifiers are
marks and symbols, not format characters: they are allowed like every letter, digit, symbol and
space of any script (accents, Arabic, Hebrew, CJK).

Text that draws nothing at all is refused too, although each of its characters is allowed: a
name of HANGUL FILLER (U+3164, a letter by category), BRAILLE PATTERN BLANK (U+2800, a symbol) or
COMBINING GRAPHEME JOINER (U+034F, a mark) — the default-ignorable characters outside Cf, and the
braille blank — reads as an empty name on the teen's consent screen and in every list, and such a
keyword is one nobody can see to remove. Inside visible text they stay allowed (Korean writing
uses the fillers; variation selectors are among them).

Text is refused, never silently stripped: changing what someone typed would be its own
surprise. Leading and trailing whitespace is what the service already trims, so the rule looks
at the trimmed text (what is kept)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

# The words of every refusal; a form says them before sending, the service in its 422.
HIDDEN_TEXT_WORDS = "Names, reasons and keywords cannot hold line breaks, tabs or invisible formatting characters"

_JOINERS = frozenset({"\u200c", "\u200d"})
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"
_VISIBLE_NEIGHBOUR = ("L", "M", "S", "N")  # the first letter of a category a joiner may join
_BREAK_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a line break", "\u2028": "a line break",
                "\u2029": "a paragraph break", "\x85": "a line break", "\x0b": "a line break",
                "\x0c": "a page break"}  # fmt: skip


# Characters that draw nothing although the rule above lets them through one by one: Unicode's
# default-ignorable code points outside Cf and Cc (DerivedCoreProperties.txt), and U+2800.
_DRAWS_NOTHING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _tag_run_end(text: str, start: int) -> int:
    """The index after an emoji tag sequence's tags starting at `start` (right after 🏴), or
    `start` when no well-formed run (tag letters or digits, then CANCEL TAG) is there."""
    end = start
    while end < len(text) and ("\U000e0030" <= text[end] <= "\U000e0039" or "\U000e0061" <= text[end] <= "\U000e007a"):
        end += 1
    if end > start and end < len(text) and text[end] == _CANCEL_TAG:
        return end + 1
    return start


def _hidden_at(text: str) -> tuple[int, int] | None:
    """(index, length) of the first character (or tag run) the rule refuses; None if none."""
    if text.isprintable():  # no Cc, Cf, Cs, Zl, Zp at all (nearly every text): checked in C
        return None
    index = 0
    while index < len(text):
        char = text[index]
        category = unicodedata.category(char)
        if char == _BLACK_FLAG:
            index = max(index + 1, _tag_run_end(text, index + 1))
            continue
        if char in _JOINERS:
            before = unicodedata.category(text[index - 1]) if index > 0 else "Zs"
            after = unicodedata.category(text[index + 1]) if index + 1 < len(text) else "Zs"
            if before.startswith(_VISIBLE_NEIGHBOUR) and after.startswith(_VISIBLE_NEIGHBOUR):
                index += 1
                continue
            return index, 1
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return index, 1
        index += 1
    return None


def _character_words(char: str) -> str:
    """The refused character in words: "a line break", "a control character (U+001B)", "an
    invisible U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    if char in _BREAK_NAMES:
        return _BREAK_NAMES[char]
    category = unicodedata.category(char)
    if category == "Cc":
        return f"a control character (U+{ord(char):04X})"
    if category == "Cs":
        return f"a broken character (U+{ord(char):04X})"
    return f"an invisible {_code_and_name(char)}"


def _code_and_name(char: str) -> str:
    """ "U+202E (RIGHT-TO-LEFT OVERRIDE)", or the code alone for a character without a name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def plain_text_problem(text: str) -> str | None:
    """Why the service refuses `text` as a name, a reason or a keyword (None: it is taken).
    The same words for every field, which the answer names; the character found is named too, so
    someone who pasted it can find it."""
    kept = text.strip()
    found = _hidden_at(kept)
    if found is not None:
        return f"{HIDDEN_TEXT_WORDS}; this holds {_character_words(kept[found[0]])}."
    if kept and all(char in _DRAWS_NOTHING or char.isspace() for char in kept):
        blank = next(char for char in kept if not char.isspace())
        return f"{HIDDEN_TEXT_WORDS}; this holds nothing visible, only {_code_and_name(blank)}."
    return None


def require_plain_text(text: str) -> str:
    """`text` when the rule takes it; ValueError with plain_text_problem's words otherwise (the
    validator of the service's text fields)."""
    problem = plain_text_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def harmless(text: str) -> str:
    """`text` from someone else as the app shows it: what the rule refuses can no longer act. A
    control or line break becomes a space (a name stays on its line), a lone surrogate becomes
    U+FFFD, and a format character the rule refuses (a bidi override, isolate or mark, a
    zero-width space) is dropped, so the words stand in the order they were typed and the
    sentence around them keeps its order. Text the rule takes comes back unchanged (the same
    string), so this costs nothing for the text people really send."""
    if _hidden_at(text) is None:
        return text
    shown: list[str] = []
    rest = text
    while (found := _hidden_at(rest)) is not None:
        index, length = found
        shown.append(rest[:index])
        char = rest[index]
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            shown.append(" ")
        elif category == "Cs":
            shown.append("\ufffd")
        rest = rest[index + length :]
    shown.append(rest)
    return "".join(shown)


def harmless_values(value: Any) -> Any:  # noqa: ANN401 - a history entry's JSON value
    """A history entry's before or after (JSON) with every text in it made harmless: a rule's or a
    guardian's name, keywords. These are only ever shown, never sent back."""
    if isinstance(value, str):
        return harmless(value)
    if isinstance(value, list):
        return [harmless_values(item) for item in value]
    if isinstance(value, dict):
        return {key: harmless_values(item) for key, item in value.items()}
    return value


def carries_my_name(name: str, my_name: str) -> bool:
    """Whether another account's display name reads as the reader's own (`my_name`), case
    aside: a teen's second account can carry her guardian's name, so every screen that names an
    account which is not the reader's says so ("Another account named …") instead of a bare name
    the reader would take for their own. An empty `my_name` (not known yet) matches nothing."""
    return bool(my_name) and name.casefold() == my_name.casefold()


def account_in_news(name: str, my_name: str) -> str:
    """How news names an account that asks to join, or joins, a teen's guardians: “Jordan”, or
    "Another account named “Sam Guardian”, not yours," when it carries the reader's name."""
    return f"Another account named “{name}”, not yours," if carries_my_name(name, my_name) else f"“{name}”"


def clash_who(by: str | None, by_id: str | None, me: str | None, my_name: str) -> tuple[str, str]:
    """Who else changed a setting this guardian changed too, and whose the value is, by account:
    this guardian's own account (on another computer), another account that carries this
    guardian's name (a teen's own can), or the other guardian by name — the one wording of the
    clash's row, its question and the home."""
    if by_id is not None and by_id == me:
        return "You, on another computer,", "the other computer's"
    if by and carries_my_name(by, my_name):
        return f"Another account named “{by}”", "that account's"
    name = by or "Another guardian"
    return name, f"{name}'s"


def listed(words: Sequence[str], most: int | None = None) -> str:
    """Names (or any words) in a sentence: "Maya", "Maya and Sam", "Maya, Sam and Alex"; with
    `most`, those past it counted ("30 min, 45 min, 1 h, 15 min and 2 more")."""
    if most is not None and len(words) > most:
        words = [*words[:most], f"{len(words) - most} more"]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
