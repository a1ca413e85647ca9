"""Start-up of the desktop app against a bare PySide6 QMainWindow started the same way (a fresh
interpreter, offscreen), runs interleaved so that a busy moment of the machine hits all alike:

- `famguard` with a fresh profile, to its first paint;
- a returning guardian's `famguard`: the family (5 teens) from the local cache, to the first paint
  of the first teen's home — the keyring is a real Secret Service on a private D-Bus, the service
  a `famguard-server` process of its own (the app asks both after that paint: what is measured is
  the family read from the store, famguard.ui.family_painted says when it is on screen);
- `famguard --demo`, to the first paint of the demo family's home (drawn from the local store
  before the practice service starts);
- `famguard --demo` to the demo family live: the practice service answered (the guardian signed
  in) and the family's first sync asked it who is linked;

each with its peak RSS at that moment (the demo's service runs in the app's process: included in
the live row, whose peak is the demo's peak).

The package's bytecode is compiled first, as pip does when it installs the app (and as the bundle
ships it): an editable checkout with PYTHONDONTWRITEBYTECODE set would otherwise compile every
module from source on every start, which no user's start does.

Run as a script: `python tests/benchmarks/bench_startup.py [N] [--demo-against OLD_TREE | --cached-against
OLD_TREE | --fresh-against OLD_TREE]`; its
rows are also part of `python -m tests.benchmarks.run` (tests/benchmarks/client_rows.py)."""

from __future__ import annotations

import compileall
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: the tests package is found from the checkout
    sys.path.insert(0, str(ROOT))

BARE = """
import resource, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 760)
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False
def report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:  # VmHWM: ru_maxrss keeps the parent's peak across exec
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(f"first-paint {time.time():.6f} {peak} {usage.ru_utime + usage.ru_stime:.4f}", flush=True)
    app.quit()
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

FAMGUARD = "import famguard.app as app; raise SystemExit(app.main([]))"
FAMGUARD_DEMO = "import famguard.app as app; raise SystemExit(app.main(['--demo']))"
CACHED_TEENS = 5


@dataclass(frozen=True)
class Sample:
    seconds: float  # from starting the process to the moment it reported
    rss_kib: int  # peak resident memory by then
    cpu: float  # the process's CPU seconds by then


@dataclass(frozen=True)
class Start:
    """One way of starting: a command, its environment, and what it waits for (`until`: "1" is
    the first paint, "family" a teen's home in the family screen)."""

    command: Sequence[str]
    env: Mapping[str, str]
    until: str = "1"


def compile_bytecode() -> None:
    compileall.compile_dir(str(ROOT / "famguard"), quiet=1)


def one_run(start: Start) -> Sample:
    """Start the process once, each time with a fresh data directory unless `start.env` names one."""
    with tempfile.TemporaryDirectory(prefix="famguard-start-") as fresh:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "FAMGUARD_EXIT_AFTER_FIRST_PAINT": start.until,
            "FAMGUARD_DATA_DIR": fresh,  # its own single-instance channel and a fresh profile
            "PYTHONFAULTHANDLER": "1",  # a crash prints where each thread was, not only its exit status
            **start.env,
        }
        started = time.time()
        result = subprocess.run(
            list(start.command), env=env, capture_output=True, text=True, timeout=120, cwd=tempfile.gettempdir()
        )
    if result.returncode != 0:
        reported = "after" if "first-paint " in result.stdout else "before"
        raise SystemExit(
            f"{describe(start)} ended with {exit_status(result.returncode)}, {reported} it reported its"
            f" paint:\n{result.stderr[-6000:]}"
        )
    line = next(x for x in result.stdout.splitlines() if x.startswith("first-paint "))
    _, painted, rss_kib, cpu = line.split()
    return Sample(float(painted) - started, int(rss_kib), float(cpu))


def exit_status(code: int) -> str:
    """`-11` as "signal SIGSEGV (-11)": a crash, not an error the app reported."""
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name} ({code})"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def describe(start: Start) -> str:
    """Which start it was: the commands of several differ only past the first 80 characters."""
    return f"{' '.join(start.command)[-60:]!r} (until {start.until!r})"


def run_interleaved(
    starts: Mapping[str, Start], runs: int, log: Callable[[str], None] = print
) -> dict[str, list[Sample]]:
    """Each start `runs` times, in turns, after one unmeasured round (the page cache warmed as a
    second start of the day would find it). Every other round runs the starts in reverse order: a
    start measured right after another one is a few ms slower (in A/B runs whichever tree went
    second lost ~5 ms), and that must not fall on the same start every round."""
    for start in starts.values():
        one_run(start)
    results: dict[str, list[Sample]] = {name: [] for name in starts}
    for index in range(runs):
        turn = list(starts.items())
        for name, start in reversed(turn) if index % 2 else turn:
            results[name].append(one_run(start))
        log(f"start-up round {index + 1} of {runs} done")
    return results


@dataclass(frozen=True)
class Stats:
    median: float  # seconds
    cpu: float  # CPU seconds, median
    rss_mib: float  # peak RSS, median


