"""The client sends exactly the exported payload, retries as the contract says, keeps the key."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from aisoule_widgets import (
    AisouleError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    Message,
    RateLimitError,
    SendResult,
    ServerError,
)
from aisoule_widgets.client import (
    INITIAL_RETRY_DELAY,
    JITTER,
    MAX_RETRY_DELAY,
    MAX_RETRY_WAIT,
    RateLimit,
    _Options,
    _retry_delay,
    _send_result,
)
from aisoule_widgets.sandbox import SandboxTransport

DATA = Path(__file__).parent / "data"
EXAMPLES = sorted(p.name for p in DATA.glob("*.json") if p.name.startswith(("aisoule_", "meta_")))
KEY = "sk_live_9d8c7b6a5f4e3d2c"
BASE_URL = "https://api.aisoule.test/v1"
MESSAGE = Message.from_json((DATA / "aisoule_buttons.json").read_text())
SUCCESS = {
    "success": True,
    "message_id": "msg_90a82b7194689c1",
    "status": "queued",
    "recipient": "918856879188",
}
LIMIT_HEADERS = {
    "X-RateLimit-Limit": "300",
    "X-RateLimit-Remaining": "299",
    "X-RateLimit-Reset": "1767225600",
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Server:
    """A scripted AISoule: answers in order (the last one repeats) and records requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers) or [httpx.Response(200, json=SUCCESS, headers=LIMIT_HEADERS)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def idempotency_keys(self) -> list[str | None]:
        return [r.headers.get("idempotency-key") for r in self.requests]


def ok() -> httpx.Response:
    return httpx.Response(200, json=SUCCESS, headers=LIMIT_HEADERS)


def status(code: int, body: object = None, **headers: str) -> httpx.Response:
    if body is None:
        return httpx.Response(code, headers=headers)
    return httpx.Response(code, json=body, headers=headers)


def too_many(**error: Any) -> httpx.Response:
    return status(429, {"success": False, "error": {"code": "rate_limit_exceeded", **error}})


async def send(
    kind: str,
    server: Server,
    message: Any = MESSAGE,
    *,
    sleeps: list[float] | None = None,
    api_key: str | None = KEY,
    **options: Any,
) -> tuple[SendResult, list[float]]:
    """Send with the sync or the async client; returns the result and the waits asked for."""
    waits = [] if sleeps is None else sleeps
    transport = httpx.MockTransport(server)
    if kind == "sync":
        with Client(api_key, base_url=BASE_URL, transport=transport, **options) as client:
            client._sleep = waits.append
            return client.send(message), waits

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async with AsyncClient(api_key, base_url=BASE_URL, transport=transport, **options) as aclient:
        aclient._sleep = fake_sleep
        return await aclient.send(message), waits


async def failing_send(
    kind: str, server: Server, error: type[Exception], **options: Any
) -> tuple[Exception, list[float]]:
    sleeps: list[float] = []
    with pytest.raises(error) as caught:
        await send(kind, server, sleeps=sleeps, **options)
    return caught.value, sleeps


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


# --- what goes out, what comes back ---------------------------------------------------


@pytest.mark.anyio
@KINDS
@pytest.mark.parametrize("name", EXAMPLES)
async def test_send_posts_exactly_the_exported_payload(kind: str, name: str) -> None:
    text = (DATA / name).read_text()
    server = Server()
    result, _ = await send(kind, server, Message.from_json(text))
    (request,) = server.requests
    assert request.method == "POST"
    assert request.url == "https://api.aisoule.test/v1/messages"
    # Same keys, same order, same values as the file from the docs.
    sent = json.loads(request.content, object_pairs_hook=list)
    assert sent == json.loads(text, object_pairs_hook=list)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"].startswith("aisoule-widgets/")
    assert uuid.UUID(request.headers["idempotency-key"]).version == 4
    assert result.message_id == "msg_90a82b7194689c1"


@pytest.mark.anyio
@KINDS
async def test_send_result_has_the_id_status_recipient_and_limits(kind: str) -> None:
    result, _ = await send(kind, Server())
    assert result.message_id == "msg_90a82b7194689c1"
    assert result.status == "queued"
    assert result.recipient == "918856879188"
    assert result.rate_limit == RateLimit(limit=300, remaining=299, reset=1767225600)
    assert result.body == SUCCESS


@pytest.mark.anyio
@KINDS
async def test_a_payload_dict_is_validated_then_sent(kind: str) -> None:
    server = Server()
    payload = {**MESSAGE.to_payload(), "to": "+91 88568-79188"}
    await send(kind, server, payload)
    assert json.loads(server.requests[0].content)["to"] == "918856879188"


@pytest.mark.anyio
@KINDS
async def test_an_invalid_payload_raises_validation_error_and_sends_nothing(kind: str) -> None:
    payload = MESSAGE.to_payload()
    payload["interactive"]["action"]["buttons"][1]["reply"]["title"] = "Scale Plan for big teams"
    server = Server()
    with pytest.raises(pydantic.ValidationError) as caught:
        await send(kind, server, payload)
    assert caught.value.errors()[0]["loc"] == (
        "interactive", "action", "buttons", 1, "reply", "title",
    )  # fmt: skip
    assert server.requests == []


@pytest.mark.anyio
@KINDS
async def test_status_and_profile_get_their_routes(kind: str) -> None:
    server = Server(status(200, {"status": "ok"}), status(200, {"success": True, "profile": {}}))
    transport = httpx.MockTransport(server)
    if kind == "sync":
        with Client(KEY, base_url=BASE_URL, transport=transport) as client:
            got = [client.status(), client.profile()]
    else:
        async with AsyncClient(KEY, base_url=BASE_URL, transport=transport) as aclient:
            got = [await aclient.status(), await aclient.profile()]
    assert got == [{"status": "ok"}, {"success": True, "profile": {}}]
    assert [(r.method, str(r.url)) for r in server.requests] == [
        ("GET", f"{BASE_URL}/status"),
        ("GET", f"{BASE_URL}/profile"),
    ]
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.requests)
    assert all("idempotency-key" not in r.headers for r in server.requests)


