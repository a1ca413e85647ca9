"""The reference server one version ahead of this app: its declarations have one more control
(`live_gifts`, on/off), declared the way the checklist in famguard/domain/controls.py says. It
runs in its own process, so the test's client keeps today's declarations:

    python -m tests.client.newer_server DATABASE_URL    (prints its URL; serves until stdin closes)
"""

from __future__ import annotations

import dataclasses
import sys

import famguard.domain.controls as declared
from famguard.domain.control_spec import ControlSpec, EditorKind, ValueKind

LIVE_GIFTS = ControlSpec(
    "live_gifts",
    ValueKind.TOGGLE,
    EditorKind.CHECKBOX,
    declared.PRIVACY,
    label="Gifts in LIVE",
    summary="Whether viewers can send your teen gifts during a LIVE.",
    details="Gifts cost real money.",
    default=True,
    young_default=False,
    toggle_text="Allow gifts",
)


def declare_newer_control() -> None:
    """Steps 1 and 2 of the checklist, done to the module in this process only."""
    declared.CONTROLS = (*declared.CONTROLS, LIVE_GIFTS)
    declared.SPECS[LIVE_GIFTS.name] = LIVE_GIFTS
    declared.CONTROL_FIELDS = (*declared.CONTROL_FIELDS, LIVE_GIFTS.name)
    declared.Controls = dataclasses.make_dataclass(  # type: ignore[misc] # the newer Controls
        "Controls", [(LIVE_GIFTS.name, bool)], bases=(declared.Controls,), frozen=True
    )


def main() -> int:
    declare_newer_control()
    from famguard.server.runner import ServerThread  # after: its schemas derive from the declarations

    server = ServerThread(sys.argv[1])
    print(server.start(), flush=True)
    sys.stdin.read()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
