"""Send a message to AISoule: ``Client().send(message)``, or ``await AsyncClient().send(...)``.

::

    with Client() as client:                 # the key comes from AISOULE_API_KEY
        result = client.send(message)        # a Message, or a payload dict
        result.message_id, result.status     # 'msg_90a82b7194689c1', 'queued'

    Client.sandbox().send(message)           # the built-in emulator: no account, no network

The body posted is exactly ``message.to_payload()``, the JSON the builder exports.
Failures raise the classes in `aisoule_widgets.errors`; retries follow the project's API
contract: 429 (after the wait it asks for), 502/503/504 and connection failures before
the request went out; never a 4xx. A 500 or a read timeout may mean the message was
accepted, so those are retried only with ``retry_ambiguous=True``. Every retry of one
send carries the same ``Idempotency-Key``.

`Client` and `AsyncClient` share every decision (request, retry, response) through the
pure helpers below; each only runs the loop with its own I/O.
"""

from __future__ import annotations

import contextlib
import email.utils
import itertools
import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import httpx

from . import __version__
from .errors import (
    APIStatusError,
    connection_error,
    make_status_error,
    missing_key_error,
    parse_body,
)
from .models import Message

if TYPE_CHECKING:
    from .sandbox import SandboxTransport

__all__ = ["AsyncClient", "Client", "RateLimit", "SendResult"]

DEFAULT_BASE_URL = "https://api.aisoule.com/v1"
API_KEY_ENV = "AISOULE_API_KEY"
BASE_URL_ENV = "AISOULE_BASE_URL"
# Connecting should be quick; the whole answer may take a while on a busy day.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_RETRIES = 3
INITIAL_RETRY_DELAY = 0.5  # seconds, doubled on each retry
MAX_RETRY_DELAY = 8.0  # cap on the doubling
MAX_RETRY_WAIT = 60.0  # cap on any wait, including one the server asks for
JITTER = 0.25  # each backoff is shortened by up to this fraction, so clients spread out
USER_AGENT = f"aisoule-widgets/{__version__} httpx/{httpx.__version__}"

MESSAGES_PATH = "/messages"
STATUS_PATH = "/status"
PROFILE_PATH = "/profile"

# Failures where the request never left this machine: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# Failures a retry cannot fix (a bad URL, a malformed request).
_HOPELESS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
_RETRY_STATUSES = frozenset({502, 503, 504})

log = logging.getLogger("aisoule_widgets")

Outcome = httpx.Response | httpx.TransportError
_Self = TypeVar("_Self")


# --- what comes back -----------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    """The ``X-RateLimit-*`` headers of an answer: requests allowed, left, and reset time.

    ``reset`` is Unix seconds; each figure is None when the header is absent.
    """

    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimit:
        def number(name: str) -> int | None:
            value = headers.get(name)
            try:
                return None if value is None else int(float(value))
            except ValueError:
                return None

        return cls(
            number("x-ratelimit-limit"),
            number("x-ratelimit-remaining"),
            number("x-ratelimit-reset"),
        )


@dataclass(frozen=True)
class SendResult:
    """What AISoule said about a sent message: its id, its status and where it goes."""

    message_id: str
    status: str
    recipient: str
    rate_limit: RateLimit = field(default_factory=RateLimit)
    body: dict[str, Any] = field(default_factory=dict, repr=False)


# --- the pure helpers both clients use ---------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """A client's settings; the key is kept out of every repr."""

    api_key: str | None = field(repr=False)
    base_url: str
    max_retries: int
    retry_ambiguous: bool

    @classmethod
    def resolve(
        cls, api_key: str | None, base_url: str | None, max_retries: int, retry_ambiguous: bool
    ) -> _Options:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a whole number >= 0, not {max_retries!r}")
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        return cls(key or None, url, max_retries, retry_ambiguous)

    def describe(self, kind: str) -> str:
        key = "set" if self.api_key else "missing"
        return f"<{kind} base_url={self.base_url!r} api_key={key} max_retries={self.max_retries}>"


def _payload(message: Message | Mapping[str, Any]) -> dict[str, Any]:
    """The exact JSON to post; a dict is validated first (pydantic.ValidationError)."""
    if isinstance(message, Message):
        return message.to_payload()
    if isinstance(message, Mapping):
        return Message.model_validate(dict(message)).to_payload()
    raise TypeError(
        f"send() takes a Message or a payload dict, not {type(message).__name__}; "
        "build one with Message.reply_buttons(...) or Message.from_json(text)"
    )