def test_base_url_and_key_come_from_the_environment_at_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AISOULE_API_KEY", "sk_env_key")
    monkeypatch.setenv("AISOULE_BASE_URL", "https://eu.aisoule.test/v1")
    server = Server()
    client = Client(transport=httpx.MockTransport(server))
    monkeypatch.delenv("AISOULE_API_KEY")
    with client:
        client.send(MESSAGE)
    assert server.requests[0].headers["authorization"] == "Bearer sk_env_key"
    assert server.requests[0].url == "https://eu.aisoule.test/v1/messages"


def test_the_default_base_url_is_the_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AISOULE_BASE_URL", raising=False)
    server = Server()
    with Client(KEY, transport=httpx.MockTransport(server)) as client:
        client.send(MESSAGE)
    assert server.requests[0].url == "https://api.aisoule.com/v1/messages"


@pytest.mark.anyio
@KINDS
async def test_without_a_key_send_says_how_to_set_one(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AISOULE_API_KEY", raising=False)
    server = Server()
    with pytest.raises(AuthenticationError) as caught:
        await send(kind, server, api_key=None)
    assert "AISOULE_API_KEY" in str(caught.value)
    assert "Client(api_key=...)" in str(caught.value)
    assert "Client.sandbox()" in str(caught.value)
    assert caught.value.response is None
    assert caught.value.status_code is None
    assert server.requests == []


# --- retries ---------------------------------------------------------------------------


def backoff(attempt: int) -> tuple[float, float]:
    """The range a jittered backoff may fall in."""
    full = min(INITIAL_RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY)
    return full * (1 - JITTER), full


@pytest.mark.anyio
@KINDS
async def test_429_waits_what_the_body_asks_then_succeeds(kind: str) -> None:
    server = Server(too_many(retry_after_seconds=15), ok())
    result, sleeps = await send(kind, server)
    assert sleeps == [15.0]
    assert result.message_id == "msg_90a82b7194689c1"
    assert len(server.requests) == 2
    assert len(set(server.idempotency_keys)) == 1
    assert server.requests[0].content == server.requests[1].content


@pytest.mark.anyio
@KINDS
async def test_429_falls_back_to_retry_after_then_the_reset_header(kind: str) -> None:
    _, sleeps = await send(
        kind, Server(status(429, {"message": "slow"}, **{"Retry-After": "7"}), ok())
    )
    assert sleeps == [7.0]
    reset = str(int(time.time()) + 20)
    _, sleeps = await send(kind, Server(status(429, None, **{"X-RateLimit-Reset": reset}), ok()))
    assert len(sleeps) == 1
    assert 18.0 <= sleeps[0] <= 20.0


@pytest.mark.anyio
@KINDS
async def test_429_without_a_hint_backs_off_with_jitter(kind: str) -> None:
    _, sleeps = await send(kind, Server(too_many(), too_many(), ok()))
    assert len(sleeps) == 2
    for attempt, wait in enumerate(sleeps):
        low, high = backoff(attempt)
        assert low <= wait <= high


@pytest.mark.anyio
@KINDS
async def test_a_long_wait_is_capped(kind: str) -> None:
    _, sleeps = await send(kind, Server(too_many(retry_after_seconds=3600), ok()))
    assert sleeps == [MAX_RETRY_WAIT]


@pytest.mark.anyio
@KINDS
@pytest.mark.parametrize("code", [502, 503, 504])
async def test_gateway_errors_are_retried_then_raised(kind: str, code: int) -> None:
    server = Server(status(code))
    error, sleeps = await failing_send(kind, server, ServerError)
    assert isinstance(error, ServerError)
    assert error.status_code == code
    assert len(server.requests) == 4  # the first try and 3 retries
    assert len(set(server.idempotency_keys)) == 1
    assert len(sleeps) == 3
    for attempt, wait in enumerate(sleeps):
        low, high = backoff(attempt)
        assert low <= wait <= high


@pytest.mark.anyio
@KINDS
async def test_a_503_honours_retry_after_but_not_the_rate_limit_reset(kind: str) -> None:
    reset = str(int(time.time()) + 50)
    _, sleeps = await send(kind, Server(status(503, None, **{"Retry-After": "4"}), ok()))
    assert sleeps == [4.0]
    _, sleeps = await send(kind, Server(status(503, None, **{"X-RateLimit-Reset": reset}), ok()))
    low, high = backoff(0)
    assert low <= sleeps[0] <= high


@pytest.mark.anyio
@KINDS
@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_never_retried(kind: str, code: int) -> None:
    server = Server(status(code, {"success": False, "error": {"code": "x", "message": "no"}}))
    error, sleeps = await failing_send(kind, server, APIStatusError)
    assert isinstance(error, APIStatusError)
    assert error.status_code == code
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.anyio
@KINDS
async def test_500_is_retried_only_when_asked(kind: str) -> None:
    server = Server(status(500))
    await failing_send(kind, server, ServerError)
    assert len(server.requests) == 1
    server = Server(status(500), ok())
    result, sleeps = await send(kind, server, retry_ambiguous=True)
    assert result.status == "queued"
    assert len(server.requests) == 2
    assert len(set(server.idempotency_keys)) == 1
    assert len(sleeps) == 1


@pytest.mark.anyio
@KINDS
async def test_a_read_timeout_is_retried_only_when_asked(kind: str) -> None:
    server = Server(httpx.ReadTimeout("timed out"))
    error, sleeps = await failing_send(kind, server, APITimeoutError)
    assert len(server.requests) == 1
    assert sleeps == []
    assert "timeout=" in str(error)
    server = Server(httpx.ReadTimeout("timed out"), ok())
    result, sleeps = await send(kind, server, retry_ambiguous=True)
    assert result.message_id == SUCCESS["message_id"]
    assert len(set(server.idempotency_keys)) == 1


@pytest.mark.anyio
@KINDS
@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow dns"), httpx.PoolTimeout("busy")],
)
async def test_failures_before_sending_are_retried(kind: str, failure: Exception) -> None:
    server = Server(failure, failure, ok())
    result, sleeps = await send(kind, server)
    assert result.status == "queued"
    assert len(server.requests) == 3
    assert len(set(server.idempotency_keys)) == 1
    assert len(sleeps) == 2


