"""The retry key a refresh token was used with (its SHA-256): the same client asking again with
the same key, its answer lost on the way (a service that hung with the requests in its queue),
is answered again rather than taken for a stolen copy, which ended the sign-in.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tokens", sa.Column("used_with", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("tokens", "used_with")
