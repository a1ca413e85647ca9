"""Alembic migrations of the service's schema, run programmatically by famguard.server.db."""
