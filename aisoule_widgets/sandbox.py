"""The AISoule API emulated on your machine: try sending without an account or a network.

In Python, ``Client.sandbox()`` sends to a `SandboxTransport` in the same process::

    sandbox = SandboxTransport()
    result = Client.sandbox(sandbox).send(message)
    sandbox.outbox[-1].payload                         # what "AISoule" received
    sandbox.simulate_tap(result.message_id, "btn_growth")  # the webhook your server gets

From a shell, ``python -m aisoule_widgets.sandbox --port 8787`` serves the same app on
127.0.0.1, for curl or any other client::

    curl -s http://127.0.0.1:8787/v1/messages -H "Authorization: Bearer sandbox" \\
         -H "Content-Type: application/json" -d @message.json

It behaves as the API contract says: Bearer auth (any non-empty key), the package's own
validation (422 with every problem listed), ``msg_...`` ids, ``X-RateLimit-*`` headers
and the real limits on ``/v1/messages`` (5 requests/s burst, 300/min; other routes
120/min; a 429 carries ``retry_after_seconds``), ``GET /v1/status`` and
``GET /v1/profile``. Magic values simulate failures:

- API key ``sandbox-unauthorized`` (`UNAUTHORIZED_KEY`): 401 ``unauthorized``
- API key ``sandbox-forbidden`` (`FORBIDDEN_KEY`): 403 ``forbidden``
- recipient ``15550000500`` (`SERVER_ERROR_RECIPIENT`): 500 with the older
  ``{"message", "status"}`` body
- recipient ``15550000503`` (`UNAVAILABLE_RECIPIENT`): 503 with a gateway's HTML page
- recipient ``15550000408`` (`TIMEOUT_RECIPIENT`): no answer; in process the transport
  raises ``httpx.ReadTimeout``, served the socket is held until the client gives up

A request repeating an ``Idempotency-Key`` gets the first answer again, so a retried
send is delivered once. Taps are not documented by AISoule: see
`aisoule_widgets.webhooks.ASSUMED_SHAPE`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import secrets
import socket
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from .models import Message
from .webhooks import reply_event

__all__ = [
    "FORBIDDEN_KEY",
    "SANDBOX_API_KEY",
    "SANDBOX_BASE_URL",
    "SERVER_ERROR_RECIPIENT",
    "TIMEOUT_RECIPIENT",
    "UNAUTHORIZED_KEY",
    "UNAVAILABLE_RECIPIENT",
    "Answer",
    "SandboxServer",
    "SandboxTransport",
    "SentMessage",
    "main",
]

#: Where `Client.sandbox()` points; `.invalid` can never resolve, so nothing leaks out.
SANDBOX_BASE_URL = "http://sandbox.aisoule.invalid/v1"
#: The key `Client.sandbox()` sends; any other non-empty key works too.
SANDBOX_API_KEY = "sandbox"
UNAUTHORIZED_KEY = "sandbox-unauthorized"
FORBIDDEN_KEY = "sandbox-forbidden"
# Valid numbers (the 555-0xxx block is reserved for fiction), so they pass validation.
SERVER_ERROR_RECIPIENT = "15550000500"
UNAVAILABLE_RECIPIENT = "15550000503"
TIMEOUT_RECIPIENT = "15550000408"

MESSAGES_PER_SECOND = 5
MESSAGES_PER_MINUTE = 300
OTHER_PER_MINUTE = 120
DEFAULT_PORT = 8787
LOOPBACK = "127.0.0.1"
# How long the served app holds a "timeout" request; every client gives up sooner.
HOLD_SECONDS = 300.0
SIGNATURE_HEADER = "X-AISoule-Signature"

_ROUTES = {"/v1/messages": "POST", "/v1/status": "GET", "/v1/profile": "GET"}
_UNAVAILABLE_HTML = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    "<center><h1>503 Service Temporarily Unavailable</h1></center><hr>"
    "<center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Answer:
    """The sandbox's reply to one request; ``hang`` means it never replies."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang: bool = False


