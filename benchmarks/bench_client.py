"""The client's cost over bare httpx, against the sandbox served on loopback.

The server runs in its own process (`python -m aisoule_widgets.sandbox`), as a real API
would, so its threads do not compete with the client for the GIL.

Both sides post the same payload to the same server in the same run, interleaved, so the
ratio shows what `Client.send` adds (payload export, idempotency key, response parsing).
"""

from __future__ import annotations

import contextlib
import functools
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx

from aisoule_widgets import AsyncClient, Client, Message
from benchmarks.timing import Figure

SENDS = 200
WARMUP = 20
IN_FLIGHT = 20
ASYNC_SENDS = 200  # per sample, 20 at a time
ASYNC_ROUNDS = 11
TARGET_RATIO = 1.10
KEY = "bench"
MESSAGE = Message.from_json(
    (Path(__file__).parent.parent / "tests" / "data" / "aisoule_buttons.json").read_text()
)


def _bare_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {KEY}", "Idempotency-Key": str(uuid.uuid4())}


def _sync_pair(base_url: str) -> tuple[float, float]:
    """Median seconds per send: Client.send, then bare httpx.Client.post, alternating."""
    payload = MESSAGE.to_payload()
    ours: list[float] = []
    bare: list[float] = []
    with Client(KEY, base_url=base_url) as client, httpx.Client(base_url=base_url) as http:

        def raw() -> str:
            # What a caller of bare httpx does too: check the status, read the id.
            response = http.post("/messages", json=payload, headers=_bare_headers())
            response.raise_for_status()
            return str(response.json()["message_id"])

        for _ in range(WARMUP):
            client.send(MESSAGE)
            raw()
        for _ in range(SENDS):
            start = time.perf_counter()
            client.send(MESSAGE)
            middle = time.perf_counter()
            raw()
            ours.append(middle - start)
            bare.append(time.perf_counter() - middle)
    return statistics.median(ours), statistics.median(bare)


async def _throughput(base_url: str, *, bare: bool) -> float:
    """Sends per second with IN_FLIGHT sends at a time."""
    payload = MESSAGE.to_payload()
    per_worker = ASYNC_SENDS // IN_FLIGHT
    async with (
        AsyncClient(KEY, base_url=base_url) as client,
        httpx.AsyncClient(base_url=base_url) as http,
    ):

        async def worker() -> None:
            for _ in range(per_worker):
                if bare:
                    response = await http.post("/messages", json=payload, headers=_bare_headers())
                    response.raise_for_status()
                    response.json()["message_id"]
                else:
                    await client.send(MESSAGE)

        start = time.perf_counter()
        async with anyio.create_task_group() as group:
            for _ in range(IN_FLIGHT):
                group.start_soon(worker)
        return (per_worker * IN_FLIGHT) / (time.perf_counter() - start)


def _async_pair(base_url: str) -> tuple[float, float]:
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(ASYNC_ROUNDS):
        ours.append(anyio.run(functools.partial(_throughput, base_url, bare=False)))
        bare.append(anyio.run(functools.partial(_throughput, base_url, bare=True)))
    return statistics.median(ours), statistics.median(bare)


@contextlib.contextmanager
def _served_sandbox() -> Iterator[str]:
    """The sandbox served by `python -m aisoule_widgets.sandbox` in its own process.

    Its own process so that the server does not share the client's GIL; no rate limits,
    because the bench sends far more than 5 a second on purpose.
    """
    command = [sys.executable, "-m", "aisoule_widgets.sandbox", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--quiet", "--no-rate-limits"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "AISoule sandbox on http://127.0.0.1:PORT/v1 ..."
        base_url = next(word for word in line.split() if word.startswith("http://"))
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def figures() -> list[Figure]:
    with _served_sandbox() as base_url:
        ours, bare = _sync_pair(base_url)
        async_ours, async_bare = _async_pair(base_url)
    sync_ratio = ours / bare
    async_ratio = async_bare / async_ours  # time per send, ours over bare
    return [
        Figure(
            area="client",
            what=f"Client.send to the loopback sandbox (median of {SENDS})",
            value=ours * 1000,
            unit="ms",
            target=f"ratio <= {TARGET_RATIO:.2f}",
            ok=sync_ratio <= TARGET_RATIO,
            baseline=f"httpx.Client.post {bare * 1000:.3g} ms",
            ratio=sync_ratio,
        ),
        Figure(
            area="client",
            what=f"AsyncClient.send, {IN_FLIGHT} in flight (sends/s)",
            value=async_ours,
            unit="/s",
            target=f"time ratio <= {TARGET_RATIO:.2f}",
            ok=async_ratio <= TARGET_RATIO,
            baseline=f"httpx.AsyncClient.post {async_bare:.0f}/s",
            ratio=async_ratio,
        ),
    ]


if __name__ == "__main__":
    for row in figures():
        print(row)
