"""What the teen's phone must apply: the teen's controls with the active temporary rule on top,
and its ETag (the base ETag plus the rule, so it changes when a rule starts, ends or is removed).
Also "settling" the rules: a rule's start and end happen by the calendar, not by a request, so
whenever a teen's rules are looked at, a status the family has not been told of yet is recorded
in the history and published once (`announced` remembers what was told). The same look tells the
family, once, when the 30 days before the teen's 18th birthday begin (the link will end), and
on the 16th birthday (the teen's date) that the options kept closed under 16 are open. Each
teen's settling is serialized (SQLite's single writer; an advisory lock per teen on PostgreSQL),
so several server processes tell each thing once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from famguard.domain.age import ADULT_AGE, OLDER_TEEN_AGE, TEEN_MIN_AGE, date_of_age
from famguard.domain.age_transition import AGE_KIND, TURNED_16, opened_at_16
from famguard.domain.controls import Controls, controls_from_json, controls_to_json
from famguard.domain.schedule import teen_today
from famguard.domain.teen_view import LINK_END_NOTICE_DAYS
from famguard.domain.temporary import RuleStatus, in_force, rule_status, with_rule
from famguard.server.access import timezone_of
from famguard.server.models import Account, ActivityRow, ControlsRow, Link, TemporaryRuleRow
from famguard.server.routes_controls import stored_controls
from famguard.server.service import Principal, Service

_RULE_TAG = 12  # characters of the rule id in an ETag
# Turning 16 is told when first seen within this many days of the birthday; after that the
# check (a look through the teen's history) is no longer made on every read.
TURNED_16_WINDOW_DAYS = 30
# "7", "7-u16", "7-r0123456789ab", "7-16-r0123456789ab": a base version, its age band, a rule.
# [0-9], not \d: \d also matches other scripts' digits ("\u0661"), which int() reads as the version.
# No leading zero: '"01"' reads as version 1 but was never an ETag, and a receipt stores what it is sent.
ETAG_PATTERN = re.compile(r'^"([1-9][0-9]{0,17})(?:-(u16|16))?(?:-r([0-9a-f]{12}))?"$')


@dataclass(frozen=True)
class Effective:
    body: str
    etag: str
    rule: TemporaryRuleRow | None


def teen_today_of(service: Service, session: Session, teen_id: str) -> date:
    return teen_today(service.teen_timezone(session, teen_id), service.now())


def live_rules(session: Session, teen_id: str) -> list[TemporaryRuleRow]:
    """The teen's rules not removed, newest first."""
    return list(
        session.scalars(
            select(TemporaryRuleRow)
            .where(TemporaryRuleRow.teen_id == teen_id, TemporaryRuleRow.removed_at.is_(None))
            .order_by(TemporaryRuleRow.starts_on.desc())
        )
    )


def active_rule(rules: list[TemporaryRuleRow], today: date) -> TemporaryRuleRow | None:
    return in_force(rules, today)


def rules_on(base: Controls, rules: list[TemporaryRuleRow], day: date) -> Controls:
    """`base` with the rule covering `day` on top (its limits, for a day's usage; rules do not
    overlap, so at most one does). Limits have no age rule, so the youngest age serves."""
    rule = next((r for r in rules if r.starts_on <= day <= r.ends_on), None)
    return base if rule is None else with_rule(base, json.loads(rule.controls), TEEN_MIN_AGE)


def effective_controls(
    service: Service, session: Session, teen: Account, row: ControlsRow, rules: list[TemporaryRuleRow] | None = None
) -> Effective:
    """The teen's effective controls and ETag, today in the teen's time zone (`rules`: the
    teen's live rules when the caller has read them already)."""
    body, etag = stored_controls(service, session, teen, row)
    today = teen_today(timezone_of(row.body), service.now())
    rule = active_rule(live_rules(session, teen.id) if rules is None else rules, today)
    if rule is None:
        return Effective(body, etag, None)
    age = service.teen_age(session, teen)
    merged = with_rule(controls_from_json(json.loads(body), age), json.loads(rule.controls), age)
    return Effective(json.dumps(controls_to_json(merged), separators=(",", ":")), rule_etag(etag, rule.id), rule)


