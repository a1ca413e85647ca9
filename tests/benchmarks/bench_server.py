"""Benchmark of the reference server (not a pytest test): throughput and p99 latency of
GET /v1/health, GET controls and PATCH controls with 50 concurrent keep-alive clients, each as a
ratio to the health endpoint in the same run.

    python tests/benchmarks/bench_server.py [--seconds 5] [--clients 50]

The server runs as its own process (`famguard-server`, uvicorn, one worker, 127.0.0.1, a fresh
SQLite file), so the load generator does not share its interpreter. The load generator is a
small asyncio HTTP/1.1 client on raw sockets, cheap enough that it is not the bottleneck.
Each PATCH client changes its own teen's controls, sending the ETag of its previous answer as
If-Match (on a 412 it takes the current ETag from the answer and goes on)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import requests

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(directory: Path, port: int) -> subprocess.Popen[bytes]:
    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "famguard.server.cli", "--port", str(port), "--database-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "FAMGUARD_DATA_DIR": str(directory)},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def setup_family(base: str, teens: int) -> tuple[str, list[str]]:
    """One guardian linked to `teens` teens, through the public API."""
    http = requests.Session()

    def account(email: str, role: str, birth: str | None = None) -> str:
        body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0], "role": role}
        if birth:
            body["birth_date"] = birth
        requests.post(f"{base}/v1/accounts", json=body, timeout=30).raise_for_status()
        answer = requests.post(f"{base}/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=30)
        answer.raise_for_status()
        return answer.json()["access_token"]

    guardian = account("guardian@bench.example", "guardian")
    birth = date(date.today().year - 15, 1, 1).isoformat()
    with ThreadPoolExecutor(8) as pool:
        teen_tokens = list(pool.map(lambda n: account(f"teen{n}@bench.example", "teen", birth), range(teens)))
    teen_ids = []
    for token in teen_tokens:
        g = {"Authorization": f"Bearer {guardian}"}
        t = {"Authorization": f"Bearer {token}"}
        pairing = http.post(f"{base}/v1/pairings", headers=g, timeout=30).json()
        http.post(f"{base}/v1/pairings/redeem", json={"code": pairing["code"]}, headers=t, timeout=30)
        http.post(f"{base}/v1/pairings/{pairing['id']}/accept", headers=t, timeout=30)
        http.post(f"{base}/v1/pairings/{pairing['id']}/confirm", headers=g, timeout=30).raise_for_status()
        teen_ids.append(http.get(f"{base}/v1/me", headers=t, timeout=30).json()["id"])
    return guardian, teen_ids


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict, bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer = {}
        for line in header_lines:
            if ":" in line:
                key, value = line.split(":", 1)
                answer[key.strip().lower()] = value.strip()
        payload = await self.reader.readexactly(int(answer.get("content-length", "0")))
        return int(status_line.split()[1]), answer, payload


async def run_load(port: int, clients: int, seconds: float, make_request) -> dict:  # noqa: ANN001
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds
    warm_until = time.perf_counter() + min(1.0, seconds / 5)

    async def client(index: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        connection = Connection(reader, writer)
        state: dict = {}
        try:
            while (now := time.perf_counter()) < stop_at:
                method, path, headers, body = make_request(index, state)
                status, answer, _payload = await connection.request(method, path, headers, body)
                done = time.perf_counter()
                if "etag" in answer:
                    state["etag"] = answer["etag"]
                if now >= warm_until:
                    latencies.append(done - now)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    measured = seconds - min(1.0, seconds / 5)
    latencies.sort()
    return {
        "rps": len(latencies) / measured,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statuses": statuses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
        port = free_port()
        server = start_server(Path(directory), port)
        try:
            base = f"http://127.0.0.1:{port}"
            token, teens = setup_family(base, args.clients)
            auth = {"Authorization": f"Bearer {token}"}
            etags = {}
            for teen in teens:
                etags[teen] = requests.get(f"{base}/v1/teens/{teen}/controls", headers=auth, timeout=30).headers["ETag"]

            def health(_i: int, _state: dict) -> tuple:
                return "GET", "/v1/health", {}, b""

            def get_controls(i: int, _state: dict) -> tuple:
                return "GET", f"/v1/teens/{teens[0]}/controls", auth, b""

            def patch_controls(i: int, state: dict) -> tuple:
                teen = teens[i % len(teens)]
                state["n"] = state.get("n", 0) + 1
                body = json.dumps({"daily_limit_minutes": 60 + state["n"] % 2 * 30}).encode()
                headers = {**auth, "If-Match": state.get("etag", etags[teen])}
                return "PATCH", f"/v1/teens/{teen}/controls", headers, body

            results = {}
            for name, factory in (
                ("GET /v1/health", health),
                ("GET controls", get_controls),
                ("PATCH controls", patch_controls),
            ):
                results[name] = asyncio.run(run_load(port, args.clients, args.seconds, factory))
        finally:
            server.terminate()
            server.wait(15)
    baseline = results["GET /v1/health"]["rps"]
    print(f"\n{args.clients} concurrent clients, {args.seconds:g} s per endpoint, uvicorn 1 worker, SQLite (WAL)\n")
    print(f"{'endpoint':<18}{'req/s':>9}{'vs health':>11}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for name, r in results.items():
        print(
            f"{name:<18}{r['rps']:>9.0f}{r['rps'] / baseline:>10.0%}{r['p50']:>9.1f}{r['p99']:>9.1f}  "
            f"{dict(sorted(r['statuses'].items()))}"
        )
    get = results["GET controls"]
    met = get["rps"] >= 0.5 * baseline and get["p99"] < 50
    print(f"\ntarget (GET controls >= 50% of health and p99 < 50 ms): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
