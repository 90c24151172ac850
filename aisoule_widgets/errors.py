"""What can go wrong when talking to AISoule, one class per thing you would do differently.

::

    AisouleError                  catch this for "anything from the API or the network"
    ├── APIConnectionError        no answer: DNS, refused, reset, TLS
    │   └── APITimeoutError       no answer in time
    └── APIStatusError            an answer that is an error (.status_code, .code, .response)
        ├── BadRequestError       400, 422: the message was refused (.details lists why)
        ├── AuthenticationError   401, or no API key at all
        ├── PermissionDeniedError 403
        ├── NotFoundError         404: usually a base_url without /v1
        ├── RateLimitError        429 (.retry_after, in seconds)
        └── ServerError           5xx

A message that breaks a WhatsApp rule is caught before anything is sent, as
``pydantic.ValidationError``; programming mistakes stay ``TypeError`` / ``ValueError``.
Every error keeps the ``request`` (and the ``response`` when there was one); its text is
a sentence that says what to do, and never contains the API key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AisouleError",
    "AuthenticationError",
    "BadRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
]

# How much of a non-JSON body (a gateway's HTML page) goes into an error's text.
SNIPPET_CHARS = 200
REDACTED = "[redacted]"


class AisouleError(Exception):
    """Anything that went wrong talking to AISoule; ``str(error)`` says what to do."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(AisouleError):
    """No answer came back: the host was unreachable, refused, or dropped the connection."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer came back within the client's timeout."""


class APIStatusError(AisouleError):
    """AISoule answered with an error: ``status_code``, ``code`` and ``message`` say which.

    ``response`` is the raw answer; ``body`` is its JSON (or its text when it is not
    JSON). ``status_code`` and ``response`` are None only for a request never sent
    (no API key).
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response | None,
        code: str | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message)
        self.request = request
        self.response = response
        self.status_code = None if response is None else response.status_code
        self.code = code
        self.body = body


class BadRequestError(APIStatusError):
    """400 or 422: AISoule refused the message; ``details`` lists each problem it named."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response | None,
        code: str | None = None,
        body: object = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, request=request, response=response, code=code, body=body)
        self.details = details or []


class AuthenticationError(APIStatusError):
    """401, or no key to send: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not do this."""


class NotFoundError(APIStatusError):
    """404: no such route (is base_url right?) or no such resource."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is the wait AISoule asked for, in seconds."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response | None,
        code: str | None = None,
        body: object = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, request=request, response=response, code=code, body=body)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: AISoule (or a gateway in front of it) failed; trying later usually works."""


# --- from a response to an error ---------------------------------------------------------

_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
}
# The documented codes, for a 2xx that says success: false.
_CODE_CLASSES: dict[str, type[APIStatusError]] = {
    "unauthorized": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "rate_limit_exceeded": RateLimitError,
    "validation_error": BadRequestError,
}
_HINTS: dict[type[APIStatusError], str] = {
    BadRequestError: "fix what it names and send again",
    AuthenticationError: (
        "check the API key (the api_key= argument or AISOULE_API_KEY), "
        "or try Client.sandbox(), which needs no account"
    ),
    PermissionDeniedError: "the key works but may not do this; check the account's plan",
    NotFoundError: "check base_url: it should end in /v1, e.g. https://api.aisoule.com/v1",
    RateLimitError: "slow down and send again after the wait",
    ServerError: "the problem is on AISoule's side; try again in a minute",
    APIStatusError: "check base_url and the request against AISoule's API docs",
}


def _error_class(status: int, code: str | None) -> type[APIStatusError]:
    if status < 300 and code in _CODE_CLASSES:
        return _CODE_CLASSES[code]
    if status >= 500:
        return ServerError
    return _CLASSES.get(status, APIStatusError)


def parse_body(response: httpx.Response) -> object:
    """The body as JSON when it is JSON, else its text ("" when empty); never raises."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return ""
    if not content.strip():
        return ""
    try:
        # From the bytes: json detects UTF-8/16/32 itself, and this is the hot path.
        return json.loads(content)
    except ValueError:
        pass
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return content.decode("utf-8", errors="replace")


def _error_object(body: object) -> Mapping[str, Any]:
    """The error fields of any body: the envelope, the older flat shape, or nothing."""
    if not isinstance(body, Mapping):
        return {}
    error = body.get("error")
    if isinstance(error, Mapping):
        return error
    if isinstance(error, str):
        return {"message": error}
    # The older shape: {"message": "...", "status": "error"}
    return {key: body[key] for key in ("message", "code") if key in body}


def _snippet(text: str) -> str:
    """A gateway's HTML page as one short line of its visible text."""
    title = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.S | re.I)
    if title:
        text = title.group(1)
    plain = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    plain = " ".join(plain.split())
    return plain if len(plain) <= SNIPPET_CHARS else plain[: SNIPPET_CHARS - 1] + "…"


def _details(error: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = error.get("details", error.get("errors"))
    if isinstance(found, list):
        return [item if isinstance(item, dict) else {"msg": str(item)} for item in found]
    return []


def _detail_text(detail: Mapping[str, Any]) -> str:
    path = detail.get("path") or ".".join(str(part) for part in detail.get("loc") or ())
    text = str(detail.get("msg") or detail.get("message") or "")
    return f"{path}: {text}" if path else text


def _retry_after(error: Mapping[str, Any], response: httpx.Response) -> float | None:
    for value in (error.get("retry_after_seconds"), response.headers.get("retry-after")):
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    return None


def make_status_error(response: httpx.Response, *, secret: str | None = None) -> APIStatusError:
    """The error for an answer that is not a success; any body shape is accepted.

    ``secret`` (the API key) is removed from anything quoted from the body.
    """
    body = parse_body(response)
    error = _error_object(body)
    code = error.get("code")
    code = str(code) if code is not None else None
    cls = _error_class(response.status_code, code)
    said = str(error.get("message") or "") or (_snippet(body) if isinstance(body, str) else "")
    details = _details(error)
    if details:
        said = "; ".join(filter(None, [said, *(_detail_text(d) for d in details)]))
    if secret:
        said = said.replace(secret, REDACTED)
    label = f"{response.status_code} {response.reason_phrase}".strip()
    label = f"{label}, {code}" if code else label
    text = f"AISoule answered {label}: {said or 'no explanation in the body'}; {_HINTS[cls]}"
    kwargs: dict[str, Any] = {}
    if cls is BadRequestError:
        kwargs["details"] = details
    if cls is RateLimitError:
        seconds = _retry_after(error, response)
        kwargs["retry_after"] = seconds
        if seconds is not None:
            text = text.replace(_HINTS[cls], f"wait {seconds:g} s and send again")
    return cls(
        text + ".", request=response.request, response=response, code=code, body=body, **kwargs
    )


def missing_key_error(request: httpx.Request) -> AuthenticationError:
    """The error for a send with no API key: nothing went out."""
    return AuthenticationError(
        "no AISoule API key: pass Client(api_key=...) or set the AISOULE_API_KEY environment "
        "variable; to try things without an account, use Client.sandbox().",
        request=request,
        response=None,
        code="missing_api_key",
    )


def connection_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """The error for a request that got no answer."""
    where = f"{request.method} {request.url.copy_with(query=None)}"
    reason = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"no answer to {where} in time ({reason}); try again, or give a longer "
            "Client(timeout=...)",
            request=request,
        )
    return APIConnectionError(
        f"could not reach AISoule for {where} ({reason}); check base_url and the network, "
        "then try again",
        request=request,
    )