def rule_etag(base_etag: str, rule_id: str) -> str:
    return f'{base_etag[:-1]}-r{rule_id[:_RULE_TAG]}"'


def is_known_etag(session: Session, teen_id: str, etag: str) -> bool:
    """Whether `etag` is one this teen's effective controls have had: a version up to the
    current one, an age band, and a rule of this teen."""
    match = ETAG_PATTERN.fullmatch(etag)
    if match is None:
        return False
    version = session.scalar(select(ControlsRow.version).where(ControlsRow.teen_id == teen_id))
    if version is None or not 1 <= int(match.group(1)) <= version:
        return False
    tag = match.group(3)
    if tag is None:
        return True
    ids = session.scalars(select(TemporaryRuleRow.id).where(TemporaryRuleRow.teen_id == teen_id))
    return any(rule_id.startswith(tag) for rule_id in ids)


def rule_json(rule: TemporaryRuleRow) -> dict[str, object]:
    """A rule as the history records it."""
    return {
        "name": rule.name,
        "starts_on": rule.starts_on.isoformat(),
        "ends_on": rule.ends_on.isoformat(),
        "controls": json.loads(rule.controls),
    }


def _birth_date(session: Session, teen_id: str) -> date | None:
    return session.scalar(select(Account.birth_date).where(Account.id == teen_id))


def link_ends_on(
    service: Service, session: Session, teen_id: str, today: date | None = None, birth: date | None = None
) -> date | None:
    """The 18th birthday, from 30 days before it (when the family is told the link will end);
    `birth`: the teen's birth date when the caller has read it."""
    birth = birth or _birth_date(session, teen_id)
    if birth is None:
        return None
    eighteenth = date_of_age(birth, ADULT_AGE)
    if (eighteenth - service.now().date()).days > LINK_END_NOTICE_DAYS + 1:  # the common case: far off
        return None
    days = (eighteenth - (today or teen_today_of(service, session, teen_id))).days
    return eighteenth if 0 <= days <= LINK_END_NOTICE_DAYS else None


def _told(session: Session, teen_id: str, kind: str, field: str) -> bool:
    found = select(ActivityRow.id).where(
        ActivityRow.teen_id == teen_id, ActivityRow.kind == kind, ActivityRow.field == field
    )
    return session.scalar(found) is not None


def _link_end_told(session: Session, teen_id: str) -> bool:
    return _told(session, teen_id, "link", "ending")


def turned_16_on(
    service: Service, session: Session, teen_id: str, today: date | None = None, birth: date | None = None
) -> date | None:
    """The 16th birthday, from that day on (the teen's date) for TURNED_16_WINDOW_DAYS, when the
    teen turned 16 while a guardian was linked (a teen linked at 16 or older did not turn 16
    under FamGuard); else None. `birth`: as for link_ends_on."""
    birth = birth or _birth_date(session, teen_id)
    if birth is None:
        return None
    sixteenth = date_of_age(birth, OLDER_TEEN_AGE)
    days = (service.now().date() - sixteenth).days
    if days < -1 or days > TURNED_16_WINDOW_DAYS + 1:  # the common case: far from that birthday
        return None
    days = ((today or teen_today_of(service, session, teen_id)) - sixteenth).days
    if not 0 <= days <= TURNED_16_WINDOW_DAYS:
        return None
    first_link = session.scalar(
        select(Link.linked_at).where(Link.teen_id == teen_id, Link.ended_at.is_(None)).order_by(Link.linked_at)
    )
    if first_link is None or teen_today(service.teen_timezone(session, teen_id), first_link) >= sixteenth:
        return None  # linked on the birthday or later: the teen was 16 before FamGuard
    return sixteenth


def unsettled(service: Service, session: Session, teen_id: str, rules: list[TemporaryRuleRow] | None = None) -> bool:
    """Whether a rule of the teen started or ended, the 30 days before 18 began, or the teen
    turned 16, without the family being told yet (`rules`: the teen's live rules, if read)."""
    today = teen_today_of(service, session, teen_id)
    rules = live_rules(session, teen_id) if rules is None else rules
    if any(rule_status(r.starts_on, r.ends_on, today).value != r.announced for r in rules):
        return True
    birth = _birth_date(session, teen_id)  # read once: this runs on every read of the phone
    if link_ends_on(service, session, teen_id, today, birth) is not None and not _link_end_told(session, teen_id):
        return True
    return turned_16_on(service, session, teen_id, today, birth) is not None and not _told(
        session, teen_id, AGE_KIND, TURNED_16
    )


