"""What your server receives when the customer taps a reply button or picks a list row.

``reply_event(payload, "btn_growth")`` gives the webhook JSON for that tap. The preview
shows it beside the phone and the sandbox emits it, so both always agree.

AISoule documents its inbound envelope (``message.received``) but not how a tap looks
inside it; this puts Meta's ``button_reply`` / ``list_reply`` object in that envelope.
`ASSUMED_SHAPE` says so in words, and every place that shows the event shows that too.

On your server, check that an event really comes from AISoule before acting on it::

    verify_signature(request.body, request.headers["X-AISoule-Signature"], secret)
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "ASSUMED_SHAPE",
    "BUSINESS_NUMBER",
    "SIGNATURE_HEADER",
    "choice_event",
    "choices",
    "draft_items",
    "reply_event",
    "sign",
    "verify_signature",
]

ASSUMED_SHAPE = (
    "Assumed shape: AISoule documents the message.received envelope but not how a tap "
    "looks inside it; the interactive object is Meta's."
)
#: The business's WhatsApp number in simulated events (a documentation-range number).
BUSINESS_NUMBER = "15550001234"
PREVIEW_MESSAGE_ID = "msg_preview"
#: The header AISoule signs webhook events with: ``sha256=<hex HMAC-SHA256 of the raw body>``.
SIGNATURE_HEADER = "X-AISoule-Signature"


def choices(payload: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Each tappable choice of a payload-shaped dict, as ``{"id", "title"[, "description"]}``.

    Works on drafts: missing or malformed parts are skipped, never raised.
    """
    interactive = payload.get("interactive")
    if not isinstance(interactive, Mapping):
        return
    action = interactive.get("action")
    if not isinstance(action, Mapping):
        return
    if interactive.get("type") == "button":
        for button in draft_items(action.get("buttons")):
            reply = button.get("reply")
            if isinstance(reply, Mapping):
                yield {"id": str(reply.get("id", "")), "title": str(reply.get("title", ""))}
        return
    for section in draft_items(action.get("sections")):
        for row in draft_items(section.get("rows")):
            choice = {"id": str(row.get("id", "")), "title": str(row.get("title", ""))}
            if row.get("description"):
                choice["description"] = str(row["description"])
            yield choice


def draft_items(value: Any) -> Iterator[Mapping[str, Any]]:
    """The objects of a draft's list (buttons, sections, rows); anything else is skipped.

    The preview walks a draft with this too, so its n-th choice is `choices()`'s n-th.
    """
    if isinstance(value, list | tuple):
        yield from (item for item in value if isinstance(item, Mapping))


def reply_event(
    payload: Mapping[str, Any],
    choice_id: str,
    *,
    message_id: str = PREVIEW_MESSAGE_ID,
    reply_id: str | None = None,
    timestamp: int | None = None,
    business_number: str = BUSINESS_NUMBER,
) -> dict[str, Any]:
    """The webhook event for a tap on the choice ``choice_id`` of the message ``payload``.

    ``message_id`` is the id of the message that was tapped (it comes back as
    ``context.id``); ``reply_id`` is the id of the customer's reply message.
    Raises ``ValueError`` when the message has no choice with that id.
    """
    choice = next((c for c in choices(payload) if c["id"] == choice_id), None)
    if choice is None:
        known = ", ".join(repr(c["id"]) for c in choices(payload)) or "none"
        raise ValueError(f"the message has no button or row with id {choice_id!r}; ids: {known}")
    return choice_event(
        payload,
        choice,
        message_id=message_id,
        reply_id=reply_id,
        timestamp=timestamp,
        business_number=business_number,
    )


def choice_event(
    payload: Mapping[str, Any],
    choice: Mapping[str, str],
    *,
    message_id: str = PREVIEW_MESSAGE_ID,
    reply_id: str | None = None,
    timestamp: int | None = None,
    business_number: str = BUSINESS_NUMBER,
) -> dict[str, Any]:
    """The event for a tap on ``choice``, one of `choices(payload)`; see `reply_event`.

    The preview calls this for every choice of a draft, where two may share an id.
    """
    interactive = payload.get("interactive")
    kind = (
        "button_reply"
        if isinstance(interactive, Mapping) and interactive.get("type") == "button"
        else "list_reply"
    )
    customer = str(payload.get("to", ""))
    return {
        "event": "message.received",
        "timestamp": int(time.time()) if timestamp is None else timestamp,
        "data": {
            "message_id": reply_id or f"{message_id}_reply",
            "waba_number": business_number,
            "sender": customer,
            "recipient": business_number,
            "type": "interactive",
            "body": choice["title"],
            "interactive": {"type": kind, kind: dict(choice)},
            "context": {"id": message_id},
        },
    }


def sign(body: bytes, secret: str) -> str:
    """The `SIGNATURE_HEADER` value for a raw event body and your webhook secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str, secret: str) -> bool:
    """True when the header's ``signature`` matches the raw ``body``; compared in constant time.

    Pass the body exactly as received (bytes), before any JSON parsing.
    """
    return hmac.compare_digest(sign(body, secret), signature.strip())