def print_stats(results: Mapping[str, list[Sample]], baseline: str) -> dict[str, Stats]:
    """The one printout of every start-up benchmark (this one, bench_bundle.py): per start its
    median, min and max time, CPU time and peak RSS, then each start's ratio to `baseline`."""
    stats: dict[str, Stats] = {}
    width = max(len(name) for name in results)
    for name, samples in results.items():
        times = [s.seconds for s in samples]
        stats[name] = Stats(
            statistics.median(times),
            statistics.median(s.cpu for s in samples),
            statistics.median(s.rss_kib for s in samples) / 1024,
        )
        print(
            f"{name:{width}s} median {stats[name].median * 1000:6.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(samples)}), "
            f"CPU {stats[name].cpu * 1000:.0f} ms, peak RSS {stats[name].rss_mib:.0f} MiB"
        )
    base = stats[baseline]
    # Wall time is what a person feels; CPU time is steadier on a busy machine. Both are printed.
    for name, one in stats.items():
        if name != baseline:
            print(
                f"{name} / {baseline}: {one.median / base.median:.2f} (wall), {one.cpu / base.cpu:.2f} (CPU), "
                f"RSS {one.rss_mib - base.rss_mib:+.0f} MiB"
            )
    return stats


@contextmanager
def returning_guardian(teens: int = CACHED_TEENS) -> Iterator[dict[str, str]]:
    """The environment of a returning guardian: a data directory with their family cached (signed
    in once through the app's own services, which also remember them in the keyring), the private
    keyring, and the service running."""
    from tests.benchmarks.seed import PASSWORD, seed
    from tests.support.secret_service import secret_service
    from tests.support.servers import LocalServer

    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="famguard-bench-")))
        url = f"sqlite:///{directory / 'server.sqlite3'}"
        seed(url, guardians=1, teens=teens)
        server = stack.enter_context(LocalServer(url, own_process=True))
        keyring_env = stack.enter_context(secret_service())
        env = {
            **keyring_env,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",  # keyrings.alt may be installed
            "FAMGUARD_DATA_DIR": str(directory / "app"),
        }
        sign_in = f"""
from famguard.app import make_sessions
from famguard.ui.settings import Settings
session = make_sessions().sign_in({server.url!r}, "guardian0@bench.example", {PASSWORD!r}, remember=True)
assert session.remember_problem is None, session.remember_problem
Settings.load().remember(server_url=session.server_url, last_email=session.email)
for teen in session.family.refresh_teens():
    session.sync.refresh_controls(teen.id)
    session.family.refresh_usage(teen.id)
    session.family.refresh_time_requests(teen.id)
session.close()
"""
        done = subprocess.run(
            [sys.executable, "-c", sign_in], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise SystemExit(f"signing the returning guardian in failed:\n{done.stderr[-3000:]}")
        yield env


def starts(returning_env: Mapping[str, str] | None) -> dict[str, Start]:
    python = sys.executable
    chosen = {
        "bare QMainWindow": Start([python, "-c", BARE], {}),
        "famguard": Start([python, "-c", FAMGUARD], {}),
    }
    if returning_env is not None:
        chosen["cached family"] = Start([python, "-c", FAMGUARD], returning_env, until="family")
    chosen["demo family"] = Start([python, "-c", FAMGUARD_DEMO], {}, until="family")
    chosen["demo live"] = Start([python, "-c", FAMGUARD_DEMO], {}, until="live")
    return chosen


def against(old_tree: str, runs: int, row: str, script: str, env: Mapping[str, str], until: str = "family") -> None:
    """`--demo-against OLD_TREE` / `--cached-against OLD_TREE` / `--fresh-against OLD_TREE`: the bare
    window, the row's start of another checkout of the project (first on PYTHONPATH) and this one's,
    in the same rounds (the cached family with the same returning guardian) — a before/after of that
    row."""
    compileall.compile_dir(str(Path(old_tree) / "famguard"), quiet=1)
    python = sys.executable
    chosen = {
        "bare QMainWindow": Start([python, "-c", BARE], {}),
        f"{row} of {old_tree}": Start([python, "-c", script], {**env, "PYTHONPATH": old_tree}, until=until),
        f"{row} of this checkout": Start([python, "-c", script], dict(env), until=until),
    }
    if row == "demo" and (Path(old_tree) / "famguard" / "app.py").read_text().count('"live"') == 0:
        # A tree from before the demo was drawn from the store showed its family only once the
        # service was up and had answered: its family row is its live row.
        chosen[f"{row} live of this checkout"] = Start([python, "-c", script], dict(env), until="live")
    elif row == "demo":
        chosen[f"{row} live of {old_tree}"] = Start(
            [python, "-c", script], {**env, "PYTHONPATH": old_tree}, until="live"
        )
        chosen[f"{row} live of this checkout"] = Start([python, "-c", script], dict(env), until="live")
    print_stats(run_interleaved(chosen, runs), "bare QMainWindow")


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("rounds", nargs="?", type=int, default=10, help="measured rounds (default 10)")
    against_tree = parser.add_mutually_exclusive_group()
    for row in ("demo", "cached", "fresh"):
        help_text = f"the {row} start of this checkout against OLD_TREE's, in turns"
        against_tree.add_argument(f"--{row}-against", metavar="OLD_TREE", help=help_text)
    args = parser.parse_args(argv)
    runs = args.rounds
    compile_bytecode()
    if args.demo_against:
        against(args.demo_against, runs, "demo", FAMGUARD_DEMO, {})
        return 0
    if args.fresh_against:
        against(args.fresh_against, runs, "famguard", FAMGUARD, {}, until="1")
        return 0
    if args.cached_against:
        with returning_guardian() as env:
            against(args.cached_against, runs, "cached family", FAMGUARD, env)
        return 0
    with returning_guardian() as env:
        results = run_interleaved(starts(env), runs)
    print_stats(results, "bare QMainWindow")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
