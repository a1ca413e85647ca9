"""Known devices: a sign-in issues a device token (kept as a keyed hash), and a right password
with it passes the account-wide sign-in lock, in place of the addresses an account signed in
from (addresses are shared behind NAT and carriers, and can be claimed behind proxies).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_devices_account_id", "devices", ["account_id"])
    # The addresses remembered for the old rule mean nothing now.
    op.execute("DELETE FROM attempts WHERE kind = 'known'")


def downgrade() -> None:
    op.drop_index("ix_devices_account_id", table_name="devices")
    op.drop_table("devices")
