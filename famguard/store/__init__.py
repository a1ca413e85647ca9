"""The local SQLite store of one account: cache and outbox (see famguard.store.db)."""

from famguard.store.db import AccountStore, OutboxChange, StoreError, database_path

__all__ = ["AccountStore", "OutboxChange", "StoreError", "database_path"]
