"""The composition root of the desktop app: parses the command line, shows the window at once,
and only after its first paint builds the parts that need slow imports (requests, keyring, the
demo's server stack) — on background threads, through the one task helper.

`famguard` (the console script) calls `main()`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from famguard import __version__

# Set by the start-up benchmark: print the moment of the first paint and quit.
EXIT_AFTER_FIRST_PAINT_ENV = "FAMGUARD_EXIT_AFTER_FIRST_PAINT"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="famguard",
        description="Manage your teen's safety controls on the video app.",
    )
    parser.add_argument("--version", action="version", version=f"FamGuard {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a practice service on this computer with a made-up family (no account, nothing saved)",
    )
    parser.add_argument("--server", metavar="URL", help="the FamGuard service to sign in to (remembered)")
    args = parser.parse_args(argv)
    if args.server and not args.server.startswith(("http://", "https://")):
        parser.error(f"--server must start with http:// or https://, not {args.server!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    from PySide6.QtWidgets import QApplication

    from famguard.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("FamGuard")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("FamGuard")
    window = MainWindow()

    if os.environ.get(EXIT_AFTER_FIRST_PAINT_ENV):
        import resource
        import time

        def report_and_quit() -> None:
            rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"first-paint {time.time():.6f} {rss_kib}", flush=True)
            app.quit()

        window.first_painted.connect(report_and_quit)
        window.show()
        return app.exec()

    holder: dict[str, object] = {}

    def start_controller() -> None:
        # Imported after the first paint: the controller pulls in the service layer.
        from famguard.ui.controller import AppController

        controller = AppController(window, demo=args.demo, server=args.server)
        holder["controller"] = controller
        controller.start()

    window.first_painted.connect(start_controller)
    window.show()
    code = app.exec()
    controller = holder.get("controller")
    if controller is not None:
        controller.shutdown()  # type: ignore[attr-defined]
    return code


if __name__ == "__main__":
    raise SystemExit(main())
