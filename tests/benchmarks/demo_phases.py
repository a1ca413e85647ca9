"""Where the time of `famguard --demo` goes, from the process start to the demo family on screen
(famguard.ui.family_painted): the wall-clock moment and the process's CPU time at each step of
the path, and each thread's CPU time at the end — the breakdown behind the "demo family" row of
bench_startup.py, which measures only the end.

The steps are marked by wrapping the functions that begin and end them (nothing in the app is
changed; the wrappers cost microseconds; famguard.ui.family_painted's watcher marks the moment it
sees the family on screen, before the paint it then waits for, or that paint when it came first);
the server stack is imported inside the demo's own start, on its worker, as without them. Each run
is a fresh interpreter, offscreen, with a fresh data directory, after one unmeasured run; medians
of N runs are printed.

Run: `flock /work/bench.lock python tests/benchmarks/demo_phases.py [N]` (note `uptime`)."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, re, resource, sys, threading, time
T0 = float(os.environ["DEMO_PHASES_T0"])
marks = {}

def mark(step):
    if step not in marks:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        marks[step] = (time.time() - T0, usage.ru_utime + usage.ru_stime)

def wrap(owner, name, before=None, after=None):
    inner = getattr(owner, name)
    def wrapper(*args, **kwargs):
        if before:
            mark(before)
        result = inner(*args, **kwargs)
        if after:
            mark(after)
        return result
    setattr(owner, name, wrapper)

def thread_cpu():
    per_name = {}
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                name = comm.read().strip()
            with open(f"/proc/self/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(task), name)
        name = re.sub(r"[-_]?\d+$", "", name) or "?"
        per_name[name] = per_name.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return per_name

import famguard.app as app
import famguard.ui.controller as controller

wrap(controller.AppController, "start_demo", before="first paint, demo asked for")
wrap(app.DemoEnvironment, "__init__", before="demo worker starts", after="demo folder and port made")
wrap(app.DemoEnvironment, "session", after="demo store written, session opened")
wrap(app.DemoEnvironment, "start_service", before="practice service starting (after the first paint)",
     after="service listening, guardian and phone signed in")
wrap(app.DemoTeen, "__init__", after="demo teen signed in (its phone)")
wrap(controller.AppController, "_demo_ready", after="family screen built from the store")
wrap(controller.AppController, "_demo_live", after="family online, phone panel built")
import famguard.ui.family_painted as family_painted
import famguard.ui.teen_list_presenter as teen_list
wrap(teen_list.TeenListPresenter, "_answered", after="the family's list shown (the service answered)")
real_check, real_filter = family_painted._Watcher._check, family_painted._Watcher.eventFilter
def check(self):
    real_check(self)
    if self._painting:
        mark("family on screen, its paint asked for")
def event_filter(self, watched, event):
    seen = real_filter(self, watched, event)
    if self._painting:  # the paint came before the watcher's next look: that one is the family's
        mark("family on screen, its paint asked for")
    return seen
family_painted._Watcher._check = check
family_painted._Watcher.eventFilter = event_filter

def report_and_exit(_qapp):
    mark("demo family painted")
    import json
    print("demo-phases " + json.dumps({"marks": marks, "threads": thread_cpu()}), flush=True)
    os._exit(0)  # the measurement ends here; the demo's stop is not part of it
app._report_and_quit = report_and_exit
raise SystemExit(app.main(["--demo"]))
"""


def one_run() -> dict[str, object]:
    import json

    with tempfile.TemporaryDirectory(prefix="famguard-phases-") as fresh:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "family",
            "FAMGUARD_DATA_DIR": fresh,
            "DEMO_PHASES_T0": f"{time.time():.6f}",
        }
        result = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120, cwd=fresh
        )
    line = next((x for x in result.stdout.splitlines() if x.startswith("demo-phases ")), None)
    if line is None:
        raise SystemExit(f"the demo did not report:\n{result.stderr[-3000:]}")
    return dict(json.loads(line.split(" ", 1)[1]))


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    compileall.compile_dir(str(ROOT / "famguard"), quiet=1)
    one_run()  # the page cache warmed, as a second start of the day finds it
    samples = [one_run() for _ in range(runs)]
    steps: dict[str, list[tuple[float, float]]] = defaultdict(list)
    threads: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        for step, (wall, cpu) in sample["marks"].items():  # type: ignore[attr-defined]
            steps[step].append((wall, cpu))
        for name, cpu in sample["threads"].items():  # type: ignore[attr-defined]
            threads[name].append(cpu)
    print(f"famguard --demo, median of {runs} runs: at each step, since the process started")
    print(f"{'step':52s} {'wall ms':>8s} {'+wall':>6s} {'CPU ms':>7s} {'+CPU':>6s}")
    last_wall = last_cpu = 0.0
    for step, values in sorted(steps.items(), key=lambda item: statistics.median(v[0] for v in item[1])):
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        print(f"{step:52s} {wall:8.0f} {wall - last_wall:+6.0f} {cpu:7.0f} {cpu - last_cpu:+6.0f}")
        last_wall, last_cpu = wall, cpu
    print("CPU by thread at that moment (median ms; threads of one name together):")
    for name, values in sorted(threads.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {name:30s} {statistics.median(values) * 1000:6.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
