"""Design, preview, export and send WhatsApp interactive messages for the AISoule API.

    from aisoule_widgets import Message, MessageBuilder
    MessageBuilder()                       # in a notebook: editor and phone side by side
    Message.from_json(text).to_payload()   # in plain Python

Names are imported on first use, so ``import aisoule_widgets`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "APIConnectionError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "AisouleError": "errors",
    "AsyncClient": "client",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "Body": "models",
    "Button": "models",
    "ButtonAction": "models",
    "ButtonInteractive": "models",
    "Client": "client",
    "DocumentHeader": "models",
    "DocumentMedia": "models",
    "Footer": "models",
    "ImageHeader": "models",
    "LIMITS": "models",
    "LONG_LIST_BODY": "models",
    "Limits": "models",
    "LintWarning": "models",
    "ListAction": "models",
    "ListInteractive": "models",
    "Media": "models",
    "Message": "models",
    "MessageBuilder": "builder",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "RateLimit": "client",
    "RateLimitError": "errors",
    "Reply": "models",
    "Row": "models",
    "SandboxServer": "sandbox",
    "SandboxTransport": "sandbox",
    "Section": "models",
    "SendResult": "client",
    "ServerError": "errors",
    "TextHeader": "models",
    "VideoHeader": "models",
    "embed_preview": "preview",
    "lint": "models",
    "render_preview": "preview",
    "reply_event": "webhooks",
    "save_preview": "preview",
    "verify_signature": "webhooks",
}

__all__ = [
    "LIMITS",
    "LONG_LIST_BODY",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AisouleError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Body",
    "Button",
    "ButtonAction",
    "ButtonInteractive",
    "Client",
    "DocumentHeader",
    "DocumentMedia",
    "Footer",
    "ImageHeader",
    "Limits",
    "LintWarning",
    "ListAction",
    "ListInteractive",
    "Media",
    "Message",
    "MessageBuilder",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "Reply",
    "Row",
    "SandboxServer",
    "SandboxTransport",
    "Section",
    "SendResult",
    "ServerError",
    "TextHeader",
    "VideoHeader",
    "__version__",
    "embed_preview",
    "lint",
    "render_preview",
    "reply_event",
    "save_preview",
    "verify_signature",
]

if TYPE_CHECKING:
    from .builder import (
        MessageBuilder,
    )
    from .client import (
        AsyncClient,
        Client,
        RateLimit,
        SendResult,
    )
    from .errors import (
        AisouleError,
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
    )
    from .models import (
        LIMITS,
        LONG_LIST_BODY,
        Body,
        Button,
        ButtonAction,
        ButtonInteractive,
        DocumentHeader,
        DocumentMedia,
        Footer,
        ImageHeader,
        Limits,
        LintWarning,
        ListAction,
        ListInteractive,
        Media,
        Message,
        Reply,
        Row,
        Section,
        TextHeader,
        VideoHeader,
        lint,
    )
    from .preview import (
        embed_preview,
        render_preview,
        save_preview,
    )
    from .sandbox import (
        SandboxServer,
        SandboxTransport,
    )
    from .webhooks import (
        reply_event,
        verify_signature,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aisoule_widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
