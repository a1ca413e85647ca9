"""KeepSignedInCheck: whether "Keep me signed in on this computer" can be honoured, asked of the
keyring each time the sign-in form comes on screen — before the guardian ticks it and signs in,
not after.

The keyring is asked on a worker (a locked keyring may show an unlock prompt and wait for it; the
store gives up after its timeout). While the answer is on its way the tick keeps the state of the
last answer (at first: enabled and ticked), with no "checking…" state: a working keyring answers
in milliseconds, so such a state would flash on every visit, and a locked one shows its own unlock
prompt meanwhile. Nothing is lost by a sign-in sent before the answer: signing in asks the keyring
again and says "signed in for this session only" when it cannot keep it. One question at a time;
a form shown again while one is on its way is answered by that one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from famguard.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:  # the services pull in requests, keyring and sqlite3: types only
    from famguard.services import SessionService
    from famguard.ui.signin import SignInView


class KeepSignedInCheck(QObject):
    """Asks `sessions()` (None: not made yet — nothing to ask) whether a sign-in can be kept, each
    time `view` is shown, and shows the answer on the view's "keep me signed in" tick."""

    def __init__(self, view: SignInView, tasks: TaskRunner, sessions: Callable[[], SessionService | None]) -> None:
        super().__init__(view)
        self.view = view
        self.tasks = tasks
        self.sessions = sessions
        self._asking: Task | None = None
        view.shown.connect(self.check)

    def check(self) -> None:
        sessions = self.sessions()
        if sessions is None or (self._asking is not None and not self._asking.done):
            return
        self._asking = self.tasks.run(
            # An exception here is a defect, not a keyring's answer (keep_problem turns each of those
            # into its message): it goes to the runner's error reporter.
            sessions.keep_problem,
            on_success=self._answered,
            owner=self.view,
            name="can keep",
        )

    def _answered(self, problem: str | None) -> None:
        self.view.set_keyring_available(problem is None, problem or "")
