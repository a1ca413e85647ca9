"""Keeps famguard:// links out of this process's command line, where every user of a Linux computer
can read them (/proc/PID/cmdline, `ps`). The desktop starts `famguard famguard://pair?code=…` when
a guardian opens a pairing link (the desktop file's `Exec=famguard %u`), and the code is a secret:
without this, it stayed readable to everyone for as long as the app ran.

`hide_links()`, the first thing main() does when an argument may be a link, overwrites each link
in the memory the kernel reads /proc/PID/cmdline from: the range /proc/self/stat gives as
arg_start and arg_end, written through /proc/self/mem (plain file calls; the kernel opens a
process's own memory to it without the ptrace checks it makes for another's). Python's sys.argv
and sys.orig_argv are copies made at start-up: changing them changes nothing that others read.
What is left in the command line is `famguard://` and NUL padding (`ps` shows spaces): that a link
was opened, and nothing of it. The process, its pid and its other arguments stay as they were.

Weighed against the alternatives:
- setproctitle does the same in C, and was refused for the bundle (a C extension).
- Re-executing the program with the link in an environment variable costs a second interpreter
  start on every link, needs the interpreter's own command line rebuilt (a console script, `-c`,
  `-m`, the bundle's bootloader), and leaves a copy in /proc/PID/environ (readable by this user
  only) for the whole run. Both leave the link readable for the same first moment: from the exec
  to here (the interpreter's start and the import of famguard.app, a few tens of ms).
- Writing through ctypes would reach the same bytes, but imports ctypes and turns a wrong address
  into a crash where /proc/self/mem gives an error.

Linux only: Windows lets no other (non-administrator) user read a process's command line, and macOS
hands links to the app as Apple events, not arguments; elsewhere nothing is done. The PyInstaller
bundle is one folder (packaging/famguard.spec): its bootloader runs Python in its own process, so
the arguments found here are the bundle's. A one-file bundle's bootloader would be a second
process keeping the link, which `--self-test` checks (`check_rewritable`).

Out of this process's reach: the launcher that handed the link over (xdg-open, the desktop's) for
as long as it runs, and in a Flatpak perhaps the sandbox's bwrap process on the host."""

from __future__ import annotations

import logging
import os
import sys

from famguard.identity import URL_SCHEME

log = logging.getLogger(__name__)

# The fields of /proc/PID/stat (proc(5), numbered from 1) with the argument range (Linux 3.5+).
ARG_START_FIELD, ARG_END_FIELD = 48, 49
# What a hidden link is overwritten with (cut to the link's length), then NUL bytes to its end.
HIDDEN = f"{URL_SCHEME}://".encode()


def looks_like_link(argument: str) -> bool:
    """Whether `argument` may be a link: famguard.links.parse_link ignores surrounding spaces and
    the case of the scheme (and refuses control characters, which urlsplit would drop: an
    attacker's "fam\tguard://…" was taken and not hidden; hidden now too, whatever it holds)."""
    kept = "".join(c for c in argument if ord(c) >= 0x20 and ord(c) != 0x7F)
    return kept.strip().lower().startswith(f"{URL_SCHEME}:")


def without_links(arguments: bytes) -> bytes:
    """The kernel's argument bytes (NUL-terminated arguments, the program first) with every link
    overwritten in place: the same length, each argument's terminating NUL where it was."""
    parts = arguments.split(b"\0")
    for index, part in enumerate(parts):
        if index and looks_like_link(os.fsdecode(part)):
            parts[index] = HIDDEN[: len(part)].ljust(len(part), b"\0")
    return b"\0".join(parts)


def _argument_range() -> tuple[int, int]:
    with open("/proc/self/stat", "rb") as stat:
        text = stat.read()
    # After the program's name in parentheses, which may itself hold spaces and parentheses.
    fields = text[text.rindex(b")") + 2 :].split()
    first = 3  # the field after the name
    return int(fields[ARG_START_FIELD - first]), int(fields[ARG_END_FIELD - first])


def _read_own_cmdline() -> bytes:
    with open("/proc/self/cmdline", "rb") as cmdline:
        return cmdline.read()


def _rewrite(change: bool) -> bytes:
    """Read this process's arguments where the kernel keeps them and write them back, without
    their links when `change`; raise OSError when they cannot be, or when /proc/self/cmdline
    does not then read as written. The arguments as they are now."""
    start, end = _argument_range()
    memory = os.open("/proc/self/mem", os.O_RDWR | os.O_CLOEXEC)
    try:
        before = os.pread(memory, end - start, start)
        after = without_links(before) if change else before
        if os.pwrite(memory, after, start) != len(after):
            raise OSError("the arguments were written only in part")
    finally:
        os.close(memory)
    if _read_own_cmdline() != after:
        raise OSError("/proc/self/cmdline does not read as written")
    return after


def hide_links() -> None:
    """Overwrite every famguard:// link of this process's command line (Linux; see the module).
    Nothing is read when sys.argv has none."""
    if sys.platform != "linux" or not any(looks_like_link(argument) for argument in sys.argv[1:]):
        return
    try:
        _rewrite(change=True)
    except (OSError, ValueError, IndexError) as exc:  # IndexError, ValueError: a /proc/self/stat without the range
        log.warning(
            "The link FamGuard was opened with stays readable to other users of this computer in its "
            "command line (%s). Close FamGuard when you have used the code.",
            exc,
        )


def check_rewritable() -> str:
    """For --self-test: that hide_links can work in this installation. Its arguments are rewritten
    as they are (so the kernel's range is the one others read, and this process may write it), and
    this process must not be a copy of its parent (a one-file bundle's bootloader would keep the
    link in its own command line). What was checked, or OSError saying what is wrong."""
    if sys.platform != "linux":
        return "not needed here: only Linux shows a process's command line to other users"
    own = _rewrite(change=False)
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as parent:
            parents = parent.read()
    except OSError:  # the parent has gone already, or is another user's: not a bootloader of ours
        parents = b""
    if parents == own:
        raise OSError(
            f"the parent process {os.getppid()} has this process's command line (a one-file bundle's "
            "bootloader?): a famguard:// link would stay readable there"
        )
    return "this process's command line can be rewritten: famguard:// links are hidden from other users"