def _headers(options: _Options) -> dict[str, str]:
    """Headers every request carries, set once on the httpx client (merging is not free)."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if options.api_key:
        headers["Authorization"] = f"Bearer {options.api_key}"
    return headers


def _build(
    http: httpx.Client | httpx.AsyncClient,
    options: _Options,
    method: str,
    path: str,
    payload: dict[str, Any] | None = None,
) -> httpx.Request:
    # One key per send, reused by its retries, so AISoule can drop duplicates.
    headers = None if payload is None else {"Idempotency-Key": str(uuid.uuid4())}
    request = http.build_request(method, path, json=payload, headers=headers)
    if not options.api_key:
        raise missing_key_error(request)
    return request


def _server_wait(response: httpx.Response, now: float) -> float | None:
    """The wait an answer asks for: body, Retry-After, then X-RateLimit-Reset (429 only).

    Every answer carries X-RateLimit-Reset, so for a 5xx it says nothing about when the
    server will be back; only Retry-After does.
    """
    hints: list[Any] = []
    if response.status_code == 429:
        body = parse_body(response)
        error = body.get("error") if isinstance(body, Mapping) else None
        hints.append(error.get("retry_after_seconds") if isinstance(error, Mapping) else None)
    retry_after = response.headers.get("retry-after")
    hints.append(retry_after)
    if retry_after is not None:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            hints.append(email.utils.parsedate_to_datetime(retry_after).timestamp() - now)
    reset = response.headers.get("x-ratelimit-reset")
    if reset is not None and response.status_code == 429:
        with contextlib.suppress(ValueError):
            hints.append(float(reset) - now)
    for hint in hints:
        try:
            seconds = float(hint)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    return None


def _retry_delay(
    options: _Options,
    attempt: int,
    outcome: Outcome,
    *,
    idempotent: bool = False,
    now: float | None = None,
    jitter: float | None = None,
) -> float | None:
    """Seconds to wait before retrying after ``outcome``, or None to stop here.

    ``attempt`` counts from 0. ``now`` (Unix seconds) and ``jitter`` (0..1) default to the
    clock and a random draw; tests pass them in.
    """
    if attempt >= options.max_retries:
        return None
    ambiguous_ok = options.retry_ambiguous or idempotent
    if isinstance(outcome, httpx.TransportError):
        if isinstance(outcome, _HOPELESS):
            return None
        if not isinstance(outcome, _NOT_SENT) and not ambiguous_ok:
            return None  # it may have arrived: sending again could deliver it twice
    elif outcome.status_code == 429 or outcome.status_code in _RETRY_STATUSES:
        asked = _server_wait(outcome, time.time() if now is None else now)
        if asked is not None:
            return min(asked, MAX_RETRY_WAIT)
    elif not (outcome.status_code == 500 and ambiguous_ok):
        return None
    backoff = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    draw = random.random() if jitter is None else jitter
    return min(backoff * (1 - JITTER * draw), MAX_RETRY_WAIT)


def _log_retry(request: httpx.Request, attempt: int, outcome: Outcome, delay: float) -> None:
    what = (
        f"{outcome.status_code}" if isinstance(outcome, httpx.Response) else type(outcome).__name__
    )
    log.info(
        "%s %s: %s on attempt %d, retrying in %.2f s",
        request.method,
        request.url,
        what,
        attempt + 1,
        delay,
    )


def _json_body(response: httpx.Response, options: _Options) -> dict[str, Any]:
    """The JSON object of a successful answer, or the error this answer means."""
    log.debug("%s %s -> %d", response.request.method, response.request.url, response.status_code)
    body = parse_body(response)
    if not response.is_success or (isinstance(body, Mapping) and body.get("success") is False):
        raise make_status_error(response, secret=options.api_key)
    if not isinstance(body, dict):
        raise APIStatusError(
            f"AISoule answered {response.status_code} but the body is not a JSON object "
            f"({response.headers.get('content-type', 'no content type')}); "
            f"check that base_url {options.base_url!r} is the AISoule API.",
            request=response.request,
            response=response,
            body=body,
        )
    return body


def _send_result(response: httpx.Response, options: _Options) -> SendResult:
    body = _json_body(response, options)
    message_id = body.get("message_id")
    if not isinstance(message_id, str) or not message_id:
        raise APIStatusError(
            f"AISoule answered {response.status_code} without a message_id, so the send "
            "cannot be confirmed; check the AISoule dashboard before sending again.",
            request=response.request,
            response=response,
            body=body,
        )
    return SendResult(
        message_id=message_id,
        status=str(body.get("status", "")),
        recipient=str(body.get("recipient", "")),
        rate_limit=RateLimit.from_headers(response.headers),
        body=body,
    )


# --- the two clients ---------------------------------------------------------------------


class Client:
    """Sends messages to AISoule over HTTP; use it in a ``with`` block or call ``close()``.

    ``api_key`` defaults to ``AISOULE_API_KEY`` and ``base_url`` to ``AISOULE_BASE_URL``
    or the public API, both read now. ``transport`` replaces the network, e.g. with
    ``httpx.MockTransport`` or the sandbox.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._options = _Options.resolve(api_key, base_url, max_retries, retry_ambiguous)
        self._http = httpx.Client(
            base_url=self._options.base_url,
            headers=_headers(self._options),
            timeout=timeout,
            transport=transport,
        )
        self._sleep: Callable[[float], None] = time.sleep

    @classmethod
    def sandbox(
        cls,
        transport: SandboxTransport | None = None,
        *,
        api_key: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
    ) -> Client:
        """A client wired to the in-process sandbox: no account, no network.

        Pass your own ``SandboxTransport`` to look at its outbox or simulate taps.
        """
        from .sandbox import SANDBOX_API_KEY, SANDBOX_BASE_URL, SandboxTransport

        return cls(
            api_key or SANDBOX_API_KEY,
            base_url=SANDBOX_BASE_URL,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
            transport=transport if transport is not None else SandboxTransport(),
        )

    def send(self, message: Message | Mapping[str, Any]) -> SendResult:
        """Send one message; returns its id and status, or raises an ``AisouleError``."""
        request = _build(self._http, self._options, "POST", MESSAGES_PATH, _payload(message))
        return _send_result(self._request(request), self._options)

    def status(self) -> dict[str, Any]:
        """``GET /v1/status``: the API's health, as AISoule reports it."""
        request = _build(self._http, self._options, "GET", STATUS_PATH)
        return _json_body(self._request(request, idempotent=True), self._options)

    def profile(self) -> dict[str, Any]:
        """``GET /v1/profile``: the account the key belongs to."""
        request = _build(self._http, self._options, "GET", PROFILE_PATH)
        return _json_body(self._request(request, idempotent=True), self._options)

    def _request(self, request: httpx.Request, *, idempotent: bool = False) -> httpx.Response:
        for attempt in itertools.count():
            outcome: Outcome
            try:
                outcome = self._http.send(request)
            except httpx.TransportError as error:
                outcome = error
            delay = _retry_delay(self._options, attempt, outcome, idempotent=idempotent)
            if delay is None:
                break
            _log_retry(request, attempt, outcome, delay)
            self._sleep(delay)
        if isinstance(outcome, httpx.TransportError):
            raise connection_error(outcome, request) from outcome
        return outcome

    def close(self) -> None:
        """Close the connections; the client cannot send afterwards."""
        self._http.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._options.describe(type(self).__name__)


