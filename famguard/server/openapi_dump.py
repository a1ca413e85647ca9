"""Writes the OpenAPI document of API v1 to famguard/server/openapi.json (sorted, indented), the
copy kept in the repository: `python -m famguard.server.openapi_dump`. A test fails when the
committed copy differs from what the app serves."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"


def current_openapi() -> dict[str, Any]:
    from famguard.server.app import create_app

    with tempfile.TemporaryDirectory(prefix="famguard-openapi-") as directory:
        app = create_app(f"sqlite:///{Path(directory) / 'schema.sqlite3'}")
        try:
            return app.openapi()
        finally:
            app.state.service.db.dispose()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    OPENAPI_PATH.write_text(render(current_openapi()), encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")  # noqa: T201 - a developer command
    return 0


if __name__ == "__main__":
    sys.exit(main())
