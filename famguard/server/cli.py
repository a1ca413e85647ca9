"""`famguard-server`: run the reference service with uvicorn. It binds loopback by default and
refuses any other address unless it serves TLS itself (--tls-cert/--tls-key) or is told it sits
behind a TLS-terminating proxy (--behind-proxy), whose address it must then be told
(--proxy-address): only that peer's X-Forwarded-For names the client."""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import ipaddress
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from famguard import __version__

if TYPE_CHECKING:
    from fastapi import FastAPI
from famguard.domain.loopback import is_loopback_host
from famguard.server.limits import Limits

T = TypeVar("T")

DEFAULT_PORT = 8080
_WORKER_DATABASE_ENV = "FAMGUARD_WORKER_DATABASE_URL"
_WORKER_LIMITS_ENV = "FAMGUARD_WORKER_LIMITS"  # the parent's Limits, as JSON
_WORKER_PARENT_ENV = "FAMGUARD_WORKER_PARENT"  # the parent's pid
PROXY_ADDRESS_ENV = "FAMGUARD_PROXY_ADDRESS"
# The proxy of a server bound to loopback can only be on this machine (uvicorn's own default).
_LOOPBACK_PROXY = "127.0.0.1,::1"


def worker_app() -> FastAPI:
    """The app of one worker process of `--workers N` (uvicorn imports and calls this), with
    the limits the parent was given."""
    from famguard.server.app import create_app

    _end_with_the_parent(int(os.environ[_WORKER_PARENT_ENV]))
    limits = Limits(**json.loads(os.environ[_WORKER_LIMITS_ENV]))
    app = create_app(os.environ[_WORKER_DATABASE_ENV], limits=limits)
    tune_collector()
    return app


def _end_with_the_parent(parent: int) -> None:
    """A worker ends when the process that started it ends (Linux): a parent SIGKILLed — a
    supervisor's last resort, the kernel's out-of-memory killer — left its workers serving on the
    port, and a server started again shared the port with them (an outside tester). SIGTERM: a
    worker's own stop, its requests answered first."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG, <linux/prctl.h>
    if ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGTERM, 0, 0, 0) != 0:
        return  # refused (not expected): a worker that outlives its parent, as before
    if os.getppid() != parent:  # the parent ended before the call
        os.kill(os.getpid(), signal.SIGTERM)


def tune_collector() -> None:
    """Keeps the garbage collector's full collections off the requests' path (measured with
    gc.callbacks under load: a full collection stopped the whole process for 80–140 ms with no
    poll waiting, 200–900 ms with 10,000 waiting polls, and they came every few seconds).

    - Every object alive once the app is built (modules, FastAPI's routes and models,
      SQLAlchemy's metadata: ~125,000 objects) is moved out of the collector's reach: nothing
      of it is ever garbage, and a full collection walked all of it.
    - Young collections run every 10,000 allocations instead of 700: a request's objects are
      mostly freed by reference counting before a collection sees them, so far fewer reach the
      oldest generation (what makes a full collection due); each young one stays ~1 ms.
    - A full collection is considered after 100 middle ones instead of 10 (Python still waits
      until a quarter more objects than at the last one have reached the oldest generation):
      cyclic garbage is still collected, minutes apart instead of seconds.

    Only the server process does this: the desktop app, which runs the server in a thread for
    its demo, manages its own collections (famguard.ui)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 100)


