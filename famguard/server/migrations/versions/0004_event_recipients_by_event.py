"""An index of event recipients by event: the long polls' one shared check reads the recipients
of the new events (notify.py), which without it scanned every recipient row ever written.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_event_recipients_event", "event_recipients", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_event_recipients_event", table_name="event_recipients")
