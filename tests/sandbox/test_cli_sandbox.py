"""``txbridge sandbox --seed demo`` serves a working Tripletex over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import httpx


def test_sandbox_command_seeds_demo_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "txbridge", "sandbox", "--port", "0", "--seed", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        seeded = json.loads(process.stdout.readline())
        assert set(seeded) == {"baseUrl", "consumerToken", "employeeToken", "companyId"}
        # The socket listens before the line is printed, so no waiting is needed.
        session = httpx.put(
            f"{seeded['baseUrl']}/token/session/:create",
            params={
                "consumerToken": seeded["consumerToken"],
                "employeeToken": seeded["employeeToken"],
                "expirationDate": (date.today() + timedelta(days=2)).isoformat(),
            },
            timeout=30,
        )
        assert session.status_code == 200
        token = session.json()["value"]["token"]
        company = httpx.get(f"{seeded['baseUrl']}/company/{seeded['companyId']}", auth=("0", token))
        assert company.json()["value"]["name"] == "Demo AS"
    finally:
        process.terminate()
        process.wait(timeout=10)