@pytest.mark.anyio
@KINDS
async def test_a_reset_after_sending_is_not_retried(kind: str) -> None:
    server = Server(httpx.RemoteProtocolError("Server disconnected without sending a response"))
    error, sleeps = await failing_send(kind, server, APIConnectionError)
    assert not isinstance(error, APITimeoutError)
    assert "check base_url and the network" in str(error)
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.anyio
@KINDS
async def test_max_retries_zero_disables_retries(kind: str) -> None:
    server = Server(status(503))
    _, sleeps = await failing_send(kind, server, ServerError, max_retries=0)
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.anyio
@KINDS
async def test_backoff_doubles_up_to_its_cap(kind: str) -> None:
    server = Server(status(503))
    _, sleeps = await failing_send(kind, server, ServerError, max_retries=8)
    assert len(sleeps) == 8
    for attempt, wait in enumerate(sleeps):
        low, high = backoff(attempt)
        assert low <= wait <= high <= MAX_RETRY_DELAY


@pytest.mark.anyio
@KINDS
async def test_each_send_has_its_own_idempotency_key(kind: str) -> None:
    server = Server()
    await send(kind, server)
    await send(kind, server)
    assert len(set(server.idempotency_keys)) == 2


def test_reads_are_retried_after_a_500_because_they_change_nothing() -> None:
    server = Server(status(500), status(200, {"status": "ok"}))
    with Client(KEY, base_url=BASE_URL, transport=httpx.MockTransport(server)) as client:
        client._sleep = lambda seconds: None
        assert client.status() == {"status": "ok"}
    assert len(server.requests) == 2


