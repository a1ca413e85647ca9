"""Alembic's entry: runs the migrations on the connection that famguard.server.db passes in
(no alembic.ini, no logging configuration of its own, so it works from an installed wheel)."""

from __future__ import annotations

from alembic import context

from famguard.server.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
