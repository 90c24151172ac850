"""The Jinja2 filters of the preview templates, each a small pure function.

Filters that return HTML return ``Markup`` built from escaped text, so autoescape
leaves them alone and never double-escapes; everything else is escaped by Jinja.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from .formatting import format_body, format_inline

__all__ = ["FILTERS", "first_line_markup", "pretty_json", "whatsapp_markup"]

# One scalar or string as JSON, by json's C encoder.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def whatsapp_markup(text: str) -> Markup:
    """Body text with WhatsApp markup as HTML (the text is escaped inside format_body)."""
    return Markup(format_body(text))  # safe: format_body escapes before adding tags


def first_line_markup(text: str) -> Markup:
    """The first non-empty line with its inline markup, as a quoted message shows it."""
    line = next((line for line in text.split("\n") if line.strip()), "")
    return Markup(format_inline(line))  # safe: format_inline escapes first


def pretty_json(value: Any) -> str:
    """JSON as a developer reads it in a log: indented, non-ASCII kept (escaped by Jinja).

    The text of ``json.dumps(value, indent=2, ensure_ascii=False)`` for JSON with string
    keys, in a third of the time: with an indent, json uses its pure-Python encoder, and
    the preview prints one event per choice on every keystroke of the builder.
    """
    out: list[str] = []
    _pretty(value, "\n", out)
    return "".join(out)


def _pretty(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, dict) and value:
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            out.extend((separator, _encode(str(key)), ": "))
            _pretty(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple) and value:
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _pretty(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        out.append(_encode(value))


FILTERS: dict[str, Callable[..., Any]] = {
    "whatsapp_markup": whatsapp_markup,
    "first_line_markup": first_line_markup,
    "pretty_json": pretty_json,
}
