"""REST API intake: 10,000 invoices (with their product classes, customers and products first) sent
to ``POST /api/v1/connections/{id}/invoices`` in calls of 500, over real HTTP to the app under
uvicorn on a fresh SQLite store. Each call carries its own Idempotency-Key and an API key.

Prints invoices per second (whole run, invoices only) and the median, p95 and slowest call; then the
same 20 calls replayed (same keys, same bodies: answers from the idempotency store, nothing imported).

Run: ``.venv/bin/python bench/api_intake.py [--invoices 10000] [--per-call 500]``; ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).parent))

from _export_data import generate
from txbridge.flows import apikeys
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher
from txbridge.web import create_app
from txbridge.web.config import WebSettings


def _serve(settings: Settings, db: Database) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, web=WebSettings(), db=db)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--per-call", type=int, default=500)
    args = parser.parse_args()
    data = generate(args.invoices)
    with tempfile.TemporaryDirectory() as folder:
        cipher_key = TokenCipher.generate_key()
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}", secret_key=cipher_key.decode()
        )
        db = Database.open(settings)
        with db.transaction() as session:
            connection = Connection(
                name="bench", environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2"
            )
            connection.set_tokens(TokenCipher(cipher_key), consumer_token="c" * 20, employee_token="e" * 20)
            session.add(connection)
            session.flush()
            connection_id = connection.id
        secret = apikeys.create_key(db, "bench", connection_ids=[connection_id]).secret
        url, server, thread = _serve(settings, db)
        base = f"/api/v1/connections/{connection_id}"
        calls: list[tuple[str, bytes, str]] = []
        try:
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=300
            ) as api:
                for segment, kind in (
                    ("product-classes", "productClasses"),
                    ("customers", "customers"),
                    ("products", "products"),
                ):
                    answer = api.post(f"{base}/{segment}", json=data[kind], headers={"Idempotency-Key": kind})
                    assert answer.json()["rejected"] == 0, answer.text[:500]
                invoices = data["invoices"]
                for start in range(0, len(invoices), args.per_call):
                    body = json.dumps(invoices[start : start + args.per_call]).encode()
                    calls.append((f"{base}/invoices", body, str(uuid.uuid4())))
                seconds = []
                began = time.perf_counter()
                for path, body, key in calls:
                    started = time.perf_counter()
                    answer = api.post(
                        path,
                        content=body,
                        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
                    )
                    seconds.append(time.perf_counter() - started)
                    result = answer.json()
                    assert answer.status_code == 200 and result["rejected"] == 0, answer.text[:500]
                total = time.perf_counter() - began
                replays = []
                for path, body, key in calls:
                    started = time.perf_counter()
                    answer = api.post(
                        path,
                        content=body,
                        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
                    )
                    replays.append(time.perf_counter() - started)
                    assert answer.headers["idempotent-replayed"] == "true"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            db.dispose()
    print(
        f"API intake: {args.invoices} invoices in {len(calls)} calls of {args.per_call} over HTTP (SQLite): "
        f"{total:.2f} s, {args.invoices / total:.0f} invoices/s"
    )
    print(
        f"  per call: median {statistics.median(seconds) * 1000:.0f} ms, p95 {_p95(seconds) * 1000:.0f} ms, "
        f"slowest {max(seconds) * 1000:.0f} ms"
    )
    print(
        f"  replayed (same Idempotency-Key and body): median {statistics.median(replays) * 1000:.0f} ms, "
        f"p95 {_p95(replays) * 1000:.0f} ms per call"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
