"""The demo family, defined once: guardian Alex Morgan (and a second guardian, Jordan), teens
Maya (14) and Sam (17, 18 in a few weeks: the home shows what changes then) linked to both, their
controls, their usage every day since they were linked three weeks ago, Maya's decided and Sam's
pending extra-time request, and the history of how it came to be.

`make_demo_plan` draws the ids and passwords once per demo start and fixes the moment the family
is seeded at; the practice service's seeding (famguard.server.demo.seed_demo) writes exactly this
plan, and whatever else needs the demo family before the service answers reads the same plan
(`DemoPlan.usage_days`, `DemoTeenPlan.etag`: what the service will answer). Qt-free and
server-free: stdlib and the domain only."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from famguard.domain.age import birthday_in_year
from famguard.domain.controls import Audience, Controls, defaults_for_age, etag_of
from famguard.domain.models import Role, TimeRequestStatus, UsageDay
from famguard.domain.schedule import LimitChange, limit_for_day, limits_in_force, teen_today

DEMO_TIMEZONE = "Europe/London"
_WORDS = ("maple", "harbor", "violet", "comet", "pebble", "lantern", "meadow", "orbit", "willow", "ember")
# The stored version of each demo teen's controls (three changes made them what they are).
DEMO_CONTROLS_VERSION = 3


@dataclass(frozen=True)
class DemoPerson:
    id: str
    email: str
    password: str
    display_name: str
    role: Role
    created_at: datetime
    born: date | None = None


@dataclass(frozen=True)
class DemoTeenPlan:
    person: DemoPerson
    age: int
    controls: Controls
    usage: tuple[tuple[date, int], ...]  # (day, minutes) for each day from the link to the teen's today
    # (applied, last seen): the last report of a phone the demo does not play (Sam's; the Teen's
    # phone panel is Maya's and reports itself). Without it, Sam's home said "Waiting for Sam's
    # phone: it has not reported yet" beside his figures and his request (support agents, twice).
    phone_report: tuple[datetime, datetime] | None = None

    @property
    def etag(self) -> str:
        """The ETag the service gives these controls (stored complete at DEMO_CONTROLS_VERSION)."""
        return etag_of(DEMO_CONTROLS_VERSION)


@dataclass(frozen=True)
class DemoLink:
    id: str
    guardian_id: str
    teen_id: str
    linked_at: datetime


@dataclass(frozen=True)
class DemoRequest:
    id: str
    teen_id: str
    day: date
    minutes: int
    reason: str
    status: TimeRequestStatus
    created_at: datetime
    decided_at: datetime | None = None
    decided_by_id: str | None = None
    granted_minutes: int | None = None


@dataclass(frozen=True)
class DemoHistoryEntry:
    at: datetime
    actor_id: str | None
    teen_id: str
    kind: str
    field: str | None
    before: object
    after: object


@dataclass(frozen=True)
class DemoPlan:
    """One demo start's family: who, with which ids and passwords, and what they did, as of `now`."""

    now: datetime
    today: date  # the teens' today (DEMO_TIMEZONE) at `now`
    guardian: DemoPerson
    second_guardian: DemoPerson
    teens: tuple[DemoTeenPlan, ...]
    # A guardian account linked with nobody: it asks to join a teen's guardians when support staff
    # practise an approval ("Someone asks to join" in the demo bar; famguard-server --demo prints it).
    newcomer: DemoPerson
    links: tuple[DemoLink, ...]
    requests: tuple[DemoRequest, ...]
    history: tuple[DemoHistoryEntry, ...]

    @property
    def people(self) -> tuple[DemoPerson, ...]:
        return (self.guardian, self.second_guardian, self.newcomer, *(teen.person for teen in self.teens))

    def teen(self, teen_id: str) -> DemoTeenPlan:
        return next(teen for teen in self.teens if teen.person.id == teen_id)

    def requests_of(self, teen_id: str) -> tuple[DemoRequest, ...]:
        return tuple(request for request in self.requests if request.teen_id == teen_id)

    def limit_changes(self, teen_id: str) -> list[LimitChange]:
        """The teen's recorded controls changes, in the order they were made, as the service's
        reconstruction of a past day's limit reads them (schedule.limits_in_force)."""
        entries = sorted((e for e in self.history if e.teen_id == teen_id and e.kind == "controls"), key=lambda e: e.at)
        return [LimitChange(entry.at, entry.field, entry.before) for entry in entries if entry.field]

    def usage_days(self, teen_id: str) -> list[UsageDay]:
        """The teen's week as the service answers it: minutes, the limit in force at the end of
        that day (the history's changes undone, as the service does) with the extra time approved
        for it, and that extra time."""
        teen = self.teen(teen_id)
        extra: dict[date, int] = {}
        for request in self.requests_of(teen_id):
            if request.status is TimeRequestStatus.APPROVED and request.granted_minutes:
                extra[request.day] = extra.get(request.day, 0) + request.granted_minutes
        days = [day for day, _minutes in teen.usage]
        in_force = limits_in_force(teen.controls, self.limit_changes(teen_id), days, DEMO_TIMEZONE)
        return [
            UsageDay(day, minutes, limit_for_day(in_force[day], day, extra.get(day, 0)), extra.get(day, 0))
            for day, minutes in teen.usage
        ]


def _password() -> str:
    return "-".join(secrets.choice(_WORDS) for _ in range(3)) + f"-{secrets.randbelow(100):02d}"


def _new_id() -> str:
    return secrets.token_hex(16)  # the service's own id form (32 hex digits)


