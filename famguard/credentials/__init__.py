"""Remembered sign-ins in the system keyring (see famguard.credentials.store)."""

from typing import TYPE_CHECKING

from famguard.credentials.store import CredentialError, CredentialStore

if TYPE_CHECKING:
    from famguard.credentials.saved import SavedSignIn

__all__ = ["CredentialError", "CredentialStore", "SavedSignIn"]


def __getattr__(name: str) -> object:
    """`SavedSignIn` is loaded when first asked for (famguard.credentials.saved says why)."""
    if name == "SavedSignIn":
        from famguard.credentials.saved import SavedSignIn

        return SavedSignIn
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