class AsyncClient:
    """`Client` for asyncio and trio: the same arguments, with ``await`` on each call."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._options = _Options.resolve(api_key, base_url, max_retries, retry_ambiguous)
        self._http = httpx.AsyncClient(
            base_url=self._options.base_url,
            headers=_headers(self._options),
            timeout=timeout,
            transport=transport,
        )
        self._sleep: Callable[[float], Any] = anyio.sleep

    @classmethod
    def sandbox(
        cls,
        transport: SandboxTransport | None = None,
        *,
        api_key: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_ambiguous: bool = False,
    ) -> AsyncClient:
        """An async client wired to the in-process sandbox: no account, no network."""
        from .sandbox import SANDBOX_API_KEY, SANDBOX_BASE_URL, SandboxTransport

        return cls(
            api_key or SANDBOX_API_KEY,
            base_url=SANDBOX_BASE_URL,
            max_retries=max_retries,
            retry_ambiguous=retry_ambiguous,
            transport=transport if transport is not None else SandboxTransport(),
        )

    async def send(self, message: Message | Mapping[str, Any]) -> SendResult:
        """Send one message; returns its id and status, or raises an ``AisouleError``."""
        request = _build(self._http, self._options, "POST", MESSAGES_PATH, _payload(message))
        return _send_result(await self._request(request), self._options)

    async def status(self) -> dict[str, Any]:
        """``GET /v1/status``: the API's health, as AISoule reports it."""
        request = _build(self._http, self._options, "GET", STATUS_PATH)
        return _json_body(await self._request(request, idempotent=True), self._options)

    async def profile(self) -> dict[str, Any]:
        """``GET /v1/profile``: the account the key belongs to."""
        request = _build(self._http, self._options, "GET", PROFILE_PATH)
        return _json_body(await self._request(request, idempotent=True), self._options)

    async def _request(self, request: httpx.Request, *, idempotent: bool = False) -> httpx.Response:
        for attempt in itertools.count():
            outcome: Outcome
            try:
                outcome = await self._http.send(request)
            except httpx.TransportError as error:
                outcome = error
            delay = _retry_delay(self._options, attempt, outcome, idempotent=idempotent)
            if delay is None:
                break
            _log_retry(request, attempt, outcome, delay)
            await self._sleep(delay)
        if isinstance(outcome, httpx.TransportError):
            raise connection_error(outcome, request) from outcome
        return outcome

    async def aclose(self) -> None:
        """Close the connections; the client cannot send afterwards."""
        await self._http.aclose()

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._options.describe(type(self).__name__)
