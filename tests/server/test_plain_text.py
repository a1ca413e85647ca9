"""Text people send for others to read — a display name at sign-up, a teen's request reason, a
keyword filter (in a change and in a temporary rule), a temporary rule's name — is refused at the
service's door with a 422 naming the field when it holds a line break, a tab, a control character
or an invisible formatting character, or draws nothing at all (a name of Hangul fillers:
famguard.domain.plain_text), on both paths of a controls
change, on SQLite here and on PostgreSQL in test_plain_text_postgres. What real people type —
emoji joined with ZWJ, a flag, accents, Hebrew, Arabic, Persian with its non-joiner — is taken
and read back exactly."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from famguard.domain.controls import KEYWORD_COMMA_WORDS
from famguard.domain.plain_text import HIDDEN_TEXT_WORDS
from tests.support.accounts import Person, controls_of, email, link, make_guardian, make_teen
from tests.support.http import Api, assert_error
from tests.support.servers import FakeClock

# One of each class the rule refuses, inside the text (edges are trimmed as before).
HIDDEN = {
    "line feed": "Maya, 14\n● all changes saved",
    "carriage return": "a\rb",
    "tab": "a\tb",
    "NUL": "a\x00b",
    "ESC": "a\x1b[31mb",
    "C1 next line": "a\x85b",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
    "right-to-left override": "\u202enim 03 rof ksa",
    "left-to-right isolate": "a\u2066b\u2069c",
    "right-to-left mark": "a\u200fb",
    "zero-width space": "#di\u200bet",
    "byte-order mark": "a\ufeffb",
    "soft hyphen": "a\u00adb",
    "joiner at the end": "ab\u200d",
    "joiner next to a space": "a \u200db",
    "tag outside a flag": "a\U000e0041b",
    # Text that draws nothing: each character allowed alone, the whole reads as an empty name.
    "only a Hangul filler": "\u3164",
    "only braille blanks": "\u2800 \u2800",
    "only a grapheme joiner": "\u034f",
}
# What people type, taken as sent.
REAL = [
    "👨\u200d👩\u200d👧 Alex",  # family emoji: joined with ZWJ
    "👩🏽\u200d💻 Sam",  # skin tone and ZWJ
    "Zoë ❤️",  # variation selector
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Mòrag",  # Scotland's flag: tags
    "José Ñúñez-Gómez",
    "דנה כהן",
    "مريم",
    "می\u200cخواهم",  # Persian, with ZERO WIDTH NON-JOINER inside the word
]


def _refused(response: Any, field: str) -> str:  # noqa: ANN401 - a response
    reason = assert_error(response, 422, "validation_failed")["fields"][field]
    assert reason.startswith(HIDDEN_TEXT_WORDS), reason
    return reason


def _sign_up(api: Api, name: str, role: str = "guardian") -> Any:  # noqa: ANN401 - the response
    body: dict[str, Any] = {"email": email("x"), "password": "correct horse battery", "display_name": name}
    if role == "teen":
        body |= {"role": "teen", "birth_date": "2012-01-10"}
    else:
        body |= {"role": "guardian"}
    return api.call("POST", "/v1/accounts", json=body)


def _patch(api: Api, guardian: Person, teen: Person, fields: dict[str, Any]) -> Any:  # noqa: ANN401
    _, etag = controls_of(api, guardian, teen)
    return api.call("PATCH", f"/v1/teens/{teen.id}/controls", guardian.token, json=fields, headers={"If-Match": etag})


def _stored_by_an_older_service(database_url: str, teen: Person, keywords: list[str]) -> None:
    """Keywords written into the teen's stored controls directly, as an older service kept them
    (this service no longer takes them)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        (body,) = db.execute("SELECT body FROM controls WHERE teen_id = ?", (teen.id,)).fetchone()
        db.execute(
            "UPDATE controls SET body = ? WHERE teen_id = ?",
            (json.dumps({**json.loads(body), "keyword_filters": keywords}, separators=(",", ":")), teen.id),
        )


def _rule(api: Api, guardian: Person, teen: Person, name: str, controls: dict[str, Any], day: str) -> Any:  # noqa: ANN401
    body = {"name": name, "starts_on": day, "ends_on": day, "controls": controls}
    return api.call("POST", f"/v1/teens/{teen.id}/temporary-rules", guardian.token, json=body)


