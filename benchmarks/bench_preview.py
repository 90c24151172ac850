"""Render cost of the phone preview, against a plain f-string template of the same strings."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from importlib.resources import files
from typing import Any

from aisoule_widgets.filters import pretty_json
from aisoule_widgets.preview import PREVIEW_TIME, embed_preview, render_preview
from aisoule_widgets.webhooks import reply_event
from benchmarks.payloads import largest_list
from benchmarks.timing import Figure, median, side_by_side

RENDER_TARGET = 1e-3  # seconds
RATIO_TARGET = 5.0
KEYSTROKE_TARGET = 10e-3  # the builder re-embeds the preview on every keystroke


def figures() -> list[Figure]:
    payload = largest_list()
    render_preview(payload)  # warm: the template compiles once, on first use
    css = files("aisoule_widgets").joinpath("templates", "phone.css").read_text(encoding="utf-8")
    ours, baseline = side_by_side(
        lambda: render_preview(payload), lambda: _fstring_preview(payload, css)
    )
    embed = median(lambda: embed_preview(payload))
    return [
        Figure(
            area="preview",
            what="render_preview(), largest legal list",
            value=ours * 1e6,
            unit="µs",
            target="< 1 ms, ratio < 5",
            ok=ours < RENDER_TARGET and ours / baseline < RATIO_TARGET,
            baseline=f"f-string template of the same strings: {baseline * 1e6:.3g} µs",
            ratio=ours / baseline,
        ),
        Figure(
            area="preview",
            what="embed_preview() (builder keystroke), largest legal list",
            value=embed * 1e6,
            unit="µs",
            target="< 10 ms",
            ok=embed < KEYSTROKE_TARGET,
        ),
    ]


def _fstring_preview(payload: Mapping[str, Any], css: str) -> str:
    """The same page without Jinja or markup: escaped strings, rows, replies and events.

    What a hand-written renderer would have to do at least, so the ratio is what the
    template engine, the draft handling and WhatsApp markup cost on top.
    """
    interactive = payload["interactive"]
    action = interactive["action"]
    rows = [row for section in action["sections"] for row in section["rows"]]
    stamp = int(PREVIEW_TIME.timestamp())
    sections = "".join(
        f'<div class="section-title" dir="auto">{escape(section["title"])}</div>'
        + "".join(
            f'<label class="row" for="c"><span class="row-title" dir="auto">'
            f'{escape(row["title"])}</span><span class="row-description" dir="auto">'
            f'{escape(row["description"])}</span><span class="radio"></span></label>'
            for row in section["rows"]
        )
        for section in action["sections"]
    )
    replies = "".join(
        f'<div class="bubble outgoing reply"><div class="quoted-text">'
        f'{escape(interactive["body"]["text"])}</div><div class="reply-title">'
        f"{escape(row['title'])}</div></div>"
        for row in rows
    )
    events = "".join(
        f'<pre class="event"><code>'
        f"{escape(pretty_json(reply_event(payload, row['id'], timestamp=stamp)))}"
        f"</code></pre>"
        for row in rows
    )
    return (
        f'<!DOCTYPE html><html class="theme-light"><head><style>{css}</style></head><body>'
        f'<div class="phone"><div class="bubble incoming"><div class="header-text">'
        f'{escape(interactive["header"]["text"])}</div><div class="body">'
        f'{escape(interactive["body"]["text"])}</div><div class="footer">'
        f'{escape(interactive["footer"]["text"])}</div><label class="menu-button">'
        f'{escape(action["button"])}</label></div>{replies}<section class="sheet">'
        f"{sections}</section></div><aside>{events}</aside></body></html>"
    )
