"""The PyInstaller bundle against the same app run from the venv: size on disk, and time to the
first painted window (offscreen), each started N times in fresh processes, interleaved, so a busy
moment of the machine hits both alike. Prints medians and the ratio.

Run as a script after `python packaging/build.py` (not collected by pytest):
`python tests/benchmarks/bench_bundle.py [N]`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: the tests package is found from the checkout
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_startup import FAMGUARD, Start, compile_bytecode, print_stats, run_interleaved  # noqa: E402

BUNDLE = ROOT / "dist" / "famguard"


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
    compile_bytecode()  # the venv's app as pip installs it (the bundle ships its bytecode)
    with tempfile.TemporaryDirectory() as data_dir:
        # One data directory for both: its own single-instance channel, so a running FamGuard does not interfere.
        env = {"FAMGUARD_DATA_DIR": data_dir}
        results = run_interleaved(
            {"venv": Start([sys.executable, "-c", FAMGUARD], env), "bundle": Start([str(executable)], env)}, runs
        )
    print_stats(results, "venv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
