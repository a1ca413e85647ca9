"""Benchmark of the teen's phone reads (not a pytest test): what the temporary-rule overlay and the
receipts cost. Throughput and latency of the teen's GET /v1/me/controls without a rule and with
an active rule, of POST /v1/me/controls/applied and of the guardian's GET /v1/teens/{id}/phone,
each as a ratio to GET /v1/health and to GET /v1/me/guardians (an ordinary FastAPI route of the
teen, untouched by this work; the guardian's GET controls has a fast path of its own) in the same
run.

    python tests/benchmarks/bench_teen_reads.py [--seconds 5] [--clients 20]

Same server and load generator as bench_server.py (its own `famguard-server` process, one
uvicorn worker, a fresh SQLite file; an asyncio keep-alive client per connection)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server import PASSWORD, free_port, run_load, start_server  # noqa: E402 - the sibling script


def _account(base: str, email: str, role: str, birth: str | None = None) -> str:
    body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0], "role": role}
    if birth:
        body["birth_date"] = birth
    requests.post(f"{base}/v1/accounts", json=body, timeout=30).raise_for_status()
    answer = requests.post(f"{base}/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return answer.json()["access_token"]


def _family(base: str, name: str) -> tuple[dict[str, str], dict[str, str], str]:
    """A guardian and a 15-year-old teen, linked: (guardian auth, teen auth, teen id)."""
    g = {"Authorization": f"Bearer {_account(base, f'g-{name}@bench.example', 'guardian')}"}
    birth = (datetime.now(UTC).date() - timedelta(days=15 * 365 + 60)).isoformat()
    t = {"Authorization": f"Bearer {_account(base, f't-{name}@bench.example', 'teen', birth)}"}
    pairing = requests.post(f"{base}/v1/pairings", headers=g, timeout=30).json()
    requests.post(f"{base}/v1/pairings/redeem", json={"code": pairing["code"]}, headers=t, timeout=30)
    requests.post(f"{base}/v1/pairings/{pairing['id']}/accept", headers=t, timeout=30)
    requests.post(f"{base}/v1/pairings/{pairing['id']}/confirm", headers=g, timeout=30).raise_for_status()
    return g, t, requests.get(f"{base}/v1/me", headers=t, timeout=30).json()["id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="famguard-bench-") as directory:
        port = free_port()
        server = start_server(Path(directory), port)
        try:
            base = f"http://127.0.0.1:{port}"
            plain_g, plain_t, plain_id = _family(base, "plain")
            ruled_g, ruled_t, ruled_id = _family(base, "ruled")
            today = datetime.now(UTC).date()
            first, last = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=5)).isoformat()
            rule = {"name": "Exams", "starts_on": first, "ends_on": last, "controls": {"daily_limit_minutes": 30}}
            requests.post(f"{base}/v1/teens/{ruled_id}/temporary-rules", json=rule, headers=ruled_g,
                          timeout=30).raise_for_status()  # fmt: skip
            etag = requests.get(f"{base}/v1/me/controls", headers=ruled_t, timeout=30).headers["ETag"]
            applied = json.dumps({"etag": etag}).encode()
            endpoints = {
                "GET /v1/health": lambda _i, _s: ("GET", "/v1/health", {}, b""),
                "GET controls (guardian)": lambda _i, _s: ("GET", f"/v1/teens/{plain_id}/controls", plain_g, b""),
                "GET /v1/me/guardians": lambda _i, _s: ("GET", "/v1/me/guardians", plain_t, b""),
                "GET /v1/me/controls": lambda _i, _s: ("GET", "/v1/me/controls", plain_t, b""),
                "GET /v1/me/controls, rule": lambda _i, _s: ("GET", "/v1/me/controls", ruled_t, b""),
                "POST applied": lambda _i, _s: ("POST", "/v1/me/controls/applied", ruled_t, applied),
                "GET phone": lambda _i, _s: ("GET", f"/v1/teens/{ruled_id}/phone", ruled_g, b""),
            }
            results = {
                name: asyncio.run(run_load(port, args.clients, args.seconds, make)) for name, make in endpoints.items()
            }
        finally:
            server.terminate()
            server.wait(15)
    health, ordinary = results["GET /v1/health"]["rps"], results["GET /v1/me/guardians"]["rps"]
    print(f"\n{args.clients} concurrent clients, {args.seconds:g} s per endpoint, uvicorn 1 worker, SQLite (WAL)\n")
    print(f"{'endpoint':<28}{'req/s':>8}{'vs health':>11}{'vs me/guardians':>17}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for name, r in results.items():
        print(f"{name:<28}{r['rps']:>8.0f}{r['rps'] / health:>10.0%}{r['rps'] / ordinary:>16.0%}"
              f"{r['p50']:>9.1f}{r['p99']:>9.1f}  {dict(sorted(r['statuses'].items()))}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
