"""The delivery receipt in the guardian's words: "✓ On Maya's phone since 14:02", "◷ Waiting
for Maya's phone", "⚠ Maya's phone has not checked in since Monday 18:40" — pure wording, no Qt
(famguard.ui.phone_status shows it). Its own module, loaded when a receipt is first worded: the
family from the store is painted before any receipt is known (it comes with the phone's report,
after that paint), and a frozen dataclass costs ~1 ms of CPU to make on Python 3.11."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from famguard.domain.models import PhoneStatus

# A phone that reported within this time is "waiting" for a change; after it, "has not checked in".
STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class ReceiptWords:
    """The words of the teen phone's receipt: next to a setting and on the phone-status line."""

    short: str  # after "saved — " next to a setting
    long: str  # the phone-status line
    up_to_date: bool
    basis: str = ""  # what the receipt rests on (the phone-status line's tooltip)
    report: str = ""  # which report of the phone says it is up to date (its moment), "" when none does


# A receipt is the phone's own word: a phone changed to lie (the teen holds it) can report a version
# it never applied, and no service can look inside the phone. The guardian is told so, not "proof".
_PHONES_WORD = (
    "{name}'s phone reported at {when} that it applied the latest rules. FamGuard goes by the phone's "
    "own report: it cannot check a phone that was changed to report falsely."
)


def _when(moment: datetime, now: datetime) -> str:
    local, today = moment.astimezone(), now.astimezone()
    if local.date() == today.date():
        return f"{local:%H:%M}"
    if (today.date() - local.date()).days < 7:
        return f"{local:%A %H:%M}"
    return f"{local.day} {local:%B %H:%M}"


def receipt_words(name: str, status: PhoneStatus | None, now: datetime) -> ReceiptWords:
    """What to say about the teen's phone, from its last report (None: never asked yet)."""
    if status is None or status.last_seen_at is None:
        return ReceiptWords(
            f"waiting for {name}'s phone",
            # The video app on the teen's phone reports, not FamGuard (API.md, "Delivery receipts").
            f"◷ Waiting for {name}'s phone: it has not reported yet; it will when the video app is next opened on it.",
            False,
        )
    if status.up_to_date and status.applied_at is not None:
        when = _when(status.applied_at, now)
        return ReceiptWords(
            f"on {name}'s phone {when}",
            f"✓ On {name}'s phone since {when}, as the phone reports",
            True,
            _PHONES_WORD.format(name=name, when=when),
            status.applied_at.isoformat(),
        )
    seen = _when(status.last_seen_at, now)
    if now - status.last_seen_at > STALE_AFTER:
        return ReceiptWords(
            f"{name}'s phone has not checked in since {seen}",
            f"⚠ {name}'s phone has not checked in since {seen}: the latest rules have not reached it yet.",
            False,
        )
    return ReceiptWords(
        f"waiting for {name}'s phone",
        f"◷ Waiting for {name}'s phone to apply the latest rules (it last checked in at {seen}).",
        False,
    )
