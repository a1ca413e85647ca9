"""The desktop app's rows: time to the first painted window of `famguard` (fresh profile,
offscreen) and its peak RSS, against a bare PySide6 QMainWindow started the same way, runs
interleaved (bench_startup.py, which also runs on its own)."""

from __future__ import annotations

import statistics
from collections.abc import Callable

from tests.benchmarks.bench_startup import BARE, FAMGUARD, one_run
from tests.benchmarks.common import Row, Target


def client_rows(runs: int, log: Callable[[str], None]) -> list[Row]:
    bare: list[tuple[float, int, float]] = []
    app: list[tuple[float, int, float]] = []
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits both alike
        bare.append(one_run(BARE))
        app.append(one_run(FAMGUARD))
    bare_paint = statistics.median(t for t, _, _ in bare)
    app_paint = statistics.median(t for t, _, _ in app)
    cpu_ratio = statistics.median(c for _, _, c in app) / statistics.median(c for _, _, c in bare)
    bare_rss = statistics.median(r for _, r, _ in bare) / 1024
    app_rss = statistics.median(r for _, r, _ in app) / 1024
    log(
        f"first paint {app_paint * 1000:.0f} ms vs bare {bare_paint * 1000:.0f} ms; RSS {app_rss:.0f} vs {bare_rss:.0f}"
    )
    return [
        Row(
            f"first paint of famguard (fresh profile, median of {runs})",
            f"{app_paint * 1000:.0f} ms",
            f"bare QMainWindow {bare_paint * 1000:.0f} ms",
            app_paint / bare_paint,
            Target("<=", 1.3, "x"),
            note=f"CPU time to first paint {cpu_ratio:.2f}x, steadier on a busy machine",
        ),
        Row(
            "peak RSS at first paint",
            f"{app_rss:.0f} MiB",
            f"bare {bare_rss:.0f} MiB",
            app_rss - bare_rss,
            Target("<=", 30, " MiB more"),
        ),
    ]
