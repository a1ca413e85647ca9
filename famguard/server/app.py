"""Builds the FastAPI application of API v1: one `Service` (database, clock, event notifier)
shared by the routers, the uniform error handlers, and the OpenAPI document with every schema
described and exemplified."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from famguard import __version__
from famguard.domain.demo_family import DemoPlan
from famguard.server import (
    routes_accounts,
    routes_controls,
    routes_family,
    routes_pairing,
    routes_phone,
    routes_temporary_rules,
)
from famguard.server.db import Database, make_engine, upgrade_schema
from famguard.server.errors import error_body, install_error_handlers
from famguard.server.fastpath import FAST_PATH_ENV, FastControlsRead
from famguard.server.fastpath_events import FastEventsPoll
from famguard.server.fastpath_pg import FastControlsPostgres
from famguard.server.fastpath_write import FastControlsWrite
from famguard.server.limits import BodyLimit, Limits
from famguard.server.notify import EventHub
from famguard.server.schemas import ControlsPatch, Health
from famguard.server.secret import load_secret
from famguard.server.service import Service, TeenTurnedAdult
from famguard.server.strict_json import SafeJSONResponse

DESCRIPTION = (
    "The FamGuard reference service: guardians link with their teens' accounts and manage the "
    "teens' safety controls; teens see who manages them and ask for more time. "
    "The contract is described in famguard/server/API.md."
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    database_url: str,
    *,
    clock: Callable[[], datetime] | None = None,
    demo: bool = False,
    fast_path: bool | None = None,
    limits: Limits | None = None,
    light_demo_hashes: bool = False,
    demo_plan: DemoPlan | None = None,
) -> FastAPI:
    """The API v1 app on `database_url`; the schema is created or upgraded first. `clock`
    returns aware UTC datetimes (tests pass a fake one); `demo` seeds the demo family into an
    empty database. `fast_path` answers GET controls, makes PATCH controls and takes long polls
    in front of FastAPI on SQLite, and answers GET and PATCH controls in front of it on
    PostgreSQL (default: on, unless FAMGUARD_FAST_PATH=0); off, the FastAPI
    routes answer every request. `limits` bound what a client may send (famguard.server.limits;
    the defaults unless given), on the fast paths as on the routes. `light_demo_hashes`: the demo
    accounts' passwords are hashed at a light cost (only the desktop app's practice service);
    `demo_plan`: the demo family to seed (the app's, made before the service started; default a
    new one)."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    hub = EventHub(engine, listen=_pg_listener(engine) if engine.dialect.name == "postgresql" else None)
    database = Database(engine, after_commit=hub.notify, announce=hub.announce if hub.listens else None)
    service = Service(database, clock or _utc_now, hub, load_secret(database_url))
    hub.after_events = service.retention.due  # old events deleted now and then (retention.py)
    if demo:
        from famguard.server.demo import seed_demo

        with engine.connect() as connection:
            has_data = connection.execute(text("SELECT 1 FROM accounts LIMIT 1")).first() is not None
        if has_data:
            engine.dispose()
            raise RuntimeError("demo mode needs an empty database; give it a new file (it resets at every start)")
        service.demo_family = seed_demo(engine, clock=service.clock, light_hashes=light_demo_hashes, plan=demo_plan)  # type: ignore[attr-defined]

    app = _FamGuardApi(
        title="FamGuard API",
        version=__version__,
        description=DESCRIPTION,
        # The server is an API, not a website: no interactive docs pages.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below from bytes made once
        # A path with a trailing slash names nothing: 404 like any other. Starlette's default
        # answered it with an unauthenticated 307 to the same path on whatever Host the request
        # named (`Host: evil.example` got `Location: http://evil.example/...`).
        redirect_slashes=False,
        # Valid UTF-8 out, whatever was stored before input became strict.
        default_response_class=SafeJSONResponse,
    )
    app.state.service = service
    app.state.limits = limits = limits or Limits()
    install_error_handlers(app)

    @app.exception_handler(TeenTurnedAdult)
    async def _adult(_request: Request, exc: TeenTurnedAdult) -> JSONResponse:
        # The request's transaction has been rolled back; end the links in a fresh one.
        await run_in_threadpool(service.retire_adult, exc.teen_id)
        return SafeJSONResponse(error_body("not_found", "That teen was not found."), status_code=404)

    document: list[bytes] = []

    @app.api_route("/openapi.json", methods=["GET", "HEAD"], include_in_schema=False)
    async def openapi_document() -> Response:
        # Anyone may ask for it, so it is serialized once, not at every request as FastAPI's own
        # route does (73 KB: ~1 ms of the event loop each, ~6x a health check's cost).
        if not document:
            document.append(json.dumps(app.openapi(), ensure_ascii=False, separators=(",", ":")).encode())
        return Response(document[0], media_type="application/json")

    @app.get("/v1/health", response_model=Health, tags=["service"])
    async def health() -> dict[str, str]:
        """The service answers (no database involved)."""
        return {"status": "ok"}

    # HEAD too: uptime monitors and `curl -I` ask with it (uvicorn sends the head, not the body).
    # Its own route, out of the document: one route with both methods gave both one operation id.
    app.add_api_route("/v1/health", health, methods=["HEAD"], include_in_schema=False)

    for module in (
        routes_accounts,
        routes_pairing,
        routes_controls,
        routes_family,
        routes_phone,
        routes_temporary_rules,
    ):
        module.router.add_to(app)  # famguard.server.route_table: built once, here

    front: list[Callable[[ASGIApp], ASGIApp]] = []  # innermost first
    if fast_path if fast_path is not None else os.environ.get(FAST_PATH_ENV, "1") != "0":
        front.append(lambda inner: FastControlsRead(inner, service=service))
        front.append(lambda inner: FastControlsWrite(inner, service=service))
        front.append(lambda inner: FastEventsPoll(inner, service=service))
        if service.db.is_postgres:  # elsewhere a no-op layer, and one more frame each waiting poll holds
            front.append(lambda inner: FastControlsPostgres(inner, service=service))
    # Outermost: an oversized or endless body is refused before anything else, the fast paths
    # included, looks at it.
    front.append(lambda inner: BodyLimit(inner, limits=limits))
    app.front = front
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


class _FamGuardApi(FastAPI):
    """FastAPI with what answers in front of it — the body limit, then the SQLite fast paths —
    in front of FastAPI's own middleware too (error page, telemetry, its body limit): a fast
    answer skips the routing, and so it skips those wrappers' coroutine layers and send
    wrappers as well (ten thousand answers at once when an event wakes the long polls). An
    error raised in front is answered 500 by uvicorn, as FastAPI's error middleware would."""

    front: list[Callable[[ASGIApp], ASGIApp]] = []

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for wrap in self.front:
            app = wrap(app)
        return app


def _pg_listener(engine: Engine) -> Callable[[], Any]:
    """Opens the psycopg connection the event hub LISTENs on (autocommit, as LISTEN needs)."""
    import psycopg

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return lambda: psycopg.connect(conninfo, autocommit=True)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, tags=None
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    patch = ControlsPatch.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in patch.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas["ControlsPatch"] = patch
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "An access token from /v1/auth/token."}
    }
    public = {"/v1/health", "/v1/accounts", "/v1/auth/token", "/v1/auth/refresh"}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            operation["security"] = [] if path in public else [{"bearer": []}]
    app.openapi_schema = schema
    return schema
