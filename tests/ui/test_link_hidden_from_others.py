"""Found by an attacker on the desktop client: the desktop starts `famguard famguard://pair?code=…`
when a guardian opens a pairing link, and the code stayed in the app's command line for its whole
run — /proc/PID/cmdline, which every user of a Linux computer can read (`ps`). The real app is
started here as the desktop starts it and read from outside, as another user would read it: the
code is gone from its command line (and from its children's), the link was still opened, and it is
the same process with the same program and options (not re-executed). A start without a link keeps
its command line as it was; a second launch waiting to hand its link over has hidden it too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from famguard.instance import SingleInstance, channel_name

from .test_single_instance import APP, RunningApp

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="other users read a command line through Linux's /proc")

LINK = "famguard://pair?code=K7MQ-2XRT"
SECRETS = (b"K7MQ", b"2XRT", b"code=")
HIDDEN = b"famguard://"  # what is left of a link in the command line: that one was opened, nothing of it


def command_line(pid: int) -> list[bytes]:
    """What any user of the computer reads as the process's arguments (as `ps` and psutil do)."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def shown(arguments: list[bytes]) -> list[bytes]:
    return [argument for argument in arguments if argument]  # the NUL padding of a hidden link left out


def test_the_running_app_opens_its_link_and_no_one_can_read_the_code_from_its_command_line(data_dir: Path) -> None:
    app = RunningApp(LINK)
    try:
        app.wait_for("Opening famguard://pair")
        pids = [app.process.pid, *children(app.process.pid)]
        for pid in pids:
            arguments = b"\0".join(command_line(pid))
            assert not [secret for secret in SECRETS if secret in arguments], (pid, arguments)
        # The same process (the pid the desktop got), still with its program and options.
        assert shown(command_line(app.process.pid)) == [os.fsencode(a) for a in app.args[:-1]] + [HIDDEN]
        assert app.process.poll() is None
    finally:
        log = app.stop()
    assert "K7MQ" not in log and "stays readable" not in log


def test_a_start_without_a_link_keeps_its_command_line(data_dir: Path) -> None:
    for args in ((), ("--demo",)):
        app = RunningApp(*args)
        try:
            assert command_line(app.process.pid) == [os.fsencode(a) for a in app.args] + [b""]
        finally:
            app.stop()


def test_a_second_launch_waiting_to_hand_over_its_link_has_hidden_it(qapp, data_dir: Path) -> None:
    """The second launch retries its hand-over for seconds while the first is still starting: here a
    first that never answers (a lock held and no listener), so it waits the whole time."""
    held = SingleInstance.claim(channel_name())
    assert held is not None
    second = subprocess.Popen(
        [sys.executable, "-c", APP, LINK],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while shown(command_line(second.pid))[-1:] != [HIDDEN]:
            assert second.poll() is None, "the second launch ended, its link readable until then"
            assert time.monotonic() < deadline, f"the link is still readable: {command_line(second.pid)}"
            time.sleep(0.05)
        arguments = b"\0".join(command_line(second.pid))
        assert not [secret for secret in SECRETS if secret in arguments], arguments
        assert second.poll() is None, "it must still be waiting to hand over"
    finally:
        second.kill()
        second.communicate(timeout=30)
        held.release()


@pytest.mark.parametrize(
    "argument",
    [
        LINK,
        "FAMGUARD://PAIR?code=k7mq-2xrt",
        "  famguard://pair?code=K7MQ2XRT",
        "famguard:x",
        "\u00a0famguard://pair",
        # An attacker's: urlsplit drops tabs and line breaks, and control characters in front, so
        # these were opened — and left in the command line (the links refuse them now, too).
        "fam\tguard://pair?code=K7MQ-2XRT",
        "\x01famguard://pair?code=K7MQ-2XRT",
        "famguard\n://pair?code=K7MQ-2XRT",
    ],
)
def test_every_argument_the_app_takes_for_a_link_is_overwritten_in_place(argument: str) -> None:
    from famguard.cmdline import looks_like_link, without_links

    assert looks_like_link(argument)
    encoded = os.fsencode(argument)
    arguments = b"/usr/bin/famguard\0--server\0https://famguard.example\0" + encoded + b"\0--demo\0"
    hidden = without_links(arguments)
    assert len(hidden) == len(arguments) and hidden.endswith(b"\0--demo\0")
    assert hidden.split(b"\0")[:3] == arguments.split(b"\0")[:3]
    assert hidden.split(b"\0")[3] == HIDDEN[: len(encoded)]
    assert b"K7MQ" not in hidden and b"k7mq" not in hidden


def test_the_program_itself_and_other_arguments_are_left_alone() -> None:
    from famguard.cmdline import without_links

    arguments = b"famguard://odd-program-name\0--demo\0https://famguard.example/famguard://\0"
    assert without_links(arguments) == arguments


@pytest.mark.parametrize(
    "arguments",
    [
        ["fam\tguard://pair?code=K7MQ-2XRT"],  # refused now: no link FamGuard makes holds a tab
        ["famguard://pair?code=K7MQ-2XRT", "famguard://pair?code=K7MQ-2XRT"],  # "unrecognized arguments: …"
        ["--server=famguard://pair?code=K7MQ-2XRT"],  # "--server must start with http://…, not …"
    ],
)
def test_a_refused_command_line_never_repeats_the_code(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by an attacker: argparse's own errors said the arguments back ("unrecognized
    arguments: famguard://pair?code=…"), the code in the terminal and whatever keeps its output."""
    from famguard.app import parse_args

    with pytest.raises(SystemExit) as ended:
        parse_args(arguments)
    assert ended.value.code == 2
    said = capsys.readouterr().err
    assert "error:" in said and "K7MQ" not in said and "2XRT" not in said, said
