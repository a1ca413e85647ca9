"""famguard-teen, the teen's phone simulator, against the real server: sign up, pair (asking
first, and never hanging without a terminal), see the controls, report usage, ask for time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest
from keyring.backends import fail

from famguard import teen_cli
from famguard.domain.models import PairingStatus
from tests.support.accounts import PASSWORD, email, guardian

BIRTH = (date.today() - timedelta(days=365 * 14 + 40)).isoformat()


def _cli() -> list[str]:
    exe = shutil.which("famguard-teen")
    return [exe] if exe else [sys.executable, "-m", "famguard.teen_cli"]


def run(
    url: str, *args: str, stdin: str | None = None, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    """famguard-teen in a process of its own; the password (for commands that sign in) comes from
    FAMGUARD_TEEN_PASSWORD, never argv."""
    env = {**os.environ, teen_cli.PASSWORD_ENV: password} if password else dict(os.environ)
    return subprocess.run(
        [*_cli(), "--server", url, *args],
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_pairing_from_the_command_line_with_no_terminal_declines_instead_of_hanging(live_server: str) -> None:
    g, _ = guardian(live_server, "Alex")
    teen_email = email("teen")
    signup = run(live_server, "signup", "--email", teen_email, "--name", "Sam", "--birth-date", BIRTH)
    assert signup.returncode == 0, signup.stderr
    pairing = g.start_pairing()
    creds = ("--email", teen_email)

    declined = run(live_server, "pair", pairing.code, *creds)  # stdin is /dev/null: EOF means no
    assert declined.returncode == 1
    assert "Alex" in declined.stdout and "Declined" in declined.stdout
    assert g.get_pairing(pairing.id).status == PairingStatus.CANCELLED

    second = g.start_pairing()
    typed = second.code.lower()[:4] + "-" + second.code.lower()[4:]
    accepted = run(live_server, "pair", typed, *creds, stdin="y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert g.get_pairing(second.id).status == PairingStatus.ACCEPTED


def test_wrong_code_and_bad_input_give_a_clear_message(live_server: str) -> None:
    teen_email = email("teen")
    run(live_server, "signup", "--email", teen_email, "--name", "Sam", "--birth-date", BIRTH)
    wrong = run(live_server, "pair", "ABCD-EFGH", "--yes", "--email", teen_email)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and wrong.stderr.strip()
    # Found by an outside tester: an empty or seven-character code was sent, and answered "That
    # pairing code was not found" (the teen looked for a code that had gone). Said what one is.
    for typed in ("ABCD-EFG", " ", "ABCD-EF0O"):
        short = run(live_server, "pair", typed, "--yes", "--email", teen_email)
        assert short.returncode == 2 and "Traceback" not in short.stderr, short.stderr
        assert "8 letters and digits, like ABCD-EFGH" in short.stderr or "Type the code" in short.stderr
    insecure = run("http://famguard.example", "controls", "--email", teen_email)
    assert insecure.returncode == 1 and "https://" in insecure.stderr


@pytest.mark.keyring
def test_the_whole_teen_side_with_a_remembered_sign_in(
    live_server: str, real_keyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAMGUARD_KEYRING_PREFIX", real_keyring.prefix)
    g, _ = guardian(live_server, "Alex")
    teen_email = email("teen")
    base = ["--server", live_server]
    monkeypatch.setenv(teen_cli.PASSWORD_ENV, PASSWORD)
    assert teen_cli.main([*base, "signup", "--email", teen_email, "--name", "Sam", "--birth-date", BIRTH]) == 0
    monkeypatch.delenv(teen_cli.PASSWORD_ENV)
    real_keyring.written.add((live_server, teen_email))  # so the fixture cleans it up

    pairing = g.start_pairing()
    assert teen_cli.main([*base, "pair", pairing.code, "--yes"]) == 0  # remembered: no password
    g.confirm_pairing(pairing.id)
    teen_id = g.teens()[0].id
    current = g.get_controls(teen_id)
    g.patch_controls(teen_id, {"daily_limit_minutes": 75}, if_match=current.etag)

    capsys.readouterr()
    assert teen_cli.main([*base, "controls"]) == 0
    listed = capsys.readouterr().out
    assert "Daily screen-time limit: 1 h 15 min" in listed
    assert "Duet and Stitch with your videos: No one" in listed
    assert teen_cli.main([*base, "usage", "add", "30"]) == 0
    assert "30 min used (limit 75 min)" in capsys.readouterr().out
    assert teen_cli.main([*base, "requests"]) == 0
    assert capsys.readouterr().out == "No requests for more time today.\n"
    assert teen_cli.main([*base, "ask-time", "15", "--reason", "project"]) == 0
    assert [r.reason for r in g.time_requests(teen_id)] == ["project"]
    assert teen_cli.main([*base, "ask-time", "100", "--reason", "film club"]) == 0
    assert "Asked for 1 h 40 min more" in capsys.readouterr().out  # minutes as everywhere
    (project,) = [r for r in g.time_requests(teen_id) if r.reason == "project"]
    g.decide_time_request(project.id, True)
    # What became of each, as the phone says it (famguard.domain.teen_view.requests_in_words).
    assert teen_cli.main([*base, "requests"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "✓ Alex gave you 15 min more today",
        "◷ Waiting for an answer: 1 h 40 min more",
    ]
    assert teen_cli.main([*base, "guardians"]) == 0
    assert "Alex" in capsys.readouterr().out
    assert teen_cli.main([*base, "unlink"]) == 0
    assert g.teens() == []
    assert teen_cli.main([*base, "logout"]) == 0
    assert real_keyring.load(live_server, teen_email) is None
    with pytest.raises(SystemExit, match="Not signed in"):
        teen_cli.main([*base, "controls"])


def test_without_a_keyring_the_password_must_be_given(live_server: str, swapped_keyring) -> None:
    swapped_keyring(fail.Keyring())
    with pytest.raises(SystemExit, match="--email and the password"):
        teen_cli.main(["--server", live_server, "controls"])


def test_the_teen_reads_the_rules_in_plain_words_and_every_change(
    live_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    g, _ = guardian(live_server, "Alex")
    teen_email = email("teen")
    monkeypatch.setenv(teen_cli.PASSWORD_ENV, PASSWORD)  # never on the command line
    creds = ["--email", teen_email]
    base = ["--server", live_server]
    assert teen_cli.main([*base, "signup", *creds, "--name", "Sam", "--birth-date", BIRTH]) == 0
    pairing = g.start_pairing()
    assert teen_cli.main([*base, "pair", pairing.code, "--yes", *creds]) == 0
    g.confirm_pairing(pairing.id)
    teen_id = g.teens()[0].id
    g.patch_controls(teen_id, {"daily_limit_minutes": 75}, if_match=g.get_controls(teen_id).etag)
    today = datetime.now(UTC).date()  # the teen's time zone is UTC here
    g.create_temporary_rule(teen_id, "Exams", today, today + timedelta(days=3), {"daily_limit_minutes": 30})
    # Planned after it, created last: said after the one in force, as planned (an outside tester
    # saw the latest first, every one "Temporary rule:", the one in force last).
    g.create_temporary_rule(
        teen_id, "Holiday", today + timedelta(days=10), today + timedelta(days=12), {"search_enabled": False}
    )

    capsys.readouterr()
    assert teen_cli.main([*base, "rules", *creds]) == 0
    shown = capsys.readouterr().out
    assert "Managed by Alex (since" in shown
    assert "Temporary rule, in force: Exams (set by Alex): Daily screen-time limit 30 min — until" in shown
    assert "Daily screen-time limit: 30 min" in shown  # the rule on top, in words
    assert shown.index("Temporary rule, in force: Exams") < shown.index("Temporary rule, planned: Holiday")
    assert "Comments on your videos: Friends" in shown and "friends" not in shown
    assert g.phone_status(teen_id).up_to_date  # showing them reported them applied

    assert teen_cli.main([*base, "usage", "add", "10", *creds]) == 0
    assert teen_cli.main([*base, "usage", "add", "15", *creds]) == 0
    assert "25 min used (limit 30 min)" in capsys.readouterr().out
    assert teen_cli.main([*base, "usage", "set", "5", *creds]) == 0
    assert "5 min used" in capsys.readouterr().out

    assert teen_cli.main([*base, "activity", *creds]) == 0
    log = capsys.readouterr().out
    assert "Alex changed Daily screen-time limit from 1 h to 1 h 15 min" in log
    assert "Alex planned “Exams”" in log and "The temporary rule “Exams” started" in log
    assert "Alex started managing this account" in log

    # At the teen's clock, as "What Maya sees" shows it (an outside tester saw the computer's,
    # an hour off the preview): the teen's time zone 14 hours ahead of this computer's UTC.
    from zoneinfo import ZoneInfo

    g.patch_controls(teen_id, {"timezone": "Pacific/Kiritimati"}, if_match=g.get_controls(teen_id).etag)
    newest = g.activity(teen_id)[0]
    capsys.readouterr()
    assert teen_cli.main([*base, "activity", *creds]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{newest.at.astimezone(ZoneInfo('Pacific/Kiritimati')):%a %d %b %H:%M}  "), first


def test_the_controls_are_listed_in_the_teens_words_as_the_rules_list_them(
    live_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`controls` read the guardian's labels to the teen ("Comments on your teen's videos", "Only
    your teen", "Your teen's time zone"); it says them as `rules` and the README do."""
    g, _ = guardian(live_server, "Alex")
    monkeypatch.setenv(teen_cli.PASSWORD_ENV, PASSWORD)
    base, creds = ["--server", live_server], ["--email", email("teen")]
    assert teen_cli.main([*base, "signup", *creds, "--name", "Sam", "--birth-date", BIRTH]) == 0
    pairing = g.start_pairing()
    assert teen_cli.main([*base, "pair", pairing.code, "--yes", *creds]) == 0
    g.confirm_pairing(pairing.id)
    teen_id = g.teens()[0].id
    g.patch_controls(teen_id, {"comments": "no_one"}, if_match=g.get_controls(teen_id).etag)

    capsys.readouterr()
    assert teen_cli.main([*base, "controls", *creds]) == 0
    *listed, receipt = capsys.readouterr().out.splitlines()
    assert "Comments on your videos: No one" in listed
    assert "Who can see liked videos: Only you" in listed
    assert "Your time zone: UTC" in listed
    assert "Downloads of your videos: Off" in listed
    assert not [line for line in listed if "your teen" in line.lower()]
    assert receipt.startswith("(Reported to your guardians: version ")
    assert teen_cli.main([*base, "rules", *creds]) == 0
    assert capsys.readouterr().out.splitlines()[-len(listed) :] == listed


