"""The service's tables, declared once for SQLAlchemy. Alembic migrations (migrations/versions)
create and upgrade them; a test proves the migrations produce exactly this schema.

No `from __future__ import annotations` here: SQLAlchemy reads each column's `Mapped[...]` type
from the class's annotations, and as strings it evaluated every one of them (~100 `eval` calls,
~25 ms of the server's start, paid on the way to the demo family); as objects they are read as
they are."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, stored as naive UTC on every backend
    (SQLite has no time zone type, so one storage form keeps comparisons in SQL correct)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SignIn(Base):
    """One sign-in (a device session); every token belongs to one, and revoking it revokes all."""

    __tablename__ = "signins"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Token(Base):
    """An access or refresh token, known only by its SHA-256 hash."""

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    signin_id: Mapped[str] = mapped_column(ForeignKey("signins.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # A refresh token's: the SHA-256 of the retry key it was used with (routes_accounts.refresh).
    used_with: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Attempt(Base):
    """A failed sign-in or a wrong pairing code, kept for the throttling windows."""

    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    account_key: Mapped[str | None] = mapped_column(String(254), nullable=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        Index("ix_attempts_account", "kind", "account_key", "at"),
        Index("ix_attempts_address", "kind", "address", "at"),
    )


class DeviceRow(Base):
    """A device the account signed in from (famguard.server.devices): its token is known only by
    an HMAC keyed with the server's secret; a right password with it passes the account lock."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PairingRow(Base):
    __tablename__ = "pairings"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guardian_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    locator_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10))
    wrong_guesses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    teen_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True, index=True)
    # The guardian who approved or refused it (a request to join a teen who has guardians); no
    # foreign key: see its migration, 0009.
    answered_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


LIVE_LINKS = "ended_at IS NULL"


class Link(Base):
    __tablename__ = "links"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guardian_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    __table_args__ = (
        # At most one live link per guardian and teen, even under concurrent confirms.
        Index("uq_links_active", "guardian_id", "teen_id", unique=True, sqlite_where=text(LIVE_LINKS)),
    )


def add_postgresql_options() -> None:
    """The PostgreSQL half of the partial indexes above (`famguard.server.db.make_engine` calls it
    for a PostgreSQL engine; again is harmless). Naming a dialect's option loads that dialect, and
    the PostgreSQL one is ~40 ms of imports that a SQLite service (the demo's) never uses."""
    index = next(i for i in Base.metadata.tables["links"].indexes if i.name == "uq_links_active")
    index.dialect_kwargs["postgresql_where"] = text(LIVE_LINKS)


class ControlsRow(Base):
    """A teen's controls as the JSON of famguard.domain.controls.controls_to_json; `version` is
    the ETag and grows on every change."""

    __tablename__ = "controls"
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UsageRow(Base):
    __tablename__ = "usage"
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TimeRequestRow(Base):
    __tablename__ = "time_requests"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    granted_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ActivityRow(Base):
    """The append-only history: the service only ever inserts here."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_teen", "teen_id", "id"),
        # By field and time: a usage answer undoes the limit changes made since its first day
        # (routes_family.LIMIT_CHANGES_SQL) without reading the teen's whole history.
        Index("ix_activity_teen_field", "teen_id", "field", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40), nullable=True)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    type: Mapped[str] = mapped_column(String(30))
    teen_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    data: Mapped[str] = mapped_column(Text)


class EventRecipient(Base):
    __tablename__ = "event_recipients"
    # By event: the event hub reads the recipients of new events (notify.py).
    # By account and its own numbering: a poll's read and its cursor (statements.py).
    __table_args__ = (
        Index("ix_event_recipients_event", "event_id"),
        Index("ux_event_recipients_account_seq", "account_id", "seq", unique=True),
    )
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # this account's n-th event: the id it sees


class IdempotencyRow(Base):
    """A PATCH seen with an Idempotency-Key: in progress, or its stored response for replay."""

    __tablename__ = "idempotency_keys"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    etag: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WriteBudget(Base):
    """An account's writes in its current minute (famguard.server.write_budget)."""

    __tablename__ = "write_budgets"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    spent: Mapped[int] = mapped_column(Integer)


class PhoneStatusRow(Base):
    """What the teen's phone last said: the version of its effective controls it applied, when,
    and when it last checked in (a delivery receipt for the guardians)."""

    __tablename__ = "phone_status"
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_etag: Mapped[str | None] = mapped_column(String(80), nullable=True)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class TemporaryRuleRow(Base):
    """A partial controls object laid over the teen's controls from `starts_on` to `ends_on`
    (the teen's local dates, inclusive). `announced` is the status the family was last told
    (scheduled, active, ended), so a start or an end is recorded and published once;
    `removed_at` is set by DELETE (the row stays for the history)."""

    __tablename__ = "temporary_rules"
    __table_args__ = (Index("ix_temporary_rules_teen", "teen_id", "starts_on"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    teen_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    controls: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    announced: Mapped[str] = mapped_column(String(10))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
