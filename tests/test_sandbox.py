"""The sandbox answers as the AISoule contract says: auth, validation, ids, limits, taps."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from aisoule_widgets import AsyncClient, Client, Message, SandboxTransport
from aisoule_widgets import sandbox as sandbox_module
from aisoule_widgets.sandbox import (
    FORBIDDEN_KEY,
    MESSAGES_PER_MINUTE,
    MESSAGES_PER_SECOND,
    OTHER_PER_MINUTE,
    SANDBOX_BASE_URL,
    SERVER_ERROR_RECIPIENT,
    TIMEOUT_RECIPIENT,
    UNAUTHORIZED_KEY,
    UNAVAILABLE_RECIPIENT,
)
from aisoule_widgets.webhooks import reply_event

DATA = Path(__file__).parent / "data"
BUTTONS = json.loads((DATA / "aisoule_buttons.json").read_text())
LIST = json.loads((DATA / "aisoule_list.json").read_text())
MESSAGE_ID = re.compile(r"^msg_[0-9a-f]{15}$")
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
START_TAP = 1_767_225_700


class Clock:
    """Unix seconds that move only when the test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> SandboxTransport:
    return SandboxTransport(clock=clock)


@pytest.fixture
def http(sandbox: SandboxTransport) -> Iterator[httpx.Client]:
    """Raw HTTP to the sandbox, to look at the wire as curl would."""
    with httpx.Client(
        transport=sandbox, base_url=SANDBOX_BASE_URL, headers={"Authorization": "Bearer k"}
    ) as client:
        yield client


def post(http: httpx.Client, payload: object, **headers: str) -> httpx.Response:
    return http.post("/messages", json=payload, headers=headers)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["success"] is False
    error: dict[str, Any] = body["error"]
    return error


# --- sending ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["aisoule_buttons", "aisoule_list", "meta_list_two_sections"])
def test_a_valid_message_is_queued_with_a_fresh_id(http: httpx.Client, name: str) -> None:
    payload = json.loads((DATA / f"{name}.json").read_text())
    first, second = post(http, payload), post(http, payload)
    assert first.status_code == second.status_code == 200
    body = first.json()
    assert list(body) == ["success", "message_id", "status", "recipient"]
    assert body["success"] is True
    assert body["status"] == "queued"
    assert body["recipient"] == payload["to"]
    assert MESSAGE_ID.match(body["message_id"])
    assert MESSAGE_ID.match(second.json()["message_id"])
    assert body["message_id"] != second.json()["message_id"]


def test_every_answer_carries_the_rate_limit_headers(http: httpx.Client) -> None:
    answers = [
        post(http, BUTTONS),
        post(http, {"to": "1"}),
        http.get("/status"),
        http.get("/profile"),
        http.get("/status", headers={"Authorization": ""}),
    ]
    for response in answers:
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(
            response.headers
        ), response.status_code
    assert answers[0].headers["x-ratelimit-limit"] == str(MESSAGES_PER_MINUTE)
    assert answers[0].headers["x-ratelimit-remaining"] == str(MESSAGES_PER_MINUTE - 1)
    assert answers[1].headers["x-ratelimit-remaining"] == str(MESSAGES_PER_MINUTE - 2)
    assert answers[0].headers["x-ratelimit-reset"] == str(int(START) + 60)
    assert answers[2].headers["x-ratelimit-limit"] == str(OTHER_PER_MINUTE)


def test_the_outbox_keeps_each_accepted_payload_as_sent(
    http: httpx.Client, sandbox: SandboxTransport
) -> None:
    first = post(http, BUTTONS).json()["message_id"]
    post(http, {**BUTTONS, "to": "1"})  # refused: not in the outbox
    second = post(http, LIST).json()["message_id"]
    assert [(m.message_id, m.payload) for m in sandbox.outbox] == [(first, BUTTONS), (second, LIST)]
    assert sandbox.outbox[0].received_at == START