def test_retry_delay_is_a_pure_decision() -> None:
    options = _Options(KEY, BASE_URL, max_retries=3, retry_ambiguous=False)
    request = httpx.Request("POST", f"{BASE_URL}/messages")

    def delay(outcome: httpx.Response | httpx.TransportError, attempt: int = 0) -> float | None:
        return _retry_delay(options, attempt, outcome, now=1000.0, jitter=1.0)

    assert delay(httpx.Response(503, request=request)) == INITIAL_RETRY_DELAY * (1 - JITTER)
    assert delay(httpx.Response(503, request=request), attempt=2) == 2.0 * (1 - JITTER)
    assert delay(httpx.Response(503, request=request), attempt=3) is None  # out of retries
    reset = httpx.Response(429, headers={"X-RateLimit-Reset": "1012"}, request=request)
    assert delay(reset) == 12.0
    date = httpx.Response(429, headers={"Retry-After": "Thu, 01 Jan 1970 00:16:50 GMT"})
    assert delay(date) == 10.0
    assert delay(httpx.Response(200, request=request)) is None
    assert delay(httpx.Response(500, request=request)) is None
    assert delay(httpx.UnsupportedProtocol("ftp://", request=request)) is None
    assert delay(httpx.ReadError("reset", request=request)) is None
    assert delay(httpx.ConnectError("refused", request=request)) == 0.375


# --- the key stays secret --------------------------------------------------------------


