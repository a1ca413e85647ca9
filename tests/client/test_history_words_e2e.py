"""Two history entries, from the real server to the words on screen (outside testers): a rule the
guardian ended while it was in force read "removed" in the teen's log and the guardians'
history, as if it had never applied; and a request for time still waiting when the teen's last
link ended stayed waiting and reached the next guardian's inbox. Through the client library and
the teen's command line (`famguard-teen activity`'s own lines): the rule reads as ended early
(one removed before it began still reads removed), and the request as closed unanswered, with
nothing waiting for the guardian who pairs next."""

from __future__ import annotations

from datetime import timedelta

from famguard import teen_cli
from famguard.domain import teen_view
from famguard.domain.activity_words import describe
from famguard.domain.models import TimeRequestStatus
from tests.support.accounts import member, pair


def test_an_ended_rule_and_a_closed_request_read_as_what_happened(live_server: str) -> None:
    alex = member(live_server, "guardian", "Alex")
    sam = member(live_server, "teen", "Sam", age=14)
    teen_id = pair(alex.api, sam.api)
    today = sam.api.my_usage().date
    limit = {"daily_limit_minutes": 30}
    exams = alex.api.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), limit)
    later = today + timedelta(days=10)
    holiday = alex.api.create_temporary_rule(teen_id, "Holiday", later, later + timedelta(days=2), limit)
    alex.api.remove_temporary_rule(teen_id, exams.id)  # the app's "End the rule": it is in force
    alex.api.remove_temporary_rule(teen_id, holiday.id)  # not begun: taken back

    history = [describe(e, "Sam", me=alex.id).headline for e in alex.api.activity(teen_id)]
    last_day = teen_view.day_in_words(today + timedelta(days=3))
    assert history[:2] == [
        "You removed the temporary rule “Holiday”",
        f"You ended the temporary rule “Exams” early (planned until {last_day})",
    ]

    sam.api.ask_for_time(30, "Homework")
    teen_cli.unlink_all(sam.api)  # the teen ends its only link
    log = [line.split("  ", 1)[1] for line in teen_cli.activity_lines(sam.api)]
    assert "Your request for 30 min more closed unanswered: no guardian managed this account any more" in log
    assert f"Alex ended the temporary rule “Exams” early (planned until {last_day})" in log
    assert "Alex removed the temporary rule “Holiday”" in log
    assert not any("said no" in line for line in log)

    jordan = member(live_server, "guardian", "Jordan")
    pair(jordan.api, sam.api)
    assert [r for r in jordan.api.time_requests(teen_id) if r.status is TimeRequestStatus.PENDING] == []
    seen = [describe(e, "Sam", me=jordan.id).headline for e in jordan.api.activity(teen_id)]
    assert "Sam's request for 30 min more closed unanswered: no guardian was linked any more" in seen