def check_every_field(api: Api, clock: FakeClock) -> None:
    """Each field refuses each class with the 422 and its words, and takes what people type."""
    alex = make_guardian(api, "Alex")
    maya = make_teen(api, "Maya", 14, clock.now.date())
    link(api, alex, maya)
    day = clock.now.date().isoformat()
    for kind, text in HIDDEN.items():
        _refused(_sign_up(api, text), "display_name")
        _refused(_sign_up(api, text, "teen"), "display_name")
        reason = _refused(api.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 15, "reason": text}),
                          "reason")  # fmt: skip
        assert "this holds" in reason, kind
        _refused(_patch(api, alex, maya, {"keyword_filters": ["ok", text]}), "keyword_filters")
        _refused(_rule(api, alex, maya, text, {"daily_limit_minutes": 60}, day), "name")
        _refused(_rule(api, alex, maya, "Exams", {"keyword_filters": [text]}, day), "controls.keyword_filters")
    # Nothing refused was kept: no request waits, no keyword, no rule.
    assert api.call("GET", f"/v1/teens/{maya.id}/time-requests", alex.token).json() == []
    assert controls_of(api, alex, maya)[0]["keyword_filters"] == []
    assert api.call("GET", f"/v1/teens/{maya.id}/temporary-rules", alex.token).json() == []

    for text in REAL:
        created = _sign_up(api, text)
        assert created.status_code == 201, created.text
        assert created.json()["display_name"] == text
        asked = api.call("POST", "/v1/me/time-requests", maya.token, json={"minutes": 15, "reason": text})
        assert asked.status_code == 201 and asked.json()["reason"] == text, asked.text
    changed = _patch(api, alex, maya, {"keyword_filters": REAL})
    assert changed.status_code == 200, changed.text
    assert changed.json()["keyword_filters"] == REAL
    waiting = api.call("GET", f"/v1/teens/{maya.id}/time-requests", alex.token).json()
    assert sorted(r["reason"] for r in waiting) == sorted(REAL)
    later = (clock.now.date() + timedelta(days=1)).isoformat()
    planned = _rule(api, alex, maya, REAL[0], {"daily_limit_minutes": 60}, later)
    assert planned.status_code == 201 and planned.json()["name"] == REAL[0], planned.text


@pytest.mark.both_read_paths
def test_every_text_field_refuses_hidden_characters_on_both_paths(live: Api, clock: FakeClock) -> None:
    check_every_field(live, clock)


@pytest.mark.both_read_paths
def test_a_keyword_an_older_service_stored_does_not_lock_the_list(
    live: Api, clock: FakeClock, database_url: str
) -> None:
    """An older service stored keywords as sent. The app sends the whole list back with each
    change: the stored word passes (it can still be removed), a new hidden one is refused. The
    body is written into the database directly because this service no longer takes it."""
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    assert _patch(live, alex, maya, {"keyword_filters": ["#diet"]}).status_code == 200
    old = "\u202eteid#"
    _stored_by_an_older_service(database_url, maya, ["#diet", old])
    kept = _patch(live, alex, maya, {"keyword_filters": ["#diet", old, "#fasting"]})
    assert kept.status_code == 200, kept.text
    assert kept.json()["keyword_filters"] == ["#diet", old, "#fasting"]
    _refused(_patch(live, alex, maya, {"keyword_filters": ["#diet", old, "a\u200bb"]}), "keyword_filters")
    removed = _patch(live, alex, maya, {"keyword_filters": ["#diet"]})
    assert removed.status_code == 200 and removed.json()["keyword_filters"] == ["#diet"]


@pytest.mark.both_read_paths
def test_a_keyword_with_a_comma_is_refused_and_one_stored_before_still_passes(
    live: Api, clock: FakeClock, database_url: str
) -> None:
    """The app reads a comma as between two keywords; one keyword "diet, prank" sent through the
    API showed as two words the guardian could not remove one by one. Refused in a change and in a
    temporary rule; one an older service stored passes with the rest of the list, as above."""
    alex = make_guardian(live, "Alex")
    maya = make_teen(live, "Maya", 14, clock.now.date())
    link(live, alex, maya)
    refused = _patch(live, alex, maya, {"keyword_filters": ["#diet", "diet, prank"]})
    reason = assert_error(refused, 422, "validation_failed")["fields"]["keyword_filters"]
    assert reason == KEYWORD_COMMA_WORDS
    day = clock.now.date().isoformat()
    in_rule = _rule(live, alex, maya, "Exams", {"keyword_filters": ["a,b"]}, day)
    assert "comma" in str(in_rule.json()), in_rule.text
    assert in_rule.status_code == 422
    assert _patch(live, alex, maya, {"keyword_filters": ["#diet", "#prank", "dièt ❤️"]}).status_code == 200
    old = "diet, prank"
    _stored_by_an_older_service(database_url, maya, ["#diet", old])
    kept = _patch(live, alex, maya, {"keyword_filters": ["#diet", old, "#fasting"]})
    assert kept.status_code == 200 and kept.json()["keyword_filters"] == ["#diet", old, "#fasting"], kept.text