def all_answers() -> Iterator[httpx.Response | Exception]:
    echo = {"success": False, "error": {"code": "unauthorized", "message": f"bad key {KEY}"}}
    yield status(401, echo)
    yield status(403, {"success": False, "error": {"code": "forbidden", "message": "no"}})
    yield status(404, {"message": f"no route for {KEY}", "status": "error"})
    yield status(422, {"success": False, "error": {"code": "v", "details": [{"msg": KEY}]}})
    yield too_many(retry_after_seconds=1)
    yield httpx.Response(502, text=f"<html><title>{KEY}</title></html>")
    yield status(500)
    yield httpx.ConnectError("refused")
    yield httpx.ReadTimeout("timed out")
    yield httpx.Response(200, text="not json")


def test_the_key_never_shows_in_repr_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(KEY, base_url=BASE_URL, transport=httpx.MockTransport(Server(ok())))
    assert KEY not in repr(client)
    assert "api_key=set" in repr(client)
    assert KEY not in repr(client.send(MESSAGE))
    client.close()
    texts: list[str] = []
    for failure in all_answers():
        with Client(KEY, base_url=BASE_URL, transport=httpx.MockTransport(Server(failure))) as c:
            c._sleep = lambda seconds: None
            with pytest.raises(AisouleError) as caught:
                c.send(MESSAGE)
        texts += [str(caught.value), repr(caught.value), caught.value.message]
        request = getattr(caught.value, "request", None)
        assert request is not None
        texts.append(repr(request.headers))
    assert len(texts) == 4 * len(list(all_answers()))
    assert all(KEY not in text for text in texts)
    assert "[redacted]" in " ".join(texts)
    assert "retrying" in caplog.text  # the logs did capture the retries
    assert KEY not in caplog.text


def test_repr_says_when_the_key_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AISOULE_API_KEY", raising=False)
    with Client(base_url=BASE_URL) as client:
        assert repr(client) == f"<Client base_url='{BASE_URL}' api_key=missing max_retries=3>"


# --- the sandbox behind the client -----------------------------------------------------


@pytest.mark.anyio
async def test_sandbox_clients_send_without_an_account() -> None:
    with Client.sandbox() as client:
        result = client.send(MESSAGE)
    async with AsyncClient.sandbox() as aclient:
        aresult = await aclient.send(MESSAGE)
    for sent in (result, aresult):
        assert sent.message_id.startswith("msg_")
        assert (sent.status, sent.recipient) == ("queued", "918856879188")
    assert result.message_id != aresult.message_id


def test_sandbox_errors_come_through_as_the_real_ones_would() -> None:
    payload = MESSAGE.to_payload()
    payload["interactive"]["action"]["buttons"][0]["reply"]["title"] = "x" * 21
    # A payload the client cannot validate first: posted directly through the same transport.
    with Client.sandbox() as client:
        request = client._http.build_request(
            "POST", "/messages", json=payload, headers={"Authorization": "Bearer k"}
        )
        response = client._http.send(request)
    assert response.status_code == 422
    with pytest.raises(BadRequestError) as caught:
        _send_result(response, client._options)
    assert caught.value.details[0]["loc"] == [
        "interactive", "action", "buttons", 0, "reply", "title",
    ]  # fmt: skip
    assert "button title is 21 characters" in str(caught.value)


def test_rate_limit_error_reaches_the_caller_after_the_retries() -> None:
    clock: list[float] = [1_000.0]
    sandbox = SandboxTransport(clock=lambda: clock[0])
    waits: list[float] = []
    with Client.sandbox(sandbox, max_retries=1) as client:
        client._sleep = waits.append
        for _ in range(5):
            client.send(MESSAGE)
        with pytest.raises(RateLimitError) as caught:
            client.send(MESSAGE)
    assert caught.value.retry_after == 1.0
    assert waits == [1.0]  # it waited what the sandbox asked, once, then gave up
    assert len(sandbox.outbox) == 5
