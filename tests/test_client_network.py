"""The client against real sockets on 127.0.0.1: the served sandbox and servers that misbehave.

Every server here is started by its test and stopped by it, threads joined, sockets closed.
"""

from __future__ import annotations

import logging
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import anyio
import httpx
import pytest

from aisoule_widgets import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    Message,
    PermissionDeniedError,
    SandboxTransport,
)
from aisoule_widgets.sandbox import TIMEOUT_RECIPIENT, SandboxServer, main

pytestmark = pytest.mark.network

DATA = Path(__file__).parent / "data"
MESSAGE = Message.from_json((DATA / "aisoule_list.json").read_text())
KEY = "sk_live_network_0a1b2c3d"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(port=0) as running:
        yield running


class RawServer:
    """A TCP server on 127.0.0.1 that misbehaves after reading each request.

    ``silent``: never answers (the client must time out); ``reset``: sends half an
    answer, then resets the connection.
    """

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port: int = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)
            self._read_request(conn)
            if self.behaviour == "reset":
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{"success": tr')
                # Linger 0: close() sends RST instead of FIN.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()

    def _read_request(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length:")),
            0,
        )  # fmt: skip
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.connections:
            conn.close()
        self.listener.close()


def free_port() -> int:
    """A port nobody listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def no_sleep(client: Client, waits: list[float]) -> Client:
    client._sleep = waits.append
    return client


# --- the served sandbox ---------------------------------------------------------------------


def test_a_full_send_over_loopback(server: SandboxServer) -> None:
    with Client(KEY, base_url=server.base_url) as client:
        result = client.send(MESSAGE)
        assert client.status()["status"] == "ok"
        assert client.profile()["success"] is True
    assert result.status == "queued"
    assert result.recipient == MESSAGE.to
    assert result.rate_limit.limit == 300
    assert result.rate_limit.remaining == 299
    (sent,) = server.transport.outbox
    assert sent.message_id == result.message_id
    assert sent.payload == MESSAGE.to_payload()
    tap = server.transport.simulate_tap(result.message_id, "row_tech")
    assert tap["data"]["context"] == {"id": result.message_id}


@pytest.mark.anyio
async def test_twenty_async_sends_in_flight(server: SandboxServer) -> None:
    results: list[str] = []
    server.transport._rate_limits = False
    async with AsyncClient(KEY, base_url=server.base_url) as client:

        async def one() -> None:
            results.append((await client.send(MESSAGE)).message_id)

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(one)
    assert len(set(results)) == 20
    assert len(server.transport.outbox) == 20


def test_served_and_in_process_answers_agree(server: SandboxServer) -> None:
    payload = MESSAGE.to_payload()
    payload["interactive"]["action"]["button"] = "View all available options"
    headers = {"Authorization": "Bearer k"}
    with (
        httpx.Client(base_url=server.base_url, headers=headers) as served,
        httpx.Client(
            transport=SandboxTransport(), base_url="http://x/v1", headers=headers
        ) as local,
    ):
        for method, path, body in [
            ("POST", "/messages", payload),
            ("GET", "/nope", None),
            ("PUT", "/status", None),
        ]:
            a = served.request(method, path, json=body)
            b = local.request(method, path, json=body)
            assert (a.status_code, a.json()) == (b.status_code, b.json())
            assert a.headers["content-type"] == b.headers["content-type"]


def test_a_server_side_refusal_raises_the_same_error(server: SandboxServer) -> None:
    client = Client("sandbox-forbidden", base_url=server.base_url)
    with client, pytest.raises(PermissionDeniedError) as caught:
        client.send(MESSAGE)
    assert caught.value.code == "forbidden"
    assert caught.value.status_code == 403


def test_the_timeout_recipient_holds_until_the_client_gives_up() -> None:
    with SandboxServer(port=0) as server:
        with Client(KEY, base_url=server.base_url, timeout=0.3) as client:
            start = time.perf_counter()
            with pytest.raises(APITimeoutError):
                client.send(
                    Message.model_validate({**MESSAGE.to_payload(), "to": TIMEOUT_RECIPIENT})
                )
            assert 0.25 <= time.perf_counter() - start < 5  # read timeouts are not retried
        stopping = time.perf_counter()
    assert time.perf_counter() - stopping < 5  # stop() released the held request


def test_the_key_stays_out_of_debug_logs_on_the_wire(
    server: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Client(KEY, base_url=server.base_url) as client:
        client.send(MESSAGE)
    assert "send_request_headers" in caplog.text  # httpcore's DEBUG lines were captured
    assert KEY not in caplog.text


# --- servers that misbehave -----------------------------------------------------------------


def test_connection_refused_is_retried_then_raised() -> None:
    waits: list[float] = []
    client = no_sleep(Client(KEY, base_url=f"http://127.0.0.1:{free_port()}/v1"), waits)
    with client, pytest.raises(APIConnectionError) as caught:
        client.send(MESSAGE)
    assert not isinstance(caught.value, APITimeoutError)
    assert "could not reach AISoule" in str(caught.value)
    assert len(waits) == 3  # refused before sending: safe to retry


def test_a_server_that_never_answers_times_out() -> None:
    with RawServer("silent") as raw:
        client = Client(KEY, base_url=raw.base_url, timeout=0.3)
        with client, pytest.raises(APITimeoutError) as caught:
            client.send(MESSAGE)
        assert len(raw.connections) == 1  # the message may have arrived: no retry
    assert "timeout=" in str(caught.value)


def test_a_reset_mid_response_is_a_connection_error() -> None:
    with RawServer("reset") as raw:
        client = Client(KEY, base_url=raw.base_url)
        with client, pytest.raises(APIConnectionError) as caught:
            client.send(MESSAGE)
        assert len(raw.connections) == 1
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.TransportError)


def test_a_reset_is_retried_when_the_caller_opts_in() -> None:
    waits: list[float] = []
    with RawServer("reset") as raw:
        client = Client(KEY, base_url=raw.base_url, retry_ambiguous=True, max_retries=2)
        with no_sleep(client, waits), pytest.raises(APIConnectionError):
            client.send(MESSAGE)
        assert len(raw.connections) == 3
    assert len(waits) == 2


@pytest.mark.anyio
async def test_async_client_against_misbehaving_servers() -> None:
    with RawServer("silent") as raw:
        async with AsyncClient(KEY, base_url=raw.base_url, timeout=0.3) as client:
            with pytest.raises(APITimeoutError):
                await client.send(MESSAGE)
    with RawServer("reset") as raw:
        async with AsyncClient(KEY, base_url=raw.base_url) as client:
            with pytest.raises(APIConnectionError):
                await client.send(MESSAGE)


# --- python -m aisoule_widgets.sandbox ------------------------------------------------------


def read_line(process: subprocess.Popen[str], seconds: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(seconds):
            process.kill()
            process.communicate()
            pytest.fail(f"the sandbox printed nothing in {seconds} s")
    return process.stdout.readline()


def test_the_command_serves_prints_its_url_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "aisoule_widgets.sandbox", "--port", "0", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line(process, 30)
        base_url = line.split()[3]
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        response = httpx.post(
            f"{base_url}/messages",
            json=MESSAGE.to_payload(),
            headers={"Authorization": "Bearer sandbox"},
        )
        assert response.status_code == 200
        assert response.json()["status"] == "queued"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_the_command_explains_a_port_in_use(
    server: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--port", str(server.port)]) == 1
    assert "pick another --port" in capsys.readouterr().err