def test_bad_dates_and_minutes_get_a_clear_message(live_server: str) -> None:
    teen_email = email("teen")
    creds = ("--email", teen_email)  # the password comes from the environment (run)
    bad = run(live_server, "signup", *creds, "--name", "Sam", "--birth-date", "14/02/2012")
    assert bad.returncode == 2 and "'14/02/2012' is not a date. Write it as YYYY-MM-DD" in bad.stderr
    run(live_server, "signup", *creds, "--name", "Sam", "--birth-date", BIRTH)
    impossible = run(live_server, "usage", "add", "10", "--date", "2026-02-30", *creds)
    assert impossible.returncode == 2 and "'2026-02-30' is not a date" in impossible.stderr
    too_many = run(live_server, "usage", "set", "2000", *creds)
    assert too_many.returncode == 2 and "0 to 1440" in too_many.stderr
    long_ago = run(live_server, "usage", "set", "10", "--date", "2020-01-01", *creds)
    assert long_ago.returncode == 1 and "recent days" in long_ago.stderr and "Traceback" not in long_ago.stderr


def test_a_password_on_the_command_line_is_refused_with_the_reason(live_server: str) -> None:
    """The probe: `famguard-teen --password` was readable by every local user in `ps`."""
    teen_email = email("teen")
    for args in (
        ("signup", "--email", teen_email, "--password", PASSWORD, "--name", "Sam", "--birth-date", BIRTH),
        ("--password", PASSWORD, "login", "--email", teen_email),
        ("login", "--email", teen_email, "--password", PASSWORD),
    ):
        refused = run(live_server, *args, password=None)
        assert refused.returncode == 2
        assert "process list" in refused.stderr and "--password-stdin" in refused.stderr
    # Nothing was created: the same email signs up through stdin, then signs in through stdin.
    made = run(live_server, "signup", "--email", teen_email, "--password-stdin", "--name", "Sam",
               "--birth-date", BIRTH, stdin=PASSWORD + "\n", password=None)  # fmt: skip
    assert made.returncode == 0, made.stderr
    again = run(live_server, "login", "--email", teen_email, "--password-stdin", stdin=PASSWORD + "\n", password=None)
    assert again.returncode == 0 and "Signed in as Sam" in again.stdout, again.stderr
    missing = run(live_server, "signup", "--email", email("t2"), "--name", "S", "--birth-date", BIRTH, password=None)
    assert missing.returncode != 0 and "FAMGUARD_TEEN_PASSWORD" in missing.stderr


