"""The plain-text rule and `harmless` (famguard.domain.plain_text) on their own: what is refused
and named, what people type and is taken, and that whatever text an older service stored, what the
app shows of it holds nothing the rule refuses and keeps the words in the order they were typed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from famguard.domain.plain_text import HIDDEN_TEXT_WORDS, harmless, harmless_values, plain_text_problem

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Maya, 14\n● all changes saved", "a line break"),
        ("a\tb", "a tab"),
        ("a\x1bb", "a control character (U+001B)"),
        ("a\x85b", "a line break"),
        ("a\u2029b", "a paragraph break"),
        ("\u202enim 03 rof ksa", "an invisible U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("a\u200bb", "an invisible U+200B (ZERO WIDTH SPACE)"),
        ("a\u00adb", "an invisible U+00AD (SOFT HYPHEN)"),
        ("ab\u200d", "an invisible U+200D (ZERO WIDTH JOINER)"),
        ("a\ud800b", "a broken character (U+D800)"),
    ],
)
def test_the_rule_names_what_it_refuses(text: str, said: str) -> None:
    assert plain_text_problem(text) == f"{HIDDEN_TEXT_WORDS}; this holds {said}."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("\u3164", "U+3164 (HANGUL FILLER)"),
        (" \u2800 \u2800 ", "U+2800 (BRAILLE PATTERN BLANK)"),
        ("\u034f", "U+034F (COMBINING GRAPHEME JOINER)"),
        ("\ufe0f\ufe0f", "U+FE0F (VARIATION SELECTOR-16)"),
        ("\u115f\u1160", "U+115F (HANGUL CHOSEONG FILLER)"),
    ],
)
def test_text_that_draws_nothing_is_refused_and_named(text: str, said: str) -> None:
    """A name of Hangul fillers or braille blanks passes every character class the rule refuses
    one by one, and reads as an empty name on the teen's consent screen."""
    assert plain_text_problem(text) == f"{HIDDEN_TEXT_WORDS}; this holds nothing visible, only {said}."


@pytest.mark.parametrize("text", ["Mo\u3164m", "하\u3164늘", "\u2800\u2801", "❤\ufe0f", "e\u034f\u0301"])
def test_those_characters_inside_visible_text_are_taken(text: str) -> None:
    assert plain_text_problem(text) is None


@pytest.mark.parametrize(
    "text",
    ["👨\u200d👩\u200d👧", "👩🏽\u200d💻", "❤️", "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
     "דנה", "مريم", "می\u200cخواهم", "क्\u200dष", "Zoë"],
)  # fmt: skip
def test_what_people_type_is_taken_and_shown_unchanged(text: str) -> None:
    assert plain_text_problem(text) is None
    assert harmless(text) is text


def test_harmless_keeps_the_words_in_their_order_and_on_one_line() -> None:
    assert plain_text_problem("  Maya \n") is None  # the service trims the edges, as before
    assert harmless("\u202enim 03 rof ksa") == "nim 03 rof ksa"
    assert harmless("Maya, 14\n● all changes saved") == "Maya, 14 ● all changes saved"
    assert harmless_values({"name": "Exams\u2066", "words": ["a\tb"], "n": 3}) == {
        "name": "Exams",
        "words": ["a b"],
        "n": 3,
    }


@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_whatever_was_stored_is_shown_with_nothing_the_rule_refuses(text: str) -> None:
    shown = harmless(text)
    assert plain_text_problem(shown) is None
    assert not any(c in BIDI_CONTROLS or unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") for c in shown)
    # Every visible character stays, in its order; a lone surrogate is shown as U+FFFD in its place.
    as_shown = ("\ufffd" if unicodedata.category(c) == "Cs" else c for c in text)
    visible = [c for c in as_shown if unicodedata.category(c)[0] in "LNPS"]
    assert [c for c in shown if unicodedata.category(c)[0] in "LNPS"] == visible
    assert harmless(shown) == shown
