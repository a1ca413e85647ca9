"""An index of the history by teen, field and time: a usage answer reads the teen's changes of the
daily limits made since its first day, to give each past day the limit in force then
(routes_family.LIMIT_CHANGES_SQL); on the teen's index alone it read the teen's whole history.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activity_teen_field", "activity", ["teen_id", "field", "at"])


def downgrade() -> None:
    op.drop_index("ix_activity_teen_field", table_name="activity")
