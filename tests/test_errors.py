"""Every answer AISoule (or a gateway) may give maps to the right error, in both clients."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from aisoule_widgets import (
    APIStatusError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    Message,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

DATA = Path(__file__).parent / "data"
KEY = "sk_test_4f9a1c"
BASE_URL = "https://api.aisoule.test/v1"
MESSAGE = Message.from_json((DATA / "aisoule_buttons.json").read_text())

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def send(kind: str, handler: Handler, message: Any = MESSAGE) -> Any:
    """One send through the sync or the async client, no retries."""
    transport = httpx.MockTransport(handler)
    if kind == "sync":
        with Client(KEY, base_url=BASE_URL, max_retries=0, transport=transport) as client:
            return client.send(message)
    async with AsyncClient(KEY, base_url=BASE_URL, max_retries=0, transport=transport) as aclient:
        return await aclient.send(message)


def answer(status: int, body: object = None, **headers: str) -> Handler:
    """A handler giving one fixed answer; bytes and str are sent as they are."""

    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes | str):
            return httpx.Response(status, content=body, headers=headers)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handle


def envelope(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, **extra}}


GATEWAY_HTML = (
    "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
    "<body><h1>502 Bad Gateway</h1><hr>cloudflare</body></html>"
)

# (status, body, headers, error class, code, words the error's text must contain)
CASES: list[tuple[int, object, dict[str, str], type[APIStatusError], str | None, str]] = [
    (400, envelope("bad_request", "Invalid payload"), {}, BadRequestError, "bad_request",
     "Invalid payload"),
    (400, {"message": "Bad request", "status": "error"}, {}, BadRequestError, None, "Bad request"),
    (400, {"error": "to is required"}, {}, BadRequestError, None, "to is required"),
    (400, [1, 2, 3], {}, BadRequestError, None, "no explanation"),
    (400, b"\xff\xfe\xfa not utf-8", {"content-type": "text/plain; charset=utf-8"},
     BadRequestError, None, "400"),
    (422, envelope("validation_error", "the message is not valid",
                   details=[{"path": "interactive.body.text", "msg": "body text is empty"}]),
     {}, BadRequestError, "validation_error", "interactive.body.text: body text is empty"),
    (401, envelope("unauthorized", "Invalid or missing API key"), {}, AuthenticationError,
     "unauthorized", "AISOULE_API_KEY"),
    (403, envelope("forbidden", "Plan does not include interactive messages"), {},
     PermissionDeniedError, "forbidden", "Plan does not include"),
    (404, {"message": "Route not found", "status": "error"}, {}, NotFoundError, None, "/v1"),
    (404, "", {}, NotFoundError, None, "no explanation in the body"),
    (429, envelope("rate_limit_exceeded", "Too many requests", retry_after_seconds=15), {},
     RateLimitError, "rate_limit_exceeded", "wait 15 s"),
    (500, {"message": "Internal server error", "status": "error"}, {}, ServerError, None,
     "Internal server error"),
    (502, GATEWAY_HTML, {"content-type": "text/html"}, ServerError, None, "502 Bad Gateway"),
    (503, "", {}, ServerError, None, "503 Service Unavailable"),
    (504, "upstream timed out", {"content-type": "text/plain"}, ServerError, None,
     "upstream timed out"),
    (409, envelope("conflict", "duplicate"), {}, APIStatusError, "conflict", "duplicate"),
    (200, envelope("unauthorized", "Invalid or missing API key"), {}, AuthenticationError,
     "unauthorized", "Invalid or missing API key"),
    (200, envelope("rate_limit_exceeded", "slow down", retry_after_seconds=2), {},
     RateLimitError, "rate_limit_exceeded", "wait 2 s"),
    (200, "<html><body>Sign in to the Wi-Fi</body></html>", {"content-type": "text/html"},
     APIStatusError, None, "not a JSON object"),
    (200, {"success": True, "status": "queued"}, {}, APIStatusError, None, "without a message_id"),
]  # fmt: skip


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("status", "body", "headers", "error_class", "code", "words"),
    CASES,
    ids=[f"{c[0]}-{c[3].__name__}-{i}" for i, c in enumerate(CASES)],
)
async def test_each_answer_raises_its_error(
    kind: str,
    status: int,
    body: object,
    headers: dict[str, str],
    error_class: type[APIStatusError],
    code: str | None,
    words: str,
) -> None:
    with pytest.raises(APIStatusError) as caught:
        await send(kind, answer(status, body, **headers))
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.code == code
    assert words in str(error)
    assert error.response is not None
    assert error.response.status_code == status
    assert error.request.url == f"{BASE_URL}/messages"
    assert str(error).endswith(".")


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_validation_details_are_kept(kind: str) -> None:
    details = [
        {"loc": ["interactive", "action", "buttons", 1, "reply", "title"],
         "msg": "button title is 27 characters; WhatsApp allows at most 20"},
        {"path": "to", "msg": "recipient number has 5 digits"},
    ]  # fmt: skip
    with pytest.raises(BadRequestError) as caught:
        await send(kind, answer(422, envelope("validation_error", "not valid", details=details)))
    assert caught.value.details == details
    assert "interactive.action.buttons.1.reply.title: button title is 27" in str(caught.value)
    assert "to: recipient number has 5 digits" in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (envelope("rate_limit_exceeded", "slow", retry_after_seconds=15), {}, 15.0),
        ({"message": "slow", "status": "error"}, {"Retry-After": "7"}, 7.0),
        (envelope("rate_limit_exceeded", "slow"), {}, None),
    ],
)
async def test_rate_limit_error_carries_the_wait(
    kind: str, body: object, headers: dict[str, str], expected: float | None
) -> None:
    with pytest.raises(RateLimitError) as caught:
        await send(kind, answer(429, body, **headers))
    assert caught.value.retry_after == expected


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_body_of_an_error_is_kept_parsed(kind: str) -> None:
    body = envelope("forbidden", "no")
    with pytest.raises(PermissionDeniedError) as caught:
        await send(kind, answer(403, body))
    assert caught.value.body == body
    with pytest.raises(ServerError) as html:
        await send(kind, answer(502, GATEWAY_HTML, **{"content-type": "text/html"}))
    assert html.value.body == GATEWAY_HTML
    assert "cloudflare" not in str(html.value)  # the page's title, not its whole text


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_long_html_page_is_cut_short(kind: str) -> None:
    page = "<html><body>" + "<p>Maintenance in progress.</p>" * 200 + "</body></html>"
    with pytest.raises(ServerError) as caught:
        await send(kind, answer(503, page, **{"content-type": "text/html"}))
    assert len(str(caught.value)) < 400
    assert "Maintenance in progress." in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_every_error_says_what_to_do(kind: str) -> None:
    advice = {
        400: "fix what it names",
        401: "Client.sandbox()",
        403: "check the account's plan",
        404: "base_url",
        429: "send again",
        503: "try again in a minute",
    }
    for status, words in advice.items():
        with pytest.raises(APIStatusError) as caught:
            await send(kind, answer(status, envelope("x", "refused")))
        assert words in str(caught.value), status


def test_programming_mistakes_stay_outside_the_tree() -> None:
    client = Client(KEY, transport=httpx.MockTransport(answer(200, {})))
    with client, pytest.raises(TypeError, match="Message or a payload dict"):
        client.send(json.dumps(MESSAGE.to_payload()))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        Client(KEY, max_retries=-1)
