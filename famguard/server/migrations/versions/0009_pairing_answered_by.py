"""Who answered a guardian's request to join (approved or refused it): that guardian's answer
asked again — its reply lost on the way — is answered as it was, not "answered already".

A plain column, without a foreign key: SQLite adds a constraint only by copying the whole table,
and the column is only compared with the id of the guardian answering.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pairings", sa.Column("answered_by", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("pairings", "answered_by")