def _default_database_url() -> str:
    from famguard.paths import ensure_private_dir, user_data_dir

    directory = ensure_private_dir(user_data_dir())
    return f"sqlite:///{directory / 'server.sqlite3'}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="famguard-server", description="Run the FamGuard reference service (REST API v1)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("FAMGUARD_DATABASE_URL"),
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: $FAMGUARD_DATABASE_URL, "
        "else a SQLite file in the user data directory)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="start with the demo family in a fresh database (reset at every start)"
    )
    parser.add_argument("--tls-cert", type=Path, help="TLS certificate chain (PEM)")
    parser.add_argument("--tls-key", type=Path, help="TLS private key (PEM)")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a TLS-terminating reverse proxy is in front: allow a non-loopback --host and trust the "
        "X-Forwarded-* headers of --proxy-address",
    )
    parser.add_argument(
        "--proxy-address",
        metavar="IP[,IP...]",
        help="with --behind-proxy: the proxy's addresses or networks (e.g. 10.0.0.5 or 10.0.0.0/24); only "
        "their X-Forwarded-For names the client that the per-address limits count, any other peer counts "
        f"as itself (default: ${PROXY_ADDRESS_ENV}, else {_LOOPBACK_PROXY} with a loopback --host; "
        "required with any other --host)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=Limits.header_timeout,
        help=f"seconds a client has to send a request head (default: {Limits.header_timeout:g})",
    )
    parser.add_argument(
        "--signup-limit",
        type=int,
        default=Limits.signups_per_address,
        help=f"account sign-ups allowed per client address in 15 minutes (default: {Limits.signups_per_address})",
    )
    parser.add_argument(
        "--arriving-bodies-mib",
        type=int,
        default=Limits.max_arriving_body_bytes // 2**20,
        metavar="MIB",
        help="memory the request bodies still arriving may hold together; past it the one arriving the "
        f"longest is closed (default: {Limits.max_arriving_body_bytes // 2**20}, room for "
        f"{Limits.max_arriving_body_bytes // Limits.max_body_bytes} of the largest allowed)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes serving the one port (default: 1); every limit and promise holds across "
        "them, since all their state lives in the database",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.arriving_bodies_mib * 2**20 < Limits.max_body_bytes:
        parser.error(f"--arriving-bodies-mib must be at least 1 (one body may be {Limits.max_body_bytes // 1024} KiB)")
    if args.workers > 1 and args.demo:
        parser.error("--demo runs one worker (its database is made afresh at every start)")
    proxy_addresses = _proxy_addresses(parser, args)
    if not is_loopback_host(args.host) and not args.tls_cert and not args.behind_proxy:
        print(
            f"famguard-server: refusing to listen on {args.host} without TLS: passwords and tokens would "
            "cross the network in clear text.\nGive --tls-cert and --tls-key, or --behind-proxy when a "
            "TLS-terminating proxy is in front, or use --host 127.0.0.1.",
            file=sys.stderr,
        )
        return 2

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from famguard.server.app import create_app
    from famguard.server.limits import attach, uvicorn_options

    demo_dir = tempfile.mkdtemp(prefix="famguard-demo-") if args.demo else None
    try:
        if demo_dir:
            database_url = f"sqlite:///{Path(demo_dir) / 'demo.sqlite3'}"
        else:
            database_url = args.database_url or _default_database_url()
        limits = Limits(
            header_timeout=args.header_timeout,
            signups_per_address=args.signup_limit,
            max_arriving_body_bytes=args.arriving_bodies_mib * 2**20,
        )
        from famguard.server.secret import SecretError

        try:
            if args.workers > 1:
                # Each worker process builds its own app (worker_app); the schema is brought up
                # to date once, here, before any of them starts, and the secret is checked here.
                from famguard.server.db import make_engine, upgrade_schema
                from famguard.server.secret import load_secret

                load_secret(database_url)
                engine = make_engine(database_url)
                upgrade_schema(engine)
                engine.dispose()
                os.environ[_WORKER_DATABASE_ENV] = database_url
                os.environ[_WORKER_LIMITS_ENV] = json.dumps(dataclasses.asdict(limits))
                os.environ[_WORKER_PARENT_ENV] = str(os.getpid())
                app: FastAPI | str = "famguard.server.cli:worker_app"
            else:
                app = create_app(database_url, demo=args.demo, limits=limits)
        except SecretError as error:
            print(f"famguard-server: {error}", file=sys.stderr)
            return 2
        scheme = "https" if args.tls_cert else "http"
        print(f"FamGuard server {__version__} on {scheme}://{args.host}:{args.port}", flush=True)
        if proxy_addresses:
            print(f"Client addresses from the X-Forwarded-For of {', '.join(proxy_addresses)}", flush=True)
        if args.demo:
            assert not isinstance(app, str)  # the demo runs one worker, in this process
            family = app.state.service.demo_family
            print(
                f"Demo mode (reset at every start). Sign in as {family.guardian_name}: "
                f"{family.guardian_email} / {family.guardian_password}",
                flush=True,
            )
            print(f"  second guardian: {family.second_guardian_email} / {family.second_guardian_password}")
            print(
                f"  {family.newcomer_name}, a guardian linked with nobody (pair with a teen to practise a "
                f"guardian's approval): {family.newcomer_email} / {family.newcomer_password}"
            )
            for teen in family.teens:
                print(f"  teen {teen.display_name} ({teen.age}): {teen.email} / {teen.password}")
        log_config = copy.deepcopy(LOGGING_CONFIG)
        log_config.setdefault("filters", {})["redact"] = {"()": "famguard.server.runner.RedactQueryStrings"}
        log_config["loggers"]["uvicorn.access"]["filters"] = ["redact"]
        uvicorn_kwargs: dict[str, object] = {}
        if args.tls_cert:
            uvicorn_kwargs.update(ssl_certfile=str(args.tls_cert), ssl_keyfile=str(args.tls_key))
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_config=log_config,
            proxy_headers=args.behind_proxy,
            forwarded_allow_ips=proxy_addresses,
            workers=args.workers,
            factory=args.workers > 1,
            # Waiting long polls answer at once (limits.GuardedHttpProtocol.shutdown); other requests get 5 s.
            timeout_graceful_shutdown=5,
            **uvicorn_options(limits),
            **uvicorn_kwargs,  # type: ignore[arg-type]
        )
        attach(config, limits)
        if args.workers > 1:
            from uvicorn.supervisors import Multiprocess

            # Each worker process runs a Server of this config (the limits travel with it).
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            config.load()  # the protocol classes and middleware, before their objects are frozen
            tune_collector()
            _server_that_returns(uvicorn.Server)(config).run()
        return 0
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)