def test_the_same_idempotency_key_is_delivered_once(
    http: httpx.Client, sandbox: SandboxTransport
) -> None:
    first = post(http, BUTTONS, **{"Idempotency-Key": "k-1"})
    again = post(http, BUTTONS, **{"Idempotency-Key": "k-1"})
    assert first.json() == again.json()
    assert len(sandbox.outbox) == 1
    other = post(http, LIST, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 400
    assert error_of(other)["code"] == "idempotency_key_reused"
    assert "new key" in error_of(other)["message"]


# --- auth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "status", "code"),
    [
        (None, 401, "unauthorized"),
        ("", 401, "unauthorized"),
        ("Bearer ", 401, "unauthorized"),
        ("Basic dXNlcjpwYXNz", 401, "unauthorized"),
        (f"Bearer {UNAUTHORIZED_KEY}", 401, "unauthorized"),
        (f"Bearer {FORBIDDEN_KEY}", 403, "forbidden"),
        ("Bearer any-key-at-all", 200, None),
        ("bearer lower-case-scheme", 200, None),
    ],
)
def test_any_non_empty_bearer_key_works_except_the_magic_ones(
    sandbox: SandboxTransport, authorization: str | None, status: int, code: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(transport=sandbox, base_url=SANDBOX_BASE_URL) as http:
        response = http.post("/messages", json=BUTTONS, headers=headers)
    assert response.status_code == status
    if code is not None:
        assert error_of(response)["code"] == code
    assert len(sandbox.outbox) == (1 if status == 200 else 0)


def test_a_missing_key_is_explained(sandbox: SandboxTransport) -> None:
    with httpx.Client(transport=sandbox, base_url=SANDBOX_BASE_URL) as http:
        message = error_of(http.get("/status"))["message"]
    assert "Authorization: Bearer" in message


# --- validation -------------------------------------------------------------------------


def broken_payloads() -> Iterator[dict[str, Any]]:
    long_title = json.loads(json.dumps(BUTTONS))
    long_title["interactive"]["action"]["buttons"][1]["reply"]["title"] = "Scale Plan for big teams"
    yield long_title
    typo = json.loads(json.dumps(LIST))
    typo["interactive"]["action"]["sectons"] = typo["interactive"]["action"].pop("sections")
    yield typo
    yield {**BUTTONS, "to": "0044"}
    yield {"to": "918856879188", "type": "interactive"}


@pytest.mark.parametrize("payload", list(broken_payloads()))
def test_an_invalid_message_gets_422_with_the_models_errors(
    http: httpx.Client, payload: dict[str, Any]
) -> None:
    response = post(http, payload)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    with pytest.raises(pydantic.ValidationError) as expected:
        Message.model_validate(payload)
    wanted = [(list(e["loc"]), e["msg"]) for e in expected.value.errors()]
    assert [(d["loc"], d["msg"]) for d in error["details"]] == wanted
    assert all(d["path"] == ".".join(map(str, d["loc"])) for d in error["details"])
    assert f"({len(wanted)} problem" in error["message"]


def test_a_body_that_is_not_json_gets_400(http: httpx.Client) -> None:
    response = http.post("/messages", content=b"to=918856879188")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_unknown_routes_and_methods_say_what_exists(http: httpx.Client) -> None:
    missing = http.get("https://sandbox.aisoule.invalid/messages")
    assert missing.status_code == 404
    assert "/v1 missing from base_url" in error_of(missing)["message"]
    wrong = http.get("/messages")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"


def test_status_and_profile(http: httpx.Client) -> None:
    status = http.get("/status")
    assert status.status_code == 200
    assert status.json() == {"status": "ok", "sandbox": True, "time": int(START)}
    profile = http.get("/profile").json()
    assert profile["success"] is True
    assert profile["profile"]["rate_limits"]["messages_per_second"] == MESSAGES_PER_SECOND


# --- limits, on a clock the test moves ------------------------------------------------------


def test_the_burst_limit_is_5_per_second(http: httpx.Client, clock: Clock) -> None:
    assert [post(http, BUTTONS).status_code for _ in range(MESSAGES_PER_SECOND)] == [200] * 5
    refused = post(http, BUTTONS)
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limit_exceeded"
    assert error_of(refused)["retry_after_seconds"] == 1
    assert refused.headers["retry-after"] == "1"
    clock.now += 0.5
    assert post(http, BUTTONS).status_code == 429
    clock.now += 0.5
    assert post(http, BUTTONS).status_code == 200


def test_the_minute_limit_is_300(http: httpx.Client, clock: Clock) -> None:
    for i in range(MESSAGES_PER_MINUTE):  # 5 a second: never a burst
        clock.now = START + i / 5
        assert post(http, BUTTONS).status_code == 200, i
    clock.now = START + 59.9
    refused = post(http, BUTTONS)
    assert refused.status_code == 429
    assert error_of(refused)["retry_after_seconds"] == 1
    assert refused.headers["x-ratelimit-remaining"] == "0"
    clock.now = START + 60.0  # the first one has left the window
    assert post(http, BUTTONS).status_code == 200


def test_other_routes_allow_120_a_minute(http: httpx.Client, clock: Clock) -> None:
    assert all(http.get("/status").status_code == 200 for _ in range(OTHER_PER_MINUTE))
    refused = http.get("/status")
    assert refused.status_code == 429
    assert error_of(refused)["retry_after_seconds"] == 60
    assert post(http, BUTTONS).status_code == 200  # its own window
    clock.now += 60
    assert http.get("/status").status_code == 200


def test_limits_are_per_key(http: httpx.Client) -> None:
    for _ in range(MESSAGES_PER_SECOND):
        post(http, BUTTONS)
    assert post(http, BUTTONS).status_code == 429
    assert post(http, BUTTONS, Authorization="Bearer other").status_code == 200


def test_limits_can_be_lifted() -> None:
    with httpx.Client(
        transport=SandboxTransport(rate_limits=False, clock=Clock()),
        base_url=SANDBOX_BASE_URL,
        headers={"Authorization": "Bearer k"},
    ) as http:
        assert {post(http, BUTTONS).status_code for _ in range(50)} == {200}


# --- failures on demand -------------------------------------------------------------------


def test_magic_recipients_fail_as_documented(http: httpx.Client, sandbox: SandboxTransport) -> None:
    internal = post(http, {**BUTTONS, "to": SERVER_ERROR_RECIPIENT})
    assert internal.status_code == 500
    assert internal.json() == {"message": "Internal server error", "status": "error"}
    gateway = post(http, {**BUTTONS, "to": "+1 555 000 0503"})  # the same number, written freely
    assert gateway.status_code == 503
    assert gateway.headers["content-type"] == "text/html"
    assert "<title>503" in gateway.text
    with pytest.raises(httpx.ReadTimeout, match=TIMEOUT_RECIPIENT):
        post(http, {**BUTTONS, "to": TIMEOUT_RECIPIENT})
    assert sandbox.outbox == []
    assert UNAVAILABLE_RECIPIENT == "15550000503"


@pytest.mark.anyio
async def test_the_async_transport_answers_the_same(sandbox: SandboxTransport) -> None:
    async with httpx.AsyncClient(
        transport=sandbox, base_url=SANDBOX_BASE_URL, headers={"Authorization": "Bearer k"}
    ) as http:
        sent = await http.post("/messages", json=BUTTONS)
        refused = await http.post("/messages", json={**BUTTONS, "to": "12"})
        with pytest.raises(httpx.ReadTimeout):
            await http.post("/messages", json={**BUTTONS, "to": TIMEOUT_RECIPIENT})
    assert sent.status_code == 200
    assert refused.status_code == 422
    assert [m.payload for m in sandbox.outbox] == [BUTTONS]


# --- taps -------------------------------------------------------------------------------


def test_a_tap_gives_the_same_event_as_the_preview(sandbox: SandboxTransport) -> None:
    with Client.sandbox(sandbox) as client:
        result = client.send(Message.model_validate(BUTTONS))
    event = sandbox.simulate_tap(result.message_id, "btn_scale", timestamp=START_TAP)
    reply_id = event["data"]["message_id"]
    assert MESSAGE_ID.match(reply_id)
    assert reply_id != result.message_id
    assert event == reply_event(
        BUTTONS,
        "btn_scale",
        message_id=result.message_id,
        reply_id=reply_id,
        timestamp=1_767_225_700,
    )
    assert event["data"]["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "btn_scale", "title": "Scale Plan"},
    }
    assert event["data"]["context"] == {"id": result.message_id}


@pytest.mark.anyio
async def test_a_tap_on_a_list_row(sandbox: SandboxTransport) -> None:
    async with AsyncClient.sandbox(sandbox) as client:
        result = await client.send(LIST)
    row = LIST["interactive"]["action"]["sections"][0]["rows"][0]
    event = sandbox.simulate_tap(result.message_id, row["id"])
    assert event["data"]["interactive"]["type"] == "list_reply"
    assert event["data"]["interactive"]["list_reply"]["id"] == row["id"]
    assert event["data"]["sender"] == LIST["to"]


def test_a_tap_on_an_unknown_message_or_choice_says_what_exists(
    sandbox: SandboxTransport,
) -> None:
    with pytest.raises(ValueError, match="none yet"):
        sandbox.simulate_tap("msg_000000000000000", "btn_growth")
    with Client.sandbox(sandbox) as client:
        result = client.send(BUTTONS)
    with pytest.raises(ValueError, match=result.message_id):
        sandbox.simulate_tap("msg_000000000000000", "btn_growth")
    with pytest.raises(ValueError, match="'btn_growth', 'btn_scale'"):
        sandbox.simulate_tap(result.message_id, "btn_enterprise")


def test_the_sandbox_client_points_nowhere_real() -> None:
    with Client.sandbox() as client:
        assert repr(client).startswith(f"<Client base_url='{SANDBOX_BASE_URL}'")
        assert client.status()["sandbox"] is True


def test_the_docstring_lists_every_magic_value() -> None:
    doc = sandbox_module.__doc__ or ""
    for name in (
        "UNAUTHORIZED_KEY",
        "FORBIDDEN_KEY",
        "SERVER_ERROR_RECIPIENT",
        "UNAVAILABLE_RECIPIENT",
        "TIMEOUT_RECIPIENT",
    ):
        value = getattr(sandbox_module, name)
        assert f"``{value}`` (`{name}`)" in doc, name
    for recipient in (SERVER_ERROR_RECIPIENT, UNAVAILABLE_RECIPIENT, TIMEOUT_RECIPIENT):
        assert Message.model_validate({**BUTTONS, "to": recipient}).to == recipient
