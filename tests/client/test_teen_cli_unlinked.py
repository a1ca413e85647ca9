"""A teen with no guardian asks the command line for the rules: it answered "Not found: No guardian
manages this account, so no controls was not found." on stderr with exit code 1 (the service's
404 wording pasted into a sentence). `rules` now says who manages the account — nobody — in the
words the phone panel uses, and exits 0; `controls` says the same on stderr, without the garble."""

from __future__ import annotations

from tests.client.test_teen_cli import BIRTH, run
from tests.support.accounts import email

NOBODY = "No guardian manages this account: no controls apply."


def test_rules_and_controls_of_a_teen_nobody_manages_say_so_plainly(live_server: str) -> None:
    teen_email = email("teen")
    signup = run(live_server, "signup", "--email", teen_email, "--name", "Sam", "--birth-date", BIRTH)
    assert signup.returncode == 0, signup.stderr

    rules = run(live_server, "rules", "--email", teen_email)
    assert rules.returncode == 0, rules.stderr
    assert rules.stdout.strip() == NOBODY and "Not found" not in rules.stderr

    controls = run(live_server, "controls", "--email", teen_email)
    assert controls.returncode == 1
    assert controls.stderr.strip().endswith(NOBODY) and "was not found" not in controls.stderr
