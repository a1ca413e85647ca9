"""The long-poll rows: N idle long polls (GET /v1/events?wait=30) held open against one server
process; its RSS with them against the same process with none, GET /v1/me's p99 (wrk) while they
wait against the same without them, and the time from one published change (a PATCH whose event
reaches every poller: one teen with 100 guardians, the polls spread over those guardians) until
each poll has its answer.

The polls are held by an asyncio client on raw connections in this process (`_Poll`: cheap
enough for 10,000 connections, and it notes each answer's moment before checking it); the
server is a `famguard-server` process of its own. Besides the delays, the log shows the
server's CPU for the change and its hand-out (and the kernel's share), this client's CPU, and
when the change itself and the first poll were answered: on a busy machine the delays measure
the machine, the CPU figures measure the server."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert

from famguard.server.models import Link
from tests.benchmarks.common import Row, Target, cpu_seconds, rss_mib, wrk
from tests.benchmarks.seed import seed
from tests.support.servers import LocalServer

GUARDIANS = 100
WAIT_SECONDS = 30


class _Poll(asyncio.Protocol):
    """One long poll on a raw connection: the moment its whole answer has arrived is noted
    before anything else is done with it (its JSON is checked after the run), so this client,
    on the same two cores as the server, spends as little as it can per answer: asyncio's
    streams and a JSON parse per answer cost it ~90 us each, taken from the server's CPU."""

    def __init__(self, request: bytes, answers: list[tuple[float, bytes]], failures: list[str], sent: list[int]):
        self.request = request
        self.answers = answers
        self.failures = failures
        self.sent = sent
        self.buffer = b""
        self.length = -1
        self.answered = False
        self.done = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.request)  # type: ignore[attr-defined]
        self.sent.append(1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.length < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            found = re.search(rb"(?im)^content-length:\s*(\d+)", self.buffer[:end])
            self.length = end + 4 + (int(found.group(1)) if found else 0)
        if len(self.buffer) >= self.length:
            self.answers.append((time.perf_counter(), self.buffer))
            self.answered = True
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answered:
            self.failures.append(f"closed before the answer: {exc or self.buffer[:40]!r}")
        if not self.done.done():
            self.done.set_result(None)


def _checked(answers: list[tuple[float, bytes]], failures: list[str]) -> list[float]:
    """The moments of the answers that carry the event (status 200, an event in the body)."""
    moments = []
    for moment, raw in answers:
        head, _, body = raw.partition(b"\r\n\r\n")
        try:
            events = json.loads(body).get("events") if head.split(b" ", 2)[1] == b"200" else None
        except ValueError:
            events = None
        if events:
            moments.append(moment)
        else:
            failures.append(f"answered without the event: {head[:40]!r}")
    return moments


async def _hold_polls(
    port: int, tokens: list[str], cursor: str, count: int, during: Callable[[], float], client_cpu: list[float]
) -> tuple[float, list[float], list[str], float]:
    """Open `count` polls, run `during()` (returns the moment of the change), collect answers."""
    answers: list[tuple[float, bytes]] = []
    failures: list[str] = []
    sent: list[int] = []
    tasks = []
    loop = asyncio.get_running_loop()
    opened_at = time.perf_counter()

    async def poll(token: str) -> None:
        request = (
            f"GET /v1/events?after={cursor}&wait={WAIT_SECONDS} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\n\r\n"
        ).encode()
        try:
            _transport, protocol = await loop.create_connection(
                lambda: _Poll(request, answers, failures, sent), "127.0.0.1", port
            )
        except OSError as exc:
            failures.append(f"connect: {exc}")
            return
        await protocol.done

    for n in range(count):
        tasks.append(asyncio.create_task(poll(tokens[n % len(tokens)])))
        if n % 100 == 99:
            await asyncio.sleep(0.05)  # ~2,000 new connections a second: stay under the listen backlog
    while len(sent) + len(failures) < count and time.perf_counter() - opened_at < WAIT_SECONDS / 2:
        await asyncio.sleep(0.05)
    opened = time.perf_counter() - opened_at
    # This client's own collector stays out of the measured window: with 10,000 connections'
    # objects alive, one of its collections paused it for longer than the server's hand-out
    # (collected right after, as usual).
    gc.collect()
    gc.disable()
    try:
        changed_at = await loop.run_in_executor(None, during)
        cpu_before = time.process_time()
        await asyncio.wait(tasks, timeout=WAIT_SECONDS + 5)
        client_cpu.append(time.process_time() - cpu_before)
    finally:
        gc.enable()
    return changed_at, _checked(answers, failures), failures, opened


def _system_seconds(pid: int) -> float:
    """The kernel's share of cpu_seconds (loopback sends: the receiving side's work runs there too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[12]) / os.sysconf("SC_CLK_TCK")


def poll_rows(count: int, log: Callable[[str], None]) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        seeded = seed(url, guardians=GUARDIANS, teens=GUARDIANS)
        shared_teen = seeded.teens[0][0]
        engine = create_engine(url)
        with engine.begin() as connection:  # every guardian is linked to the shared teen
            connection.execute(
                insert(Link),
                [
                    {
                        "id": secrets.token_hex(16),
                        "guardian_id": gid,
                        "teen_id": shared_teen,
                        "linked_at": datetime.now(UTC),
                    }
                    for gid in seeded.guardian_ids[1:]
                ],
            )
        engine.dispose()
        plan = [f'{token} {teens[0]} "1"' for token, teens in zip(seeded.tokens, seeded.teens, strict=True)]
        with LocalServer(url, own_process=True) as server:
            base = server.url
            http = requests.Session()
            auth = {"Authorization": f"Bearer {seeded.tokens[0]}"}
            cursor = http.get(f"{base}/v1/events", headers=auth, timeout=10).json()["cursor"]
            wrk(base, "me", plan, 10, 1)  # warm-up
            idle_rss = rss_mib(server.pid)
            idle_me = wrk(base, "me", plan, 10, 3)
            waiting: dict[str, float] = {}

            def during() -> float:
                # The server has taken every poll when it is idle again (its CPU time stands still).
                settle_until = time.monotonic() + 12
                last = cpu_seconds(server.pid)
                while time.monotonic() < settle_until:
                    time.sleep(0.5)
                    now = cpu_seconds(server.pid)
                    if now - last < 0.05:
                        break
                    last = now
                waiting["rss"] = rss_mib(server.pid)
                me = wrk(base, "me", plan, 10, 3)
                log(f"GET /v1/me while the polls wait: {me}")
                waiting["me_p99"] = me.p99_ms if not me.errors else float("inf")
                etag = http.get(f"{base}/v1/teens/{shared_teen}/controls", headers=auth, timeout=10).headers["ETag"]
                # The clock starts before the change is sent: its event is published at its commit,
                # somewhere before its answer arrives, so this is an upper bound of each delay.
                waiting["cpu"] = cpu_seconds(server.pid)
                waiting["sys"] = _system_seconds(server.pid)
                sent_at = time.perf_counter()
                answer = http.patch(
                    f"{base}/v1/teens/{shared_teen}/controls",
                    json={"daily_limit_minutes": 75},
                    headers={**auth, "If-Match": etag},
                    timeout=10,
                )
                answer.raise_for_status()
                waiting["patch_s"] = time.perf_counter() - sent_at
                return sent_at

            client_cpu: list[float] = []
            runner = asyncio.run
            try:
                import uvloop  # the client must not be the bottleneck of 10,000 answers

                runner = uvloop.run  # type: ignore[assignment]
            except ImportError:
                pass
            changed_at, answered, failures, opened = runner(
                _hold_polls(server.port, seeded.tokens, cursor, count, during, client_cpu)
            )
            # The server's CPU from the change until it is idle again: what the hand-out costs,
            # whatever else the machine runs (the delays above also measure the machine),
            # including what it leaves for after the answers (the closes of the connections
            # these clients close, which wait behind the answers still to go out).
            to_last_answer = cpu_seconds(server.pid) - waiting["cpu"]
            settled_at, last = time.monotonic(), cpu_seconds(server.pid)
            while time.monotonic() - settled_at < 3:
                time.sleep(0.2)
                now = cpu_seconds(server.pid)
                if now - last < 0.005:
                    break
                last = now
            hand_out_cpu = cpu_seconds(server.pid) - waiting["cpu"]
            hand_out_sys = _system_seconds(server.pid) - waiting["sys"]
    delays = sorted(t - changed_at for t in answered) + [float("inf")] * (count - len(answered))
    p99 = delays[max(0, int(len(delays) * 0.99) - 1)]
    median = statistics.median(delays)
    log(
        f"{count} polls opened in {opened:.1f} s; RSS {idle_rss:.0f} -> {waiting['rss']:.0f} MiB; /v1/me p99 "
        f"{idle_me.p99_ms:.1f} -> {waiting['me_p99']:.1f} ms; {len(answered)} answered, median {median:.2f} s, "
        f"p99 {p99:.2f} s; failures {len(failures)} {failures[:3]}; server CPU for the change and its "
        f"hand-out {hand_out_cpu:.2f} s ({hand_out_cpu / count * 1e6:.0f} us per poll, {hand_out_sys:.2f} s of it in "
        f"the kernel; {to_last_answer / count * 1e6:.0f} us per poll by the last answer), this client's "
        f"{client_cpu[0]:.2f} s; the change answered after {waiting['patch_s']:.3f} s, the first poll after "
        f"{delays[0]:.3f} s"
    )
    return [
        Row(
            f"RSS with {count:,} idle long polls",
            f"{waiting['rss']:.0f} MiB",
            f"{idle_rss:.0f} MiB with none",
            waiting["rss"] - idle_rss,
            Target("<", 150, " MiB more"),
        ),
        Row(
            f"GET /v1/me p99 while {count:,} polls wait",
            f"{waiting['me_p99']:.1f} ms",
            f"{idle_me.p99_ms:.1f} ms with none",
            waiting["me_p99"],
            Target("<", 50, " ms", absolute_time=True),
        ),
        Row(
            f"one event reaching all {count:,} polls, p99",
            f"{p99:.2f} s (median {median:.2f} s, {len(answered):,} answered)",
            "-",
            p99,
            Target("<", 1, " s", absolute_time=True),
        ),
    ]
