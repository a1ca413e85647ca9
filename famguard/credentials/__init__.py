"""Remembered sign-ins in the system keyring (see famguard.credentials.store)."""

from famguard.credentials.store import CredentialError, CredentialStore, SavedSignIn

__all__ = ["CredentialError", "CredentialStore", "SavedSignIn"]