@dataclass(frozen=True)
class SentMessage:
    """A message the sandbox accepted: its id, the payload as received, and when (Unix s)."""

    message_id: str
    payload: dict[str, Any]
    received_at: float


def _json(status: int, body: object, headers: Mapping[str, str] | None = None) -> Answer:
    return Answer(
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body, ensure_ascii=False).encode(),
    )


def _error(status: int, code: str, message: str, **extra: Any) -> Answer:
    return _json(status, {"success": False, "error": {"code": code, "message": message, **extra}})


def _new_id() -> str:
    return "msg_" + secrets.token_hex(8)[:15]


class _Window:
    """Request times of one key on one route, for the rolling per-second and per-minute limits."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def check(self, now: float, per_minute: int, per_second: int | None) -> float | None:
        """Record a request at ``now`` and return None, or return the seconds to wait."""
        while self.times and self.times[0] <= now - 60:
            self.times.popleft()
        if len(self.times) >= per_minute:
            return self.times[0] + 60 - now
        if per_second is not None:
            recent = [t for t in self.times if t > now - 1]
            if len(recent) >= per_second:
                return recent[0] + 1 - now
        self.times.append(now)
        return None

    def headers(self, now: float, per_minute: int) -> dict[str, str]:
        reset = (self.times[0] if self.times else now) + 60
        return {
            "X-RateLimit-Limit": str(per_minute),
            "X-RateLimit-Remaining": str(max(per_minute - len(self.times), 0)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The AISoule API in process, as an httpx transport for `Client` and `AsyncClient`.

    ``clock`` gives Unix seconds (inject one to test rate limits without sleeping);
    ``rate_limits=False`` lifts the limits, e.g. for a benchmark.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        rate_limits: bool = True,
    ) -> None:
        self.outbox: list[SentMessage] = []
        self._clock = clock
        self._rate_limits = rate_limits
        self._windows: defaultdict[tuple[str, str], _Window] = defaultdict(_Window)
        self._replays: dict[tuple[str, str], tuple[bytes, Answer]] = {}
        # The served app calls handle() from one thread per connection.
        self._lock = threading.Lock()

    # --- the one request -> answer function (the transport and the server both use it)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        """Answer one request: ``target`` is the path (and query), headers any case."""
        headers = {name.lower(): value for name, value in headers.items()}
        path = urlsplit(target).path.rstrip("/") or "/"
        with self._lock:
            return self._handle(method.upper(), path, headers, body)

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        allowed = _ROUTES.get(path)
        if allowed is None:
            hint = " (is /v1 missing from base_url?)" if f"/v1{path}" in _ROUTES else ""
            return _error(
                404,
                "not_found",
                f"no route {path}{hint}; the routes are POST /v1/messages, GET /v1/status "
                "and GET /v1/profile",
            )
        if method != allowed:
            answer = _error(405, "method_not_allowed", f"{path} takes {allowed}, not {method}")
            return Answer(answer.status, {**answer.headers, "Allow": allowed}, answer.body)
        key = _bearer(headers.get("authorization", ""))
        if key is None or key == UNAUTHORIZED_KEY:
            return self._limited(path, None, _unauthorized(key))
        if key == FORBIDDEN_KEY:
            return self._limited(
                path, None, _error(403, "forbidden", "this API key may not use this route")
            )
        now = self._clock()
        per_minute = MESSAGES_PER_MINUTE if path == "/v1/messages" else OTHER_PER_MINUTE
        window = self._windows[key, path]
        if self._rate_limits:
            wait = window.check(now, per_minute, MESSAGES_PER_SECOND if allowed == "POST" else None)
            if wait is not None:
                seconds = max(math.ceil(wait), 1)
                answer = _error(
                    429,
                    "rate_limit_exceeded",
                    f"Too many requests; try again in {seconds} s",
                    retry_after_seconds=seconds,
                )
                return self._limited(path, window, answer, {"Retry-After": str(seconds)})
        if path == "/v1/status":
            answer = _json(200, {"status": "ok", "sandbox": True, "time": int(now)})
        elif path == "/v1/profile":
            answer = _json(200, _profile())
        else:
            answer = self._message(key, headers.get("idempotency-key"), body, now)
        return self._limited(path, window, answer)

    def _limited(
        self,
        path: str,
        window: _Window | None,
        answer: Answer,
        extra: Mapping[str, str] | None = None,
    ) -> Answer:
        """The answer with the X-RateLimit-* headers every response carries."""
        per_minute = MESSAGES_PER_MINUTE if path == "/v1/messages" else OTHER_PER_MINUTE
        figures = (window or _Window()).headers(self._clock(), per_minute)
        headers = {**answer.headers, **figures, **(extra or {})}
        return Answer(answer.status, headers, answer.body, answer.hang)

    def _message(self, key: str, idempotency: str | None, body: bytes, now: float) -> Answer:
        if idempotency is not None:
            seen = self._replays.get((key, idempotency))
            if seen is not None:
                if seen[0] == body:
                    return seen[1]
                return _error(
                    400,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different body; use a new key "
                    "for a new message",
                )
        try:
            payload = json.loads(body)
        except ValueError:
            return _error(
                400, "invalid_json", "the body is not JSON; send the message payload as JSON"
            )
        try:
            message = Message.model_validate(payload)
        except ValidationError as error:
            return _invalid(error)
        if message.to == SERVER_ERROR_RECIPIENT:
            # The older error shape the contract asks clients to accept.
            return _json(500, {"message": "Internal server error", "status": "error"})
        if message.to == UNAVAILABLE_RECIPIENT:
            return Answer(503, {"Content-Type": "text/html"}, _UNAVAILABLE_HTML.encode())
        if message.to == TIMEOUT_RECIPIENT:
            return Answer(504, hang=True)
        message_id = _new_id()
        self.outbox.append(SentMessage(message_id, payload, now))
        answer = _json(
            200,
            {
                "success": True,
                "message_id": message_id,
                "status": "queued",
                "recipient": message.to,
            },
        )
        if idempotency is not None:
            self._replays[key, idempotency] = (body, answer)
        return answer

    # --- what a notebook user asks of it

    def simulate_tap(
        self, message_id: str, choice_id: str, *, timestamp: int | None = None
    ) -> dict[str, Any]:
        """The webhook event your server would get when the customer taps ``choice_id``.

        ``message_id`` is a sent message's id (``SendResult.message_id``); the event is
        `aisoule_widgets.webhooks.reply_event`, the same the preview shows.
        """
        with self._lock:
            sent = next((m for m in self.outbox if m.message_id == message_id), None)
            known = ", ".join(m.message_id for m in self.outbox) or "none yet"
        if sent is None:
            raise ValueError(
                f"the sandbox sent no message with id {message_id!r}; sent: {known}. "
                "Use the message_id that send() returned."
            )
        return reply_event(
            sent.payload, choice_id, message_id=message_id, reply_id=_new_id(), timestamp=timestamp
        )

    # --- httpx

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._respond(request, self.handle(*_parts(request), request.read()))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._respond(request, self.handle(*_parts(request), await request.aread()))

    @staticmethod
    def _respond(request: httpx.Request, answer: Answer) -> httpx.Response:
        if answer.hang:
            raise httpx.ReadTimeout(
                f"the sandbox never answers messages to {TIMEOUT_RECIPIENT}", request=request
            )
        return httpx.Response(
            answer.status, headers=answer.headers, content=answer.body, request=request
        )

    def __repr__(self) -> str:
        return f"<SandboxTransport outbox={len(self.outbox)} rate_limits={self._rate_limits}>"


def _parts(request: httpx.Request) -> tuple[str, str, Mapping[str, str]]:
    return request.method, request.url.raw_path.decode("ascii"), request.headers


def _bearer(value: str) -> str | None:
    scheme, _, key = value.strip().partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def _unauthorized(key: str | None) -> Answer:
    if key is None:
        return _error(
            401,
            "unauthorized",
            "missing API key; send the header 'Authorization: Bearer <key>' "
            f"(the sandbox accepts any key, e.g. {SANDBOX_API_KEY!r})",
        )
    return _error(401, "unauthorized", "Invalid or missing API key")


def _invalid(error: ValidationError) -> Answer:
    details = [
        {
            "loc": list(item["loc"]),
            "path": ".".join(str(part) for part in item["loc"]),
            "msg": item["msg"],
            "type": item["type"],
        }
        for item in error.errors(include_url=False)
    ]
    count = f"{len(details)} problem" + ("s" if len(details) != 1 else "")
    return _error(422, "validation_error", f"the message is not valid ({count})", details=details)


def _profile() -> dict[str, Any]:
    from .webhooks import BUSINESS_NUMBER

    return {
        "success": True,
        "profile": {
            "name": "AISoule sandbox",
            "waba_number": BUSINESS_NUMBER,
            "plan": "sandbox",
            "rate_limits": {
                "messages_per_minute": MESSAGES_PER_MINUTE,
                "messages_per_second": MESSAGES_PER_SECOND,
                "other_per_minute": OTHER_PER_MINUTE,
            },
        },
    }


# --- webhook signatures --------------------------------------------------------------------


# --- the served app ----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API
    # Headers and body go out in two writes; with Nagle on, the second waits for the
    # client's delayed ACK (about 40 ms per request).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        answer = self.server.transport.handle(
            self.command, self.path, dict(self.headers.items()), body
        )
        if answer.hang:
            # Hold the socket until the client gives up and the server stops.
            self.server.stopping.wait(HOLD_SECONDS)
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins them, so nothing outlives stop()
    request_queue_size = 128  # many clients connect at once; the default 5 drops some

    def __init__(
        self, address: tuple[str, int], transport: SandboxTransport, *, verbose: bool
    ) -> None:
        super().__init__(address, _Handler)
        self.transport = transport
        self.verbose = verbose
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """End idle keep-alive connections so their threads can finish."""
        with self._open_lock:
            for sock in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    sock.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """The sandbox served over HTTP on 127.0.0.1, in a background thread.

    ::

        with SandboxServer(port=0) as server:       # port 0: any free port
            Client("any-key", base_url=server.base_url).send(message)

    ``stop()`` (or leaving the ``with``) closes every connection and joins every thread.
    """

    def __init__(
        self,
        transport: SandboxTransport | None = None,
        *,
        port: int = DEFAULT_PORT,
        verbose: bool = False,
    ) -> None:
        self.transport = transport if transport is not None else SandboxTransport()
        self._httpd = _HTTPServer((LOOPBACK, port), self.transport, verbose=verbose)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="aisoule-sandbox", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as ``Client(base_url=...)``."""
        return f"{self.url}/v1"

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread.is_alive():
            self._thread.join(0.2)

    def stop(self) -> None:
        self._httpd.stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.drop_connections()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<SandboxServer {self.base_url}>"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m aisoule_widgets.sandbox``: serve the sandbox until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m aisoule_widgets.sandbox",
        description="Serve the AISoule API sandbox on 127.0.0.1 (no account needed).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="accept any number of requests"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    try:
        server = SandboxServer(
            SandboxTransport(rate_limits=not args.no_rate_limits),
            port=args.port,
            verbose=not args.quiet,
        )
    except OSError as error:
        print(
            f"cannot listen on {LOOPBACK}:{args.port} ({error.strerror}); "
            "pick another --port, or --port 0 for any free one",
            file=sys.stderr,
        )
        return 1
    with server:
        print(f"AISoule sandbox on {server.base_url}  (any API key works; Ctrl-C stops)")
        print(f"  try: curl -s {server.base_url}/status -H 'Authorization: Bearer sandbox'")
        sys.stdout.flush()
        try:
            server.wait()
        except KeyboardInterrupt:
            print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
