"""The family: pairings, links, controls, usage, time requests, activity, events and
idempotency keys.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _account_fk(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(32), sa.ForeignKey("accounts.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "pairings",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_fk("guardian_id"),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("locator_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("wrong_guesses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        _account_fk("teen_id", nullable=True),
    )
    op.create_index("ix_pairings_guardian_id", "pairings", ["guardian_id"])
    op.create_index("ix_pairings_locator_hash", "pairings", ["locator_hash"])
    op.create_index("ix_pairings_teen_id", "pairings", ["teen_id"])
    op.create_table(
        "links",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_fk("guardian_id"),
        _account_fk("teen_id"),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_links_teen_id", "links", ["teen_id"])
    op.create_index(
        "uq_links_active",
        "links",
        ["guardian_id", "teen_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_table(
        "controls",
        sa.Column("teen_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "usage",
        sa.Column("teen_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "time_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_fk("teen_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        _account_fk("decided_by_id", nullable=True),
        sa.Column("granted_minutes", sa.Integer(), nullable=True),
    )
    op.create_index("ix_time_requests_teen_id", "time_requests", ["teen_id"])
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        _account_fk("actor_id", nullable=True),
        _account_fk("teen_id"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("field", sa.String(40), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_activity_teen", "activity", ["teen_id", "id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("teen_id", sa.String(32), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "event_recipients",
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id"), primary_key=True),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "idempotency_keys",
        "event_recipients",
        "events",
        "activity",
        "time_requests",
        "usage",
        "controls",
        "links",
        "pairings",
    ):
        op.drop_table(table)
