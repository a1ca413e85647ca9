"""Each recipient numbers its own events (`event_recipients.seq`): the events cursor an account
sees counts its own events only, so it no longer shows how busy other families are. Existing
rows are numbered in event order per account; a client's old server-wide cursor is larger than
its count and restarts at now (routes_family.events).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event_recipients", sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE event_recipients SET seq = (SELECT count(*) FROM event_recipients AS earlier "
        "WHERE earlier.account_id = event_recipients.account_id AND earlier.event_id <= event_recipients.event_id)"
    )
    with op.batch_alter_table("event_recipients") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
    op.create_index("ux_event_recipients_account_seq", "event_recipients", ["account_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_event_recipients_account_seq", table_name="event_recipients")
    with op.batch_alter_table("event_recipients") as batch:
        batch.drop_column("seq")
