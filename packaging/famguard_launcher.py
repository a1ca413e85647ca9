"""The bundle's entry point (PyInstaller needs a script, not a console-script entry point)."""

from famguard.app import main

raise SystemExit(main())
