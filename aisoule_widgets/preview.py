"""The message as a customer sees it on a phone: ``render_preview(message)`` gives HTML.

The HTML is one self-contained document (inline CSS, no network, no script). Tapping a
reply button, or opening the list and sending a row, shows the customer's reply and the
webhook event your server receives; that works with CSS alone, so it also works in an
exported .html file, in nbviewer and inside ``ipywidgets.HTML``, where scripts do not run.

Drafts render too: any payload-shaped dict, half-filled or with wrong types, shows what
is there instead of raising, so the builder can preview a message before it validates.
"""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup, escape

from .filters import FILTERS
from .webhooks import ASSUMED_SHAPE, choice_event, choices, draft_items

if TYPE_CHECKING:
    from .models import Message

__all__ = [
    "PREVIEW_TIME",
    "THEMES",
    "check_theme",
    "embed_preview",
    "render_preview",
    "save_preview",
]

THEMES = ("light", "dark")
DEFAULT_THEME = "light"
#: The clock shown on the phone and in the webhook event: fixed, so a preview is
#: reproducible (golden tests, diffs of exported files). Pass ``now=`` to change it.
PREVIEW_TIME = datetime(2026, 1, 1, 9, 41, tzinfo=timezone.utc)
#: Who the customer is chatting with, as the chat's title bar shows it.
BUSINESS_NAME = "Your business"
# The notebook frame fits the phone and the webhook panel side by side.
EMBED_WIDTH = 900
EMBED_HEIGHT = 800
TEMPLATE = "phone.html.jinja"
MEDIA_NAMES = {"image": "Photo", "video": "Video", "document": "Document"}


# --- what the template shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A reply button or a list row, with the webhook event its tap produces."""

    index: int
    title: str
    description: str | None = None
    event: dict[str, Any] | None = None


@dataclass(frozen=True)
class Header:
    """A text header (``text``) or a media block (``kind`` image, video or document)."""

    kind: str
    text: str = ""
    link: str | None = None
    label: str = ""
    detail: str = ""  # a document's type, as WhatsApp shows under its name: "PDF"


@dataclass(frozen=True)
class ListSection:
    title: str | None
    rows: list[Choice]


@dataclass(frozen=True)
class Phone:
    """Everything the phone template reads, already made safe to show (strings or None)."""

    kind: str  # "button" or "list"
    header: Header | None
    body: str
    footer: str | None
    menu_label: str
    buttons: list[Choice] = field(default_factory=list)
    sections: list[ListSection] = field(default_factory=list)

    @property
    def choices(self) -> list[Choice]:
        return self.buttons or [row for section in self.sections for row in section.rows]


