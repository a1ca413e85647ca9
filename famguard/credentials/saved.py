"""What the keyring keeps of a remembered sign-in. Its own module, loaded by the first keyring
read: the credential store is made before a returning guardian's family from the local store is
painted, the keyring is asked after it, and a frozen dataclass costs ~1 ms of CPU to make on
Python 3.11."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SavedSignIn:
    """What the keyring keeps of a remembered sign-in."""

    refresh_token: str
    display_name: str
