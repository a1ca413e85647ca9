"""The guardian's wording of the delivery receipt: on the phone since, waiting, not checked in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from famguard.domain.models import PhoneStatus
from famguard.ui.receipt_words import receipt_words


def test_the_receipt_in_words() -> None:
    now = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)
    assert receipt_words("Maya", None, now).short == "waiting for Maya's phone"
    applied = now - timedelta(minutes=58)
    fresh = PhoneStatus(applied, '"7"', applied, '"7"', True)
    local = applied.astimezone()
    words = receipt_words("Maya", fresh, now)
    # The phone's own word, said as such: a phone changed to lie can report rules it never applied.
    assert words.long == f"✓ On Maya's phone since {local:%H:%M}, as the phone reports"
    assert "cannot check a phone that was changed to report falsely" in words.basis
    behind = PhoneStatus(now - timedelta(minutes=5), '"7"', applied, '"8"', False)
    assert receipt_words("Maya", behind, now).short == "waiting for Maya's phone"
    silent_since = now - timedelta(days=2)
    silent = PhoneStatus(silent_since, '"7"', silent_since, '"8"', False)
    words = receipt_words("Maya", silent, now)
    assert words.short == f"Maya's phone has not checked in since {silent_since.astimezone():%A %H:%M}"
    assert words.long.startswith("⚠ ") and not words.up_to_date
