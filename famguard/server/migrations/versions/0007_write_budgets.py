"""Each account's write budget (famguard.server.write_budget): the start of its current minute and
the writes committed in it, shared by every process of the service.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "write_budgets",
        sa.Column("account_id", sa.String(32), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("spent", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("write_budgets")
