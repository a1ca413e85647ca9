"""The routes of one `routes_*` module, declared with APIRouter's decorators and added to each app
by `create_app` — the same routes an `APIRouter` included into the app gives, built once.

Why not an APIRouter: FastAPI builds a route's request and response models (pydantic adapters of
every parameter and response, ~3 ms a route) when the route is added to a router, at import, and
again for every app that includes that router, at the app's first request (an included router's
routes are rebuilt for the app's defaults: its response class, dependency overrides). For the
desktop app's practice service that was ~110 ms of CPU twice on the way to the demo family
(tests/benchmarks/demo_phases.py). Recorded here and added with `FastAPI.add_api_route`, each
route is built once per app, with what `include_router` would have merged: the table's tags and
dependencies first, then the route's own, and the app's defaults for the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, params

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class RouteTable:
    def __init__(self, *, tags: list[str], dependencies: Sequence[params.Depends] = ()) -> None:
        self.tags = list(tags)
        self.dependencies = list(dependencies)
        self.routes: list[tuple[str, Callable[..., Any], str, dict[str, Any]]] = []

    def _route(self, method: str, path: str, options: dict[str, Any]) -> Callable[[Endpoint], Endpoint]:
        def record(endpoint: Endpoint) -> Endpoint:
            self.routes.append((path, endpoint, method, options))
            return endpoint

        return record

    def get(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self._route("GET", path, options)

    def post(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self._route("POST", path, options)

    def patch(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self._route("PATCH", path, options)

    def put(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self._route("PUT", path, options)

    def delete(self, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
        return self._route("DELETE", path, options)

    def add_to(self, app: FastAPI) -> None:
        """Add every route, in the order declared (the order requests are matched in)."""
        for path, endpoint, method, options in self.routes:
            app.add_api_route(
                path,
                endpoint,
                methods=[method],
                **{
                    **options,
                    "tags": [*self.tags, *options.get("tags", [])],
                    "dependencies": [*self.dependencies, *options.get("dependencies", [])],
                },
            )
