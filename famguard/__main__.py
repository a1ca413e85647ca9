"""`python -m famguard` starts the app as the `famguard` command does (testers and support staff
reached for it, and it said "No module named famguard.__main__")."""

from famguard.app import main

if __name__ == "__main__":
    raise SystemExit(main())
