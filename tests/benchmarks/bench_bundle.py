"""The PyInstaller bundle against the same app run from the venv: size on disk, and time to the
first painted window (offscreen), each started N times in fresh processes, interleaved, so a busy
moment of the machine hits both alike. Prints medians and the ratio.

Run as a script after `python packaging/build.py` (not collected by pytest):
`python tests/benchmarks/bench_bundle.py [N]`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "famguard"
VENV_APP = [sys.executable, "-c", "import famguard.app as app; raise SystemExit(app.main([]))"]


def one_run(command: list[str], data_dir: str) -> tuple[float, int, float]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FAMGUARD_EXIT_AFTER_FIRST_PAINT": "1",
        "FAMGUARD_DATA_DIR": data_dir,  # its own single-instance channel: a running FamGuard does not interfere
    }
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tempfile.gettempdir())
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("first-paint "))
    _, painted, rss_kib, cpu = line.split()
    return float(painted) - started, int(rss_kib), float(cpu)


def size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    executable = BUNDLE / ("famguard.exe" if sys.platform == "win32" else "famguard")
    if not executable.exists():
        raise SystemExit(f"{executable} is missing: build it first with `python packaging/build.py`")
    archives = sorted((ROOT / "dist").glob("famguard-*.tar.gz"))
    print(f"bundle {BUNDLE}: {size_mib(BUNDLE):.0f} MiB on disk", end="")
    print(f", archive {archives[-1].name}: {archives[-1].stat().st_size / 2**20:.0f} MiB" if archives else "")
    results: dict[str, list[tuple[float, int, float]]] = {"venv": [], "bundle": []}
    with tempfile.TemporaryDirectory() as data_dir:
        one_run([str(executable)], data_dir)  # warm the page cache once for each, as a second start would be
        one_run(VENV_APP, data_dir)
        for _ in range(runs):
            results["venv"].append(one_run(VENV_APP, data_dir))
            results["bundle"].append(one_run([str(executable)], data_dir))
    medians, cpus = {}, {}
    for name, samples in results.items():
        times = [t for t, _, _ in samples]
        medians[name] = statistics.median(times)
        cpus[name] = statistics.median(c for _, _, c in samples)
        rss = statistics.median(r for _, r, _ in samples) / 1024
        print(
            f"{name:7s} first paint median {medians[name] * 1000:6.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={runs}), "
            f"CPU to first paint {cpus[name] * 1000:.0f} ms, peak RSS {rss:.0f} MiB"
        )
    # Wall time is what a person feels; CPU time is steadier on a busy machine. Both are printed.
    print(
        f"ratio bundle / venv: {medians['bundle'] / medians['venv']:.2f} (wall), "
        f"{cpus['bundle'] / cpus['venv']:.2f} (CPU)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
