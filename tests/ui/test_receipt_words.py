"""The guardian's wording of the delivery receipt: on the phone since, waiting, not checked in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from famguard.domain.models import PhoneStatus
from famguard.ui.receipt_words import receipt_words


def test_the_receipt_in_words() -> None:
    now = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)
    never = receipt_words("Maya", None, now)
    assert never.short == "waiting for Maya's phone"
    # The video app on the phone reports, not FamGuard (a parent was told to open FamGuard there).
    assert never.long == (
        "◷ Waiting for Maya's phone: it has not reported yet; it will when the video app is next opened on it."
    )
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


def test_a_new_save_does_not_carry_the_last_versions_receipt(page) -> None:
    """Where the phone stood was about the version before: a change just saved read "saved — on
    Maya's phone 09:30" (and a screen reader said it) until the next receipt said "waiting"."""
    from famguard.domain.sync import SyncState

    while page.build_next():
        pass
    page.set_field_state("search_enabled", SyncState.SAVED)
    page.set_receipt("on Maya's phone 09:30")
    assert page.field_status("search_enabled") == "✓ saved — on Maya's phone 09:30"  # the version it has
    page.set_field_state("search_enabled", SyncState.PENDING)
    page.set_field_state("search_enabled", SyncState.SAVED)
    assert "09:30" not in page.field_status("search_enabled")
    page.set_receipt("waiting for Maya's phone")
    assert page.field_status("search_enabled") == "✓ saved — waiting for Maya's phone"


def test_the_last_versions_receipt_read_again_is_not_this_versions(page) -> None:
    """Found by an outside tester: a change made at 19:32 read "✓ saved — on Maya's phone 19:25"
    for a moment — the phone page drew again from the phone's report of 19:25, read before the
    save, and the row took it for this version's. The same report again is still the last
    version's; the next one is this version's."""
    from famguard.domain.sync import SyncState

    while page.build_next():
        pass
    page.set_field_state("daily_limit_minutes", SyncState.SAVED)
    page.set_field_state("search_enabled", SyncState.SAVED)
    page.set_receipt("on Maya's phone 19:25", "2026-12-06T19:25:04+00:00")
    assert page.field_status("daily_limit_minutes") == "✓ saved — on Maya's phone 19:25"
    page.set_field_state("daily_limit_minutes", SyncState.SENDING)
    page.set_field_state("daily_limit_minutes", SyncState.SAVED)
    page.set_receipt("on Maya's phone 19:25", "2026-12-06T19:25:04+00:00")  # drawn again from the old report
    assert page.field_status("daily_limit_minutes") == "✓ saved"
    # A setting not changed meanwhile: the report is about what it holds.
    assert page.field_status("search_enabled") == "✓ saved — on Maya's phone 19:25"
    page.set_receipt("waiting for Maya's phone")
    assert page.field_status("daily_limit_minutes") == "✓ saved — waiting for Maya's phone"
    page.set_receipt("on Maya's phone 19:32", "2026-12-06T19:32:40+00:00")  # the phone's next report
    assert page.field_status("daily_limit_minutes") == "✓ saved — on Maya's phone 19:32"
