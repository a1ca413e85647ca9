"""Databases for the benchmarks, filled directly through the service's own tables (SQLAlchemy
Core over famguard.server.models, after the shipped migrations): guardians, teens linked to
them with the default controls for their age (famguard.domain, as pairing creates them), and a
live access token per guardian. Creating 100,000 accounts through the API would hash 100,000
passwords (argon2, 64 MiB each); the measured requests themselves all go over HTTP.

Every seeded account shares one argon2 hash of PASSWORD, so the benchmarks can also sign in."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from famguard.domain.controls import controls_to_json, defaults_for_age
from famguard.server.db import make_engine, upgrade_schema
from famguard.server.models import Account, ActivityRow, ControlsRow, EventRecipient, EventRow, Link, SignIn, Token
from famguard.server.security import hash_password, token_hash

PASSWORD = "benchmark password"  # noqa: S105 - a throw-away benchmark account
TEEN_AGE = 15


@dataclass(frozen=True)
class Seeded:
    """What the load generators need: per measured guardian its access token, and its teens."""

    tokens: list[str]  # one per guardian, index = guardian number
    teens: list[list[str]]  # teen ids per guardian
    guardian_ids: list[str]


def seed(database_url: str, *, guardians: int, teens: int, history: int = 0) -> Seeded:
    """`teens` teens spread over `guardians` guardians (teen n belongs to guardian n % guardians),
    each guardian signed in once. `history` activity rows and events per teen make the tables
    less empty."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    now = datetime.now(UTC)
    stored_hash = hash_password(PASSWORD)
    birth = date(now.year - TEEN_AGE, 1, 1)
    body = json.dumps(controls_to_json(defaults_for_age(TEEN_AGE)), separators=(",", ":"))
    guardian_ids = [secrets.token_hex(16) for _ in range(guardians)]
    teen_ids = [secrets.token_hex(16) for _ in range(teens)]
    tokens = [secrets.token_urlsafe(32) for _ in range(guardians)]
    signin_ids = [secrets.token_hex(16) for _ in range(guardians)]
    batch = 5000
    with engine.begin() as connection:

        def put(table: object, rows: list[dict[str, object]]) -> None:
            for start in range(0, len(rows), batch):
                connection.execute(insert(table), rows[start : start + batch])  # type: ignore[arg-type]

        put(
            Account,
            [
                {
                    "id": gid,
                    "email": f"guardian{n}@bench.example",
                    "password_hash": stored_hash,
                    "display_name": f"Guardian {n}",
                    "role": "guardian",
                    "birth_date": None,
                    "created_at": now,
                }
                for n, gid in enumerate(guardian_ids)
            ]
            + [
                {
                    "id": tid,
                    "email": f"teen{n}@bench.example",
                    "password_hash": stored_hash,
                    "display_name": f"Teen {n}",
                    "role": "teen",
                    "birth_date": birth,
                    "created_at": now,
                }
                for n, tid in enumerate(teen_ids)
            ],
        )
        put(
            SignIn,
            [
                {"id": sid, "account_id": gid, "created_at": now}
                for sid, gid in zip(signin_ids, guardian_ids, strict=True)
            ],
        )
        put(
            Token,
            [
                {
                    "token_hash": token_hash(tok),
                    "signin_id": sid,
                    "kind": "access",
                    "expires_at": now + timedelta(days=1),
                }
                for tok, sid in zip(tokens, signin_ids, strict=True)
            ],
        )
        put(
            Link,
            [
                {
                    "id": secrets.token_hex(16),
                    "guardian_id": guardian_ids[n % guardians],
                    "teen_id": tid,
                    "linked_at": now,
                    "ended_at": None,
                }
                for n, tid in enumerate(teen_ids)
            ],
        )
        put(ControlsRow, [{"teen_id": tid, "version": 1, "body": body, "updated_at": now} for tid in teen_ids])
        if history:
            put(
                ActivityRow,
                [
                    {
                        "at": now,
                        "actor_id": guardian_ids[n % guardians],
                        "teen_id": tid,
                        "kind": "controls",
                        "field": "daily_limit_minutes",
                        "before": "null",
                        "after": "60",
                    }
                    for n, tid in enumerate(teen_ids)
                    for _ in range(history)
                ],
            )
            events = [(n * history + k + 1, tid, n) for n, tid in enumerate(teen_ids) for k in range(history)]
            put(
                EventRow,
                [
                    {"id": eid, "at": now, "type": "controls_changed", "teen_id": tid, "data": "{}"}
                    for eid, tid, _ in events
                ],
            )
            put(
                EventRecipient,
                _numbered(
                    [{"account_id": tid, "event_id": eid} for eid, tid, _ in events]
                    + [{"account_id": guardian_ids[n % guardians], "event_id": eid} for eid, _, n in events]
                ),
            )
            if engine.dialect.name == "postgresql":  # explicit ids leave the id sequence behind
                connection.execute(text("SELECT setval(pg_get_serial_sequence('events', 'id'), max(id)) FROM events"))
    engine.dispose()
    per_guardian: list[list[str]] = [[] for _ in range(guardians)]
    for n, tid in enumerate(teen_ids):
        per_guardian[n % guardians].append(tid)
    return Seeded(tokens, per_guardian, guardian_ids)


def _numbered(recipients: list[dict]) -> list[dict]:
    """Each recipient's events numbered 1, 2, 3… in event order, as the server numbers them."""
    counts: dict[str, int] = {}
    for row in sorted(recipients, key=lambda r: r["event_id"]):
        counts[row["account_id"]] = row["seq"] = counts.get(row["account_id"], 0) + 1
    return recipients