def _text(value: Any) -> str | None:
    """A field as text when it can be shown: strings and numbers; anything else is absent."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _kind(interactive: Mapping[str, Any]) -> str:
    kind = interactive.get("type")
    if kind in ("button", "list"):
        return str(kind)
    # A draft without a type: guess from its action, as a reader would.
    action = _mapping(interactive.get("action"))
    return "list" if "sections" in action or "button" in action else "button"


def _header(value: Any) -> Header | None:
    if isinstance(value, str):
        return Header("text", text=value) if value else None
    header = _mapping(value)
    kind = header.get("type", "text" if "text" in header else None)
    if kind == "text":
        text = _text(header.get("text"))
        return Header("text", text=text) if text else None
    if kind not in MEDIA_NAMES:
        return None
    media = _mapping(header.get(kind))
    link = _text(media.get("link"))
    name = _text(media.get("filename")) or _file_name(link) or MEDIA_NAMES[kind]
    extension = name.rpartition(".")[2] if "." in name else ""
    return Header(
        str(kind),
        link=link if _is_web_address(link) else None,
        label=name,
        detail=extension.upper() if 0 < len(extension) <= 5 else "",
    )


def _is_web_address(link: str | None) -> bool:
    # Only http(s) reaches an <img src>: no javascript:, data: or file: from user input.
    return link is not None and urlsplit(link).scheme in ("http", "https")


def _file_name(link: str | None) -> str | None:
    if not link:
        return None
    name = unquote(urlsplit(link).path.rsplit("/", 1)[-1])
    return name or None


def _events(payload: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    # Each choice's own event, by position: right even where a draft repeats an id.
    timestamp = int(now.timestamp())
    return [choice_event(payload, choice, timestamp=timestamp) for choice in choices(payload)]


def phone_view(payload: Mapping[str, Any], *, now: datetime = PREVIEW_TIME) -> Phone:
    """What the phone shows for a payload-shaped dict; never raises on a draft."""
    interactive = _mapping(payload.get("interactive"))
    action = _mapping(interactive.get("action"))
    kind = _kind(interactive)
    events = iter(_events(payload, now))
    index = 0

    def choice(title: Any, description: Any = None) -> Choice:
        nonlocal index
        made = Choice(index, _text(title) or "", _text(description), next(events, None))
        index += 1
        return made

    buttons: list[Choice] = []
    sections: list[ListSection] = []
    if kind == "button":
        for button in draft_items(action.get("buttons")):
            reply = button.get("reply")
            if isinstance(reply, Mapping):
                buttons.append(choice(reply.get("title")))
    else:
        for section in draft_items(action.get("sections")):
            rows = [
                choice(r.get("title"), r.get("description"))
                for r in draft_items(section.get("rows"))
            ]
            sections.append(ListSection(_text(section.get("title")), rows))
    return Phone(
        kind=kind,
        header=_header(interactive.get("header")),
        body=_text(_mapping(interactive.get("body")).get("text")) or "",
        footer=_text(_mapping(interactive.get("footer")).get("text")),
        menu_label=_text(action.get("button")) or "",
        buttons=buttons,
        sections=sections,
    )


# --- rendering ------------------------------------------------------------------------------


@functools.cache
def _template() -> jinja2.Template:
    """The phone template, compiled once on first use (importing this module stays cheap)."""
    loader = jinja2.PackageLoader("aisoule_widgets", "templates")
    environment = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates are package data; no stat() per keystroke
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(FILTERS)
    # Icons are static SVG: read once, inserted as is (an {% include %} costs a new
    # template context each time, and the reply bubbles would pay it per choice).
    environment.globals["icons"] = {
        name.removeprefix("icon-").removesuffix(".svg"): Markup(
            loader.get_source(environment, name)[0].strip()
        )
        for name in loader.list_templates()
        if name.endswith(".svg")
    }
    return environment.get_template(TEMPLATE)


def _payload(message: Message | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(message, Mapping):
        return message
    to_payload = getattr(message, "to_payload", None)
    if to_payload is None:
        raise TypeError(
            f"render_preview() takes a Message or a payload dict, not {type(message).__name__}; "
            "pass Message.model_validate(payload) or the payload itself"
        )
    payload: Mapping[str, Any] = to_payload()
    return payload


def check_theme(theme: str) -> None:
    """Raise ValueError naming the themes when ``theme`` is not one of them."""
    if theme not in THEMES:
        raise ValueError(f"theme {theme!r} is not one of {', '.join(map(repr, THEMES))}; pick one")


def render_preview(
    message: Message | Mapping[str, Any],
    *,
    theme: str = DEFAULT_THEME,
    now: datetime = PREVIEW_TIME,
) -> str:
    """The message on a phone, as one self-contained HTML document (no script, no network)."""
    check_theme(theme)
    payload = _payload(message)
    return _template().render(
        phone=phone_view(payload, now=now),
        theme=theme,
        time=now.strftime("%H:%M"),
        business_name=BUSINESS_NAME,
        assumed_shape=ASSUMED_SHAPE,
    )


def save_preview(
    message: Message | Mapping[str, Any],
    path: str | pathlib.Path,
    *,
    theme: str = DEFAULT_THEME,
    now: datetime = PREVIEW_TIME,
) -> pathlib.Path:
    """Write the preview to ``path`` (an .html file that opens in any browser); returns it."""
    target = pathlib.Path(path)
    target.write_text(render_preview(message, theme=theme, now=now), encoding="utf-8")
    return target


def embed_preview(
    message: Message | Mapping[str, Any],
    *,
    theme: str = DEFAULT_THEME,
    now: datetime = PREVIEW_TIME,
) -> str:
    """The preview as an ``<iframe srcdoc>`` for a notebook output or ``ipywidgets.HTML``.

    The frame keeps the preview's CSS and the notebook's apart; ``sandbox`` lets nothing
    inside run a script, whatever a message contains.
    """
    document = escape(render_preview(message, theme=theme, now=now))  # markupsafe: C, fast
    return (
        f'<iframe class="aisoule-preview" title="WhatsApp preview" sandbox="" '
        f'style="width:100%;max-width:{EMBED_WIDTH}px;height:{EMBED_HEIGHT}px;border:0" '
        f'srcdoc="{document}"></iframe>'
    )
