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
    "Body": "models",
    "Button": "models",
    "ButtonAction": "models",
    "ButtonInteractive": "models",
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
    "Reply": "models",
    "Row": "models",
    "Section": "models",
    "TextHeader": "models",
    "VideoHeader": "models",
    "lint": "models",
}

__all__ = [
    "LIMITS",
    "LONG_LIST_BODY",
    "Body",
    "Button",
    "ButtonAction",
    "ButtonInteractive",
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
    "Reply",
    "Row",
    "Section",
    "TextHeader",
    "VideoHeader",
    "__version__",
    "lint",
]

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aisoule_widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