def _server_that_returns(server_class: type[T]) -> type[T]:
    """uvicorn's Server, whose run returns after a SIGTERM or Ctrl+C has shut it down gracefully.
    uvicorn raises the signal again once it has shut down, which ended the process there: the
    `finally` that removes `--demo`'s folder never ran, and each demo stopped with `kill` left its
    database and secret in the temporary folder (an outside tester; the app's own demo had the
    same). Returning, the process exits 0 after its clean-up."""

    class ReturningServer(server_class):  # type: ignore[valid-type,misc]
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                try:
                    yield
                finally:
                    captured = getattr(self, "_captured_signals", None)
                    if isinstance(captured, list):
                        captured.clear()  # shut down already: nothing left for the signal to do

    return ReturningServer


def _proxy_addresses(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str] | None:
    """The peers whose X-Forwarded-For is trusted (None: no proxy). Left to uvicorn's default
    (127.0.0.1), a proxy on another machine was not trusted, and every client counted as the
    proxy: one per-address limit shared by all users. Never "*" (any client could then name its
    own address and pass every per-address limit)."""
    if not args.behind_proxy:
        if args.proxy_address:
            parser.error("--proxy-address goes with --behind-proxy")
        return None
    given = args.proxy_address or os.environ.get(PROXY_ADDRESS_ENV)
    if not given:
        if not is_loopback_host(args.host):
            parser.error(
                f"--behind-proxy with --host {args.host} needs --proxy-address (or ${PROXY_ADDRESS_ENV}): "
                "the address of the proxy, whose X-Forwarded-For names each client"
            )
        given = _LOOPBACK_PROXY
    addresses = [part.strip() for part in given.split(",") if part.strip()]
    for address in addresses:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            parser.error(f"--proxy-address: {address!r} is not an IP address or network (such as 10.0.0.0/24)")
    if not addresses:
        parser.error("--proxy-address names no address")
    return addresses


if __name__ == "__main__":
    sys.exit(main())