# The demo teens' minutes on the two weeks before this one (the first on the day after they were linked).
_MAYA_EARLIER = (42, 55, 38, 60, 50, 47, 30, 58, 45, 33, 40, 52, 49, 36)
_SAM_EARLIER = (55, 60, 60, 48, 60, 52, 60, 60, 41, 60, 57, 60, 60, 50)


def _born(today: date, age: int, days_since_birthday: int) -> date:
    return birthday_in_year(today, today.year - age) - timedelta(days=days_since_birthday)


def make_demo_plan(
    now: datetime | None = None, *, new_id: Callable[[], str] = _new_id, password: Callable[[], str] = _password
) -> DemoPlan:
    """The demo family as of `now` (aware; default: this moment), with new ids and passwords."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = teen_today(DEMO_TIMEZONE, now)

    def person(email: str, name: str, role: Role, born: date | None = None) -> DemoPerson:
        return DemoPerson(new_id(), email, password(), name, role, now - timedelta(days=30), born)

    alex = person("demo@famguard.example", "Alex Morgan", Role.GUARDIAN)
    jordan = person("jordan@famguard.example", "Jordan Morgan", Role.GUARDIAN)
    robin = person("robin@famguard.example", "Robin Morgan", Role.GUARDIAN)
    maya = person("maya@famguard.example", "Maya", Role.TEEN, _born(today, 14, 120))
    # 18 in about six weeks: within the home's look ahead (famguard.services.insight), so the demo
    # shows what changes at 18. At 16 years and 200 days no demo teen ever showed it (an outside
    # tester found that story a dead end in the demo).
    sam = person("sam@famguard.example", "Sam", Role.TEEN, _born(today, 17, 323))
    links: list[DemoLink] = []
    history: list[DemoHistoryEntry] = []

    def entry(ago: float | timedelta, actor: DemoPerson | None, teen: DemoPerson, kind: str, field: str | None,
              before: object, after: object) -> None:  # fmt: skip
        at = now - (ago if isinstance(ago, timedelta) else timedelta(days=ago))
        history.append(DemoHistoryEntry(at, actor.id if actor else None, teen.id, kind, field, before, after))

    teens: list[DemoTeenPlan] = []
    for teen, age in ((maya, 14), (sam, 17)):
        for guardian, days_ago in ((alex, 21), (jordan, 20)):
            # Sam an hour after Maya: the family lists its teens in the order they were linked.
            ago = timedelta(days=days_ago, hours=0 if teen is maya else -1)
            links.append(DemoLink(new_id(), guardian.id, teen.id, now - ago))
            entry(ago, guardian, teen, "link", None, None, {"guardian": guardian.display_name})
        controls = defaults_for_age(age, DEMO_TIMEZONE)
        if teen is sam:
            controls = controls.replace(
                daily_limit_minutes=90, daily_limit_overrides={"sat": 120, "sun": 120}, duet_stitch=Audience.NO_ONE
            )
            entry(6, jordan, sam, "controls", "daily_limit_minutes", 60, 90)
            entry(6, jordan, sam, "controls", "daily_limit_overrides", {}, {"sat": 120, "sun": 120})
            entry(5, alex, sam, "controls", "duet_stitch", "friends", "no_one")
        else:
            controls = controls.replace(keyword_filters=("#diet", "#prank"), restricted_mode=True)
            entry(4, alex, maya, "controls", "restricted_mode", False, True)
            entry(4, alex, maya, "controls", "keyword_filters", [], ["#diet", "#prank"])
        # Every day since the link (the 28-day chart showed two weeks of 0 min before this week's:
        # a family that did not use the app at all, read as a broken chart at a demo). Before this
        # week, Sam at his 1 h limit most days: why Jordan raised it to 1 h 30 min six days ago.
        earlier = _MAYA_EARLIER if teen is maya else _SAM_EARLIER
        week = (35, 52, 61, 48, 75, 90, 20) if teen is maya else (80, 95, 70, 110, 88, 120, 45)
        pattern = earlier + week
        usage = tuple(
            (today - timedelta(days=days_ago), minutes)
            for days_ago, minutes in zip(range(len(pattern) - 1, -1, -1), pattern, strict=True)
        )
        # Sam's phone applied his rules a few minutes after their last change (five days ago) and
        # checked in a quarter of an hour ago.
        report = (now - timedelta(days=5) + timedelta(minutes=4), now - timedelta(minutes=15)) if teen is sam else None
        teens.append(DemoTeenPlan(teen, age, controls, usage, report))

    # Each request's history entry carries the request's own moments: the pending one read "asked
    # at 22:19" on the home and 22:18 in the history (found trying the demo).
    asked, decided = timedelta(days=2, hours=1), timedelta(days=2)
    approved = DemoRequest(
        id=new_id(),
        teen_id=maya.id,
        day=today - timedelta(days=2),
        minutes=30,
        reason="Finishing the video for my science project",
        status=TimeRequestStatus.APPROVED,
        created_at=now - asked,
        decided_at=now - decided,
        decided_by_id=alex.id,
        granted_minutes=15,
    )
    entry(asked, maya, maya, "time_request", "requested", None, 30)
    entry(decided, alex, maya, "time_request", "approved", 30, 15)
    waiting = timedelta(minutes=20)
    pending = DemoRequest(
        id=new_id(),
        teen_id=sam.id,
        day=today,
        minutes=30,
        reason="Watching the match highlights with friends",
        status=TimeRequestStatus.PENDING,
        created_at=now - waiting,
    )
    entry(waiting, sam, sam, "time_request", "requested", None, 30)
    return DemoPlan(
        now=now,
        today=today,
        guardian=alex,
        second_guardian=jordan,
        teens=tuple(teens),
        newcomer=robin,
        links=tuple(links),
        requests=(approved, pending),
        history=tuple(history),
    )