def settle(service: Service, session: Session, teen_id: str) -> None:
    """Record and publish each start and end of the teen's rules not told yet (in a write
    transaction), and the birthdays that change something. A rule that started and ended unseen
    is told both, in order."""
    service.lock_keys(session, f"settle:{teen_id}")  # then the checks below see the other's writes
    _tell_link_end(service, session, teen_id)
    _tell_turned_16(service, session, teen_id)
    today = teen_today_of(service, session, teen_id)
    for rule in sorted(live_rules(session, teen_id), key=lambda r: r.starts_on):
        status = rule_status(rule.starts_on, rule.ends_on, today)
        if status.value == rule.announced:
            continue
        steps = [RuleStatus.ACTIVE, RuleStatus.ENDED] if status is RuleStatus.ENDED else [status]
        if rule.announced == RuleStatus.ACTIVE.value:
            steps = [RuleStatus.ENDED]
        moved = session.execute(
            update(TemporaryRuleRow)
            .where(TemporaryRuleRow.id == rule.id, TemporaryRuleRow.announced == rule.announced)
            .values(announced=status.value)
        ).rowcount  # type: ignore[attr-defined]
        if moved != 1:  # another request told it meanwhile
            continue
        for step in steps:
            kind = "temporary_rule_started" if step is RuleStatus.ACTIVE else "temporary_rule_ended"
            field = "started" if step is RuleStatus.ACTIVE else "ended"
            service.record(session, None, teen_id, "temporary_rule", field, None, rule_json(rule))
            data = {"rule_id": rule.id, "name": rule.name, "starts_on": rule.starts_on.isoformat(),
                    "ends_on": rule.ends_on.isoformat()}  # fmt: skip
            service.publish(session, kind, teen_id, data, service.family_ids(session, teen_id))


def _tell_link_end(service: Service, session: Session, teen_id: str) -> None:
    """30 days before 18: the teen and the guardians are told, once, that the link will end."""
    ends = link_ends_on(service, session, teen_id)
    if ends is None or _link_end_told(session, teen_id):
        return
    service.record(session, None, teen_id, "link", "ending", None, {"on": ends.isoformat()})
    service.publish(session, "link_ending", teen_id, {"on": ends.isoformat()}, service.family_ids(session, teen_id))


def _tell_turned_16(service: Service, session: Session, teen_id: str) -> None:
    """The 16th birthday: the family is told, once, which options it opened (each setting keeps
    its value: nothing changes by itself)."""
    on = turned_16_on(service, session, teen_id)
    if on is None or _told(session, teen_id, AGE_KIND, TURNED_16):
        return
    facts = {"age": OLDER_TEEN_AGE, "on": on.isoformat(), **opened_at_16()}
    service.record(session, None, teen_id, AGE_KIND, TURNED_16, None, facts)
    service.publish(session, "teen_turned_16", teen_id, {"on": on.isoformat()}, service.family_ids(session, teen_id))


def settled_reader(service: Service, request: Request, teen_id: str | None = None) -> tuple[Principal, str]:
    """Who reads a teen's rules (a guardian linked with `teen_id`, or the teen itself when
    `teen_id` is None) and which teen, once that teen's rules are settled for today."""
    with service.db.read() as session:
        if teen_id is None:
            me = service.authenticate(session, request, "teen")
            teen_id = me.account_id
        else:
            me = service.authenticate(session, request, "guardian")
            service.linked_teen(session, me, teen_id)
    settle_if_needed(service, teen_id)
    return me, teen_id


def settle_if_needed(service: Service, teen_id: str) -> None:
    """Look in a read transaction first: a write is only taken when there is news."""
    with service.db.read() as session:
        if not unsettled(service, session, teen_id):
            return
    with service.db.write() as session:
        settle(service, session, teen_id)
