"""Delivery receipts (the phone's applied version and last check-in) and temporary rules.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_status",
        sa.Column("teen_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("applied_etag", sa.String(80), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "temporary_rules",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("teen_id", sa.String(32), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("controls", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.String(32), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("announced", sa.String(10), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_temporary_rules_teen", "temporary_rules", ["teen_id", "starts_on"])


def downgrade() -> None:
    op.drop_table("temporary_rules")
    op.drop_table("phone_status")
