"""The local SQLite store of one account: cache and outbox (see famguard.store.db)."""

from famguard.store.db import (
    CONFIRMED,
    CONFLICT,
    PENDING,
    REJECTED,
    SENDING,
    AccountStore,
    OutboxChange,
    StoreError,
    database_path,
)

__all__ = [
    "CONFIRMED",
    "CONFLICT",
    "PENDING",
    "REJECTED",
    "SENDING",
    "AccountStore",
    "OutboxChange",
    "StoreError",
    "database_path",
]
