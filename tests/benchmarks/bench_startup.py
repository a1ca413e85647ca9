"""Time to the first painted window: `famguard` against a bare QMainWindow, each started in a
fresh interpreter (offscreen), N runs each; prints medians, the ratio and peak RSS.

Run as a script (not collected by pytest): `python tests/benchmarks/bench_startup.py [N]`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

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
    print(f"first-paint {time.time():.6f} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.4f}", flush=True)
    app.quit()
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

FAMGUARD = "import famguard.app as app; raise SystemExit(app.main([]))"


def one_run(code: str) -> tuple[float, int, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "1"}
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"run failed:\n{result.stderr}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("first-paint "))
    _, painted, rss_kib, cpu = line.split()
    return float(painted) - started, int(rss_kib), float(cpu)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    results: dict[str, list[tuple[float, int, float]]] = {"bare QMainWindow": [], "famguard": []}
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits both alike
        results["bare QMainWindow"].append(one_run(BARE))
        results["famguard"].append(one_run(FAMGUARD))
    medians, cpus = {}, {}
    for name, samples in results.items():
        times = [t for t, _, _ in samples]
        medians[name] = statistics.median(times)
        cpus[name] = statistics.median(c for _, _, c in samples)
        rss = statistics.median(r for _, r, _ in samples) / 1024
        print(
            f"{name:18s} first paint median {medians[name] * 1000:6.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={runs}), "
            f"CPU to first paint {cpus[name] * 1000:.0f} ms, peak RSS {rss:.0f} MiB"
        )
    # Wall time is what a person feels; CPU time is steadier on a busy machine. Both are printed.
    print(
        f"ratio famguard / bare: {medians['famguard'] / medians['bare QMainWindow']:.2f} (wall), "
        f"{cpus['famguard'] / cpus['bare QMainWindow']:.2f} (CPU)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