@pytest.mark.keyring
def test_the_teens_phone_is_a_known_device_that_gets_in_while_strangers_lock_the_account(
    live_server: str, real_keyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stranger's wrong guesses lock the teen's account for new devices; the phone that signed in
    before keeps its device token in the keyring (never a file) and gets in with the password."""
    from tests.server.test_devices import lock_from_everywhere

    monkeypatch.setenv("FAMGUARD_KEYRING_PREFIX", real_keyring.prefix)
    monkeypatch.setenv(teen_cli.PASSWORD_ENV, PASSWORD)
    teen_email = email("teen")
    base = ["--server", live_server]
    assert teen_cli.main([*base, "signup", "--email", teen_email, "--name", "Sam", "--birth-date", BIRTH]) == 0
    real_keyring.written.add((live_server, teen_email))
    device = real_keyring.load_device(live_server, teen_email)
    assert device, "the sign-up's device token is kept in the keyring"

    lock_from_everywhere(live_server, teen_email)
    monkeypatch.setenv("FAMGUARD_KEYRING_PREFIX", real_keyring.prefix + "-another-phone")
    capsys.readouterr()
    assert teen_cli.main([*base, "login", "--email", teen_email]) == 1, "another phone is kept out"
    assert "Try again" in capsys.readouterr().err, "a locked account is explained, not a crash"

    monkeypatch.setenv("FAMGUARD_KEYRING_PREFIX", real_keyring.prefix)
    assert teen_cli.main([*base, "login", "--email", teen_email]) == 0, "the known phone gets in"
    replaced = real_keyring.load_device(live_server, teen_email)
    assert replaced and replaced != device, "the server replaced the token and the phone kept the new one"


def test_a_reader_that_stops_early_gets_no_traceback(live_server: str) -> None:
    """Found by an outside tester: `famguard-teen activity | head` ended in a BrokenPipeError
    traceback. The reader here is gone before anything is written."""
    address = email("pipe")
    assert run(live_server, "signup", "--email", address, "--name", "Kim", "--birth-date", BIRTH).returncode == 0
    env = {**os.environ, teen_cli.PASSWORD_ENV: PASSWORD}
    process = subprocess.Popen(
        [*_cli(), "--server", live_server, "rules", "--email", address],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()  # as `head` does once it has its lines
    _out, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert process.returncode == 0
