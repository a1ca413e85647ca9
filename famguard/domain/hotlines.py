"""Where to report illegal content, above all child sexual abuse material: the national hotlines
of the INHOPE network (the table is data, resources/hotlines.json), the one for a
country, and the country a locale name ("en_GB", "de-AT.UTF-8") points to. Pure: the caller
reads the file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from famguard.domain.errors import ErrorKind, FamGuardError

# What the settings keep when the guardian chose "Another country" (the fallback has no code).
OTHER_COUNTRY = "other"


class HotlineTableError(FamGuardError):
    kind = ErrorKind.BUG  # the table ships with the app: a broken one is our mistake
    title = "The list of hotlines is damaged"


@dataclass(frozen=True)
class Hotline:
    country: str  # ISO 3166-1 alpha-2, "" for the fallback
    country_name: str
    organisation: str
    url: str


@dataclass(frozen=True)
class HotlineTable:
    hotlines: tuple[Hotline, ...]
    fallback: Hotline
    about: str
    source: str = ""  # where the entries were checked
    checked: str = ""  # when (YYYY-MM-DD)

    def for_country(self, country: str | None) -> Hotline:
        """The hotline of `country` (a two-letter code, any case), else INHOPE's list of members."""
        code = (country or "").upper()
        return next((h for h in self.hotlines if h.country == code), self.fallback)

    def knows(self, choice: str) -> bool:
        """Whether a remembered choice (a code, or OTHER_COUNTRY) is still in the table."""
        return choice == OTHER_COUNTRY or any(h.country == choice.upper() for h in self.hotlines if choice)

    def countries(self) -> list[Hotline]:
        """One hotline per country, by country name, then the fallback ("Another country")."""
        seen: dict[str, Hotline] = {}
        for hotline in sorted(self.hotlines, key=lambda h: h.country_name):
            seen.setdefault(hotline.country, hotline)
        return [*seen.values(), self.fallback]


def _hotline(raw: Any, where: str) -> Hotline:  # noqa: ANN401 - JSON from the data file
    if not isinstance(raw, dict):
        raise HotlineTableError(f"{where} is not an object.")
    values = {}
    for key in ("country", "country_name", "organisation", "url"):
        value = raw.get(key)
        if not isinstance(value, str):
            raise HotlineTableError(f"{where} has no {key}.")
        values[key] = value
    parts = urlsplit(values["url"])
    if parts.scheme != "https" or not parts.netloc:
        raise HotlineTableError(f"{where}: {values['url']!r} is not an https address.")
    if values["country"] and not re.fullmatch(r"[A-Z]{2}", values["country"]):
        raise HotlineTableError(f"{where}: {values['country']!r} is not a two-letter country code.")
    return Hotline(**values)


def parse_hotlines(text: str) -> HotlineTable:
    """The table from the data file's JSON; every address must be https. `source` and `checked`
    (the list's provenance and the date it was last checked) are optional."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise HotlineTableError(f"Not JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("hotlines"), list):
        raise HotlineTableError("No list of hotlines.")
    hotlines = tuple(_hotline(item, f"hotline {i + 1}") for i, item in enumerate(raw["hotlines"]))
    checked = raw.get("checked", "")
    if not isinstance(checked, str) or (checked and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", checked)):
        raise HotlineTableError(f"checked: {checked!r} is not a date (YYYY-MM-DD).")
    fallback = _hotline(raw.get("fallback"), "the fallback")
    return HotlineTable(hotlines, fallback, str(raw.get("about", "")), str(raw.get("source", "")), checked)


def country_of_locale(name: str) -> str | None:
    """The country part of a locale name: "en_GB" -> "GB", "de-AT.UTF-8" -> "AT", "C" -> None."""
    match = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", name)
    return match.group(1).upper() if match else None


def country_of_zone(zone: str | None, zone_tab: str) -> str | None:
    """The country of an IANA time zone by tzdata's `zone.tab` (its text): "Europe/London" ->
    "GB"; None for a zone of no one country (UTC) or none at all."""
    if not zone:
        return None
    for line in zone_tab.splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) >= 3 and fields[2] == zone:
            return fields[0].upper()
    return None
