"""The wire models of an interactive message, with every WhatsApp rule enforced.

Build a message, validate one you have, and export exactly what the API receives::

    msg = Message.reply_buttons(to="+91 88568 79188", body="Pick", buttons=["Yes", "No"])
    msg.to_json()
    Message.from_json(text)        # the way back; errors are pydantic.ValidationError

The models mirror the JSON one to one (`extra="forbid"`, so a typo fails with the key's
name). Limits and their sources are in `LIMITS` and the project's whatsapp-rules spec.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple, TypeAlias
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Self

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
    "id_from_title",
    "lint",
    "unique_id",
]


@dataclass(frozen=True)
class Limits:
    """The numbers WhatsApp enforces (characters are code points, as Python's len())."""

    body: int = 1024
    long_list_body: int = 4096  # Meta's newest list page; opt-in, see LONG_LIST_BODY
    header_text: int = 60
    footer: int = 60
    buttons: int = 3
    button_title: int = 20
    button_id: int = 256
    menu_button: int = 20
    sections: int = 10
    rows: int = 10  # across all sections
    section_title: int = 24
    row_title: int = 24
    row_id: int = 200
    row_description: int = 72
    phone_min_digits: int = 8
    phone_max_digits: int = 15


LIMITS = Limits()

#: Validation context key that allows list bodies up to 4096 characters:
#: ``Message.model_validate(payload, context={LONG_LIST_BODY: True})``.
LONG_LIST_BODY = "allow_long_list_body"

# Interactive types WhatsApp has that this package does not build yet.
UNSUPPORTED_TYPES = (
    "cta_url",
    "flow",
    "product",
    "product_list",
    "catalog_message",
    "location_request_message",
    "address_message",
    "call_permission_request",
    "carousel",
)
MEDIA_KINDS = ("image", "video", "document")
HEADER_KINDS = ("text", *MEDIA_KINDS)


# --- field checks -------------------------------------------------------------------------


def _check_length(what: str, limit: int, value: str) -> str:
    """1..limit characters, saying both numbers when not (for limits that depend on context)."""
    if not value:
        raise PydanticCustomError(
            "string_too_short",
            "{what} is empty; it needs 1 to {limit} characters",
            {"what": what, "limit": limit},
        )
    if len(value) > limit:
        raise PydanticCustomError(
            "string_too_long",
            "{what} is {length} characters; WhatsApp allows at most {limit}",
            {"what": what, "length": len(value), "limit": limit},
        )
    return value


def _text(limit: int) -> StringConstraints:
    # Checked by pydantic-core, not Python: the largest list has some 50 texts. `_tidy`
    # turns pydantic's wording into ours ("row title is 27 characters; ...").
    return StringConstraints(strict=True, min_length=1, max_length=limit)


# No space at either end: the reply webhook returns an id exactly as it was sent.
_TRIMMED = StringConstraints(pattern=r"^\S(?:[\s\S]*\S)?$")

HeaderText = Annotated[str, _text(LIMITS.header_text)]
FooterText = Annotated[str, _text(LIMITS.footer)]
ButtonTitle = Annotated[str, _text(LIMITS.button_title)]
ButtonId = Annotated[str, _text(LIMITS.button_id), _TRIMMED]
MenuButton = Annotated[str, _text(LIMITS.menu_button)]
SectionTitle = Annotated[str, _text(LIMITS.section_title)]
RowTitle = Annotated[str, _text(LIMITS.row_title)]
RowId = Annotated[str, _text(LIMITS.row_id), _TRIMMED]
RowDescription = Annotated[str, _text(LIMITS.row_description)]


def _digits(count: int) -> str:
    return "1 digit" if count == 1 else f"{count} digits"


def _normalise_phone(value: Any) -> Any:
    """Digits only, as AISoule's examples: '+91 88568-79188' -> '918856879188'."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value  # the str type check reports it
    if value.isascii() and value.isdigit() and value[0] != "0" and 8 <= len(value) <= 15:
        return value  # already normal: the usual case, kept cheap
    stray = sorted(set(re.sub(r"[0-9+\s\-()]", "", value)))
    if stray:
        raise PydanticCustomError(
            "phone_characters",
            "recipient number {value} has {stray}; use digits with the country code, "
            "optionally with +, spaces, - and ( )",
            {"value": repr(value), "stray": " ".join(repr(c) for c in stray)},
        )
    digits = re.sub(r"[^0-9]", "", value)
    if not LIMITS.phone_min_digits <= len(digits) <= LIMITS.phone_max_digits:
        raise PydanticCustomError(
            "phone_length",
            "recipient number has {count}; it needs {low} to {high} digits, "
            "country code first (e.g. 918856879188)",
            {
                "count": _digits(len(digits)),
                "low": LIMITS.phone_min_digits,
                "high": LIMITS.phone_max_digits,
            },
        )
    if digits.startswith("0"):
        raise PydanticCustomError(
            "phone_leading_zero",
            "recipient number starts with 0; start with the country code instead "
            "(e.g. 44 7700 900123, not 07700 900123)",
        )
    return digits


Phone = Annotated[
    str,
    BeforeValidator(_normalise_phone),
    Strict(),
    Field(json_schema_extra={"pattern": r"^[1-9][0-9]{7,14}$"}),
]


def id_from_title(title: str) -> str:
    """The id made for a title when none is given: 'Billing & Invoices' -> 'billing_invoices'."""
    slug = re.sub(r"[\W_]+", "_", title.casefold()).strip("_")
    return slug or "option"


# --- the models -----------------------------------------------------------------------------


class _Model(BaseModel):
    """Every entry point (constructor, model_validate, model_validate_json) gives errors with
    wire paths and in words a person understands; see `_tidy`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise _tidy(error) from None

    # For Python callers only: pydantic would otherwise call an overridden __init__ while
    # validating wire data, losing the validation context (and, in Row and Button,
    # generating ids that imported JSON must carry itself).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a payload dict; errors carry the JSON path and say how to fix them."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as error:
            raise _tidy(error) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as error:
            raise _tidy(error) from None


class TextHeader(_Model):
    """A bold line above the body: ``TextHeader(text="Support Hub")`` or just a str."""

    type: Literal["text"] = "text"
    text: HeaderText


class Media(_Model):
    """An image or video for a header: a public https ``link`` or an uploaded media ``id``."""

    link: str | None = None
    id: str | None = None

    @field_validator("link")
    @classmethod
    def _check_link(cls, link: str | None) -> str | None:
        if link is not None:
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise PydanticCustomError(
                    "media_link",
                    "media link {link} is not a web address; use a full https:// URL",
                    {"link": repr(link)},
                )
        return link

    @field_validator("id")
    @classmethod
    def _check_id(cls, media_id: str | None) -> str | None:
        if media_id is not None and not media_id.strip():
            raise PydanticCustomError("media_id", "media id is empty; give the uploaded media id")
        return media_id

    @model_validator(mode="after")
    def _one_source(self) -> Media:
        if (self.link is None) == (self.id is None):
            found = "both" if self.link is not None else "neither"
            raise PydanticCustomError(
                "media_source",
                "media needs exactly one of 'link' or 'id'; this one has {found}",
                {"found": found},
            )
        return self


class DocumentMedia(Media):
    """A document for a header; ``filename`` is what the phone shows under it."""

    filename: str | None = None


class ImageHeader(_Model):
    type: Literal["image"] = "image"
    image: Media


class VideoHeader(_Model):
    type: Literal["video"] = "video"
    video: Media


class DocumentHeader(_Model):
    type: Literal["document"] = "document"
    document: DocumentMedia


def _check_header_kind(value: Any, *, allowed: Sequence[str], where: str) -> Any:
    if isinstance(value, str):
        return {"type": "text", "text": value}
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if isinstance(value, dict) and kind is None:
        raise PydanticCustomError(
            "header_type_missing",
            "header needs a 'type': one of {allowed}",
            {"allowed": ", ".join(repr(k) for k in allowed)},
        )
    if kind is not None and kind not in allowed:
        hint = "; media headers are only for button messages" if kind in MEDIA_KINDS else ""
        raise PydanticCustomError(
            "header_type",
            "a {where} header cannot be {kind}; use one of {allowed}{hint}",
            {
                "where": where,
                "kind": repr(kind),
                "allowed": ", ".join(repr(k) for k in allowed),
                "hint": hint,
            },
        )
    return value


ButtonHeader: TypeAlias = Annotated[
    TextHeader | ImageHeader | VideoHeader | DocumentHeader,
    Field(discriminator="type"),
    BeforeValidator(lambda v: _check_header_kind(v, allowed=HEADER_KINDS, where="button message")),
]
ListHeader: TypeAlias = Annotated[
    TextHeader,
    BeforeValidator(lambda v: _check_header_kind(v, allowed=("text",), where="list message")),
]


class Body(_Model):
    """The message text (WhatsApp markup allowed): 1 to 1024 characters."""

    text: Annotated[str, Strict(), Field(json_schema_extra={"minLength": 1, "maxLength": 4096})]

    @field_validator("text")
    @classmethod
    def _check_text(cls, text: str, info: ValidationInfo) -> str:
        limit = LIMITS.long_list_body if _long_list_body(info) else LIMITS.body
        return _check_length("body text", limit, text)


def _long_list_body(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(LONG_LIST_BODY))


class Footer(_Model):
    """Grey small print under the body: 1 to 60 characters."""

    text: FooterText


def _wrap_text(value: Any) -> Any:
    """Lets Python callers write ``body="Hi"`` where the wire has ``{"text": "Hi"}``."""
    return {"text": value} if isinstance(value, str) else value


class Reply(_Model):
    id: ButtonId
    title: ButtonTitle


class Button(_Model):
    """A quick-reply button: ``Button("Growth Plan")`` or ``Button("Growth Plan", id="growth")``.

    The id (what your webhook receives on a tap) is made from the title when omitted.
    """

    type: Literal["reply"]
    reply: Reply

    def __init__(self, title: str | None = None, /, *, id: str | None = None, **data: Any) -> None:
        if title is not None:
            data.setdefault("type", "reply")
            data["reply"] = {"id": id_from_title(title) if id is None else id, "title": title}
        super().__init__(**data)

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # see _Model

    @property
    def id(self) -> str:
        return self.reply.id

    @property
    def title(self) -> str:
        return self.reply.title


class _Problems:
    """Collects cross-field problems so that all are reported at once, each at its field.

    pydantic stops a model validator at the first error it raises; this raises one error
    carrying every problem, and `_tidy` turns it back into one error per field.
    """

    def __init__(self) -> None:
        self.found: list[tuple[tuple[str | int, ...], str, str]] = []

    def add(self, at: tuple[str | int, ...], kind: str, message: str) -> None:
        self.found.append((at, kind, message))

    def raise_any(self) -> None:
        if self.found:
            raise PydanticCustomError(
                "cross_field",
                "; ".join(
                    message.replace("{", "(").replace("}", ")") for _, _, message in self.found
                ),
                {"problems": tuple(self.found)},
            )


def _duplicates(values: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """(first index, repeating index, value) for each repeat."""
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            yield seen[value], index, value
        else:
            seen[value] = index


class ButtonAction(_Model):
    # Counts are checked natively too; `_tidy` words them ("has 4 buttons; ... 1 to 3").
    buttons: Annotated[list[Button], Field(min_length=1, max_length=LIMITS.buttons)]

    @model_validator(mode="after")
    def _unique(self) -> ButtonAction:
        problems = _Problems()
        for field in ("id", "title"):
            values = (getattr(b.reply, field) for b in self.buttons)
            for first, again, value in _duplicates(values):
                problems.add(
                    ("buttons", again, "reply", field),
                    f"duplicate_button_{field}",
                    f"button {again + 1} has the same {field} as button {first + 1} "
                    f"({value!r}); each button needs its own {field}",
                )
        problems.raise_any()
        return self


class Row(_Model):
    """A list row: ``Row("Billing", "Plans and payments")``; the id is made from the title."""

    id: RowId
    title: RowTitle
    description: RowDescription | None = None

    def __init__(
        self, title: str | None = None, description: str | None = None, /, **data: Any
    ) -> None:
        if title is not None:
            data["title"] = title
        if description is not None:
            data["description"] = description
        if "id" not in data and isinstance(data.get("title"), str):
            data["id"] = id_from_title(data["title"])
        super().__init__(**data)

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # see _Model


RowLike: TypeAlias = Row | str | tuple[str] | tuple[str, str | None]


def _row_spec(item: RowLike | dict[str, Any]) -> Row | dict[str, Any]:
    """A row from a title or a (title, description) tuple; `_fill_ids` gives it an id."""
    if isinstance(item, str):
        return {"id": None, "title": item}
    if isinstance(item, tuple):
        title, *rest = item
        spec: dict[str, Any] = {"id": None, "title": title}
        if rest and rest[0] is not None:
            spec["description"] = rest[0]
        return spec
    return item


def _fill_row_ids(rows: Sequence[Row | dict[str, Any]]) -> None:
    specs = [row for row in rows if isinstance(row, dict)]
    _fill_ids(specs, taken={row.id for row in rows if isinstance(row, Row)})


def _fill_ids(specs: Sequence[dict[str, Any]], *, taken: set[str]) -> None:
    """Give each spec without an id one made from its title: 'yes', then 'yes_2'.

    Ids the caller gave, and ids of ready-made Row and Button objects, stay as they are.
    """
    taken = taken | {spec["id"] for spec in specs if spec.get("id") is not None}
    for spec in specs:
        if spec.get("id") is None:
            title = spec.get("title")
            spec["id"] = unique_id(title if isinstance(title, str) else "", taken)
            taken.add(spec["id"])


def unique_id(title: str, taken: set[str]) -> str:
    """The id for a title that none of ``taken`` has: 'yes', else 'yes_2', 'yes_3', ..."""
    base = id_from_title(title)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}_{number}"
    return candidate


class Section(_Model):
    """A titled group of rows: ``Section("Help", ["Billing", ("Setup", "Webhooks, keys")])``."""

    title: SectionTitle | None = None
    rows: Annotated[list[Row], Field(min_length=1, max_length=LIMITS.rows)]

    def __init__(
        self,
        title: str | None = None,
        rows: Sequence[RowLike] | None = None,
        /,
        **data: Any,
    ) -> None:
        if title is not None:
            data["title"] = title
        if rows is not None:
            data["rows"] = rows
        if isinstance(data.get("rows"), list | tuple):
            data["rows"] = [_row_spec(row) for row in data["rows"]]
            _fill_row_ids(data["rows"])
        super().__init__(**data)

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # see _Model


class ListAction(_Model):
    button: MenuButton
    sections: Annotated[list[Section], Field(min_length=1, max_length=LIMITS.sections)]

    @model_validator(mode="after")
    def _across_sections(self) -> ListAction:
        problems = _Problems()
        rows = [(s, r) for s, section in enumerate(self.sections) for r in range(len(section.rows))]
        if len(rows) > LIMITS.rows:
            problems.add(
                ("sections",),
                "too_many_rows",
                f"the list has {len(rows)} rows in total; WhatsApp allows at most "
                f"{LIMITS.rows} across all sections",
            )
        ids = (self.sections[s].rows[r].id for s, r in rows)
        for first, again, value in _duplicates(ids):
            (s1, r1), (s2, r2) = rows[first], rows[again]
            problems.add(
                ("sections", s2, "rows", r2, "id"),
                "duplicate_row_id",
                f"row {r2 + 1} of section {s2 + 1} has the same id as row {r1 + 1} of "
                f"section {s1 + 1} ({value!r}); every row needs its own id, because the "
                "reply webhook returns only the id",
            )
        if len(self.sections) > 1:
            for index, section in enumerate(self.sections):
                if section.title is None:
                    problems.add(
                        ("sections", index, "title"),
                        "section_title_missing",
                        f"section {index + 1} needs a title: a list with "
                        f"{len(self.sections)} sections shows each section's title",
                    )
        problems.raise_any()
        return self


class ButtonInteractive(_Model):
    type: Literal["button"]
    header: ButtonHeader | None = None
    body: Annotated[Body, BeforeValidator(_wrap_text)]
    footer: Annotated[Footer | None, BeforeValidator(_wrap_text)] = None
    action: ButtonAction

    @model_validator(mode="after")
    def _body_limit(self) -> ButtonInteractive:
        # Only lists may opt in to 4096; a button body stays at 1024 whatever the context.
        if len(self.body.text) > LIMITS.body:
            raise PydanticCustomError(
                "cross_field",
                "body text is {length} characters; WhatsApp allows at most {limit} in a "
                "button message (the 4096 opt-in is for lists only)",
                {
                    "length": len(self.body.text),
                    "limit": LIMITS.body,
                    "problems": ((("body", "text"), "text_too_long", None),),
                },
            )
        return self


class ListInteractive(_Model):
    type: Literal["list"]
    header: ListHeader | None = None
    body: Annotated[Body, BeforeValidator(_wrap_text)]
    footer: Annotated[Footer | None, BeforeValidator(_wrap_text)] = None
    action: ListAction


def _check_interactive_type(value: Any) -> Any:
    kind = value.get("type") if isinstance(value, dict) else None
    if isinstance(value, dict) and kind not in ("button", "list"):
        if kind in UNSUPPORTED_TYPES:
            raise PydanticCustomError(
                "unsupported_type",
                "interactive type {kind} is not supported yet; aisoule_widgets builds "
                "'button' and 'list' messages",
                {"kind": repr(kind)},
            )
        if kind is None:
            raise PydanticCustomError(
                "interactive_type_missing",
                "interactive needs a 'type': 'button' (reply buttons) or 'list' (a menu)",
            )
        raise PydanticCustomError(
            "interactive_type",
            "interactive type {kind} is unknown; use 'button' (reply buttons) or 'list' (a menu)",
            {"kind": repr(kind)},
        )
    return value


Interactive: TypeAlias = Annotated[
    ButtonInteractive | ListInteractive,
    Field(discriminator="type"),
    BeforeValidator(_check_interactive_type),
]


class Message(_Model):
    """One interactive message: exactly the JSON that ``POST /v1/messages`` receives.

    Validate what you have with ``Message.model_validate(payload)`` or ``Message.from_json``;
    build one with ``Message.reply_buttons(...)`` or ``Message.list_menu(...)``.
    """

    messaging_product: Literal["whatsapp"] | None = None
    recipient_type: Literal["individual"] | None = None
    to: Phone
    type: Literal["interactive"]
    interactive: Interactive

    @classmethod
    def from_json(cls, text: str | bytes, *, allow_long_list_body: bool = False) -> Message:
        """Load an exported payload; bad JSON or a bad message raises ValidationError."""
        return cls.model_validate_json(text, context=_context(allow_long_list_body))

    def to_payload(self) -> dict[str, Any]:
        """The dict the API receives: no null fields, keys in the order of AISoule's docs."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self, *, indent: int | None = 2) -> str:
        """`to_payload()` as JSON text, non-ASCII kept as is."""
        return json.dumps(self.to_payload(), indent=indent, ensure_ascii=False)

    def _repr_html_(self) -> str:
        """The phone preview, so a bare message in a notebook cell shows as on a phone."""
        from .preview import embed_preview  # here: models must not import Jinja2 on import

        return embed_preview(self)

    @classmethod
    def reply_buttons(
        cls,
        *,
        to: str | int,
        body: str,
        buttons: Sequence[Button | str | tuple[str, str]],
        header: str | TextHeader | ImageHeader | VideoHeader | DocumentHeader | None = None,
        footer: str | None = None,
    ) -> Message:
        """A message with 1-3 quick-reply buttons, each a title, a (title, id) or a Button."""
        made = _button_specs(buttons)
        interactive = {
            "type": "button",
            "header": header,
            "body": body,
            "footer": footer,
            "action": {"buttons": made},
        }
        return cls.model_validate({"to": to, "type": "interactive", "interactive": interactive})

    @classmethod
    def list_menu(
        cls,
        *,
        to: str | int,
        body: str,
        button: str,
        sections: Sequence[Section | tuple[str, Sequence[RowLike]]] | None = None,
        rows: Sequence[RowLike] | None = None,
        header: str | TextHeader | None = None,
        footer: str | None = None,
        allow_long_list_body: bool = False,
    ) -> Message:
        """A list menu: ``button`` opens a sheet of ``sections`` (or one untitled ``rows``)."""
        if (sections is None) == (rows is None):
            raise TypeError("list_menu() takes either sections= or rows=, not both or neither")
        given = [(None, rows)] if rows is not None else sections or ()
        made = [_section_spec(item) for item in given]
        _fill_row_ids([row for spec in made for row in _rows_of(spec)])
        interactive = {
            "type": "list",
            "header": header,
            "body": body,
            "footer": footer,
            "action": {"button": button, "sections": made},
        }
        return cls.model_validate(
            {"to": to, "type": "interactive", "interactive": interactive},
            context=_context(allow_long_list_body),
        )


def _context(allow_long_list_body: bool) -> dict[str, Any] | None:
    return {LONG_LIST_BODY: True} if allow_long_list_body else None


def _button_specs(
    items: Sequence[Button | str | tuple[str, str]],
) -> list[Button | dict[str, Any]]:
    """Buttons from titles or (title, id) tuples, ids made from the titles and unique."""
    specs: list[Button | dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            specs.append({"type": "reply", "reply": {"id": None, "title": item}})
        elif isinstance(item, tuple):
            title, button_id = item
            specs.append({"type": "reply", "reply": {"id": button_id, "title": title}})
        else:
            specs.append(item)
    replies = [spec["reply"] for spec in specs if isinstance(spec, dict)]
    _fill_ids(replies, taken={spec.id for spec in specs if isinstance(spec, Button)})
    return specs


def _section_spec(
    item: Section | tuple[str | None, Sequence[RowLike]],
) -> Section | dict[str, Any]:
    if isinstance(item, Section):
        return item
    title, rows = item
    spec: dict[str, Any] = {"rows": [_row_spec(row) for row in rows]}
    if title is not None:
        spec["title"] = title
    return spec


def _rows_of(section: Section | dict[str, Any]) -> list[Row | dict[str, Any]]:
    return list(section.rows) if isinstance(section, Section) else section["rows"]


# --- errors a person understands ----------------------------------------------------------

_KNOWN_KEYS = sorted(
    {
        name
        for model in (
            Message,
            ButtonInteractive,
            ListInteractive,
            TextHeader,
            ImageHeader,
            VideoHeader,
            DocumentHeader,
            DocumentMedia,
            Body,
            Footer,
            ButtonAction,
            Button,
            Reply,
            ListAction,
            Section,
            Row,
        )
        for name in model.model_fields
    }
)

# What a field is called in messages, by the end of its path ('*' is any index).
_FIELD_NAMES = {
    ("to",): "recipient number ('to')",
    ("type",): "type",
    ("interactive",): "interactive",
    ("header",): "header",
    ("header", "text"): "header text",
    ("body",): "body",
    ("body", "text"): "body text",
    ("footer", "text"): "footer text",
    ("action",): "action",
    ("buttons",): "buttons",
    ("buttons", "*"): "button",
    ("buttons", "*", "reply"): "button reply",
    ("reply", "id"): "button id",
    ("reply", "title"): "button title",
    ("button",): "menu button label",
    ("sections",): "sections",
    ("sections", "*"): "section",
    ("sections", "*", "title"): "section title",
    ("rows",): "rows",
    ("rows", "*"): "row",
    ("rows", "*", "id"): "row id",
    ("rows", "*", "title"): "row title",
    ("rows", "*", "description"): "row description",
    ("link",): "media link",
    ("id",): "media id",
    ("filename",): "document filename",
}


def field_name(loc: Sequence[str | int]) -> str:
    """What a person calls the field at a JSON path, e.g. 'menu button label'."""
    shape = tuple("*" if isinstance(part, int) else part for part in loc)
    for size in (3, 2, 1):
        name = _FIELD_NAMES.get(shape[-size:])
        if name:
            return name
    return str(loc[-1]) if loc else "message"


_LIMIT_OF = {
    "header text": LIMITS.header_text,
    "footer text": LIMITS.footer,
    "button title": LIMITS.button_title,
    "button id": LIMITS.button_id,
    "menu button label": LIMITS.menu_button,
    "section title": LIMITS.section_title,
    "row title": LIMITS.row_title,
    "row id": LIMITS.row_id,
    "row description": LIMITS.row_description,
}
_JSON_TYPES = {
    "string_type": "text (a JSON string)",
    "list_type": "a list",
    "model_type": "an object",
}
_KEY_HINTS = {"caption": "headers have no caption; put the text in the body"}


def _friendly(error: Any, loc: tuple[str | int, ...]) -> str:
    kind, message = error["type"], error["msg"]
    what = field_name(loc)
    if kind == "missing":
        return f"{what} is required"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = _KEY_HINTS.get(key)
        if hint is None:
            close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "remove it"
        return f"unknown key {key!r}: {hint}"
    if kind in _JSON_TYPES or kind.startswith("model_attributes") or kind == "dict_type":
        expected = _JSON_TYPES.get(kind, "an object")
        return f"{what} must be {expected}, not {type(error['input']).__name__}"
    if kind == "literal_error":
        return f"{what} must be {error['ctx']['expected']}"
    if kind in ("string_too_long", "string_too_short"):
        ctx = error.get("ctx") or {}
        limit = ctx.get("limit") or ctx.get("max_length") or _LIMIT_OF.get(what, "its limit of")
        if kind == "string_too_short":
            return f"{what} is empty; it needs 1 to {limit} characters"
        return f"{what} is {len(error['input'])} characters; WhatsApp allows at most {limit}"
    if kind == "string_pattern_mismatch":
        return (
            f"{what} {error['input']!r} has whitespace at its start or end; remove it "
            "(the reply webhook returns the id exactly)"
        )
    if kind in ("too_short", "too_long"):
        return _count_message(loc, error)
    return str(message)


# Where a list has a count rule: (who has it, what it counts, fewest, most).
_COUNTS = {
    "buttons": ("a button message", "buttons", 1, LIMITS.buttons),
    "sections": ("the list", "sections", 1, LIMITS.sections),
    "rows": ("a section", "rows", 1, LIMITS.rows),
}


def _count_message(loc: tuple[str | int, ...], error: Any) -> str:
    owner, unit, low, high = _COUNTS.get(str(loc[-1]) if loc else "", ("it", "items", 1, 0))
    count = len(error["input"]) if isinstance(error["input"], list | tuple) else 0
    if count == 0 and unit == "rows":
        return "section has no rows; add at least one or remove the section"
    return f"{owner} has {count} {unit}; WhatsApp allows {low} to {high}"


def _strip_union_tags(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """pydantic puts the tag of a discriminated union in the path; the wire has no such key."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] == "interactive" and parts[1] in ("button", "list"):
        kind = parts.pop(1)
        if (
            kind == "button"
            and len(parts) > 2
            and parts[1] == "header"
            and parts[2] in HEADER_KINDS
        ):
            parts.pop(2)
    return tuple(parts)


def _tidy(error: ValidationError) -> ValidationError:
    """The same errors with wire paths, one per field, in words a person understands."""
    details: list[Any] = []
    for item in error.errors(include_url=False):
        loc = _strip_union_tags(tuple(item["loc"]))
        problems = (item.get("ctx") or {}).get("problems")
        if problems:
            for at, kind, message in problems:
                text = message if message is not None else item["msg"]
                details.append(_detail(loc + tuple(at), kind, text, item["input"]))
        else:
            details.append(_detail(loc, item["type"], _friendly(item, loc), item["input"]))
    return ValidationError.from_exception_data(error.title, details)


def _detail(loc: tuple[str | int, ...], kind: str, message: str, value: Any) -> Any:
    # No ctx: the message is final, and a ctx would make pydantic substitute into it.
    return {"type": PydanticCustomError(kind, message), "loc": loc, "input": value}


# --- lint: valid, but worth telling ---------------------------------------------------------


class LintWarning(NamedTuple):
    """Something valid but risky, at a JSON path: ``lint(message)`` returns these."""

    path: str
    message: str


_MARKUP = re.compile(r"(?<!\w)([*_~`]).+?\1(?!\w)")
# A grapheme made of several code points: flags, skin tones, ZWJ sequences, keycaps.
_MULTI_CODE_POINT = re.compile(
    r"[\U0001F1E6-\U0001F1FF]{2}|.(?:[\U0001F3FB-\U0001F3FF\ufe0f\u20e3]|\u200d.)+"
)
_NEAR_LIMIT = 0.8


def _texts(message: Message) -> Iterator[tuple[str, str, str, int, bool]]:
    """(path, field name, text, limit, shown literally) for every text a person reads."""
    interactive = message.interactive
    header = interactive.header
    if isinstance(header, TextHeader):
        yield "interactive.header.text", "header text", header.text, LIMITS.header_text, True
    yield "interactive.body.text", "body text", interactive.body.text, LIMITS.body, False
    if interactive.footer is not None:
        text = interactive.footer.text
        yield "interactive.footer.text", "footer text", text, LIMITS.footer, True
    if isinstance(interactive, ButtonInteractive):
        for index, button in enumerate(interactive.action.buttons):
            path = f"interactive.action.buttons.{index}.reply.title"
            yield path, "button title", button.reply.title, LIMITS.button_title, True
        return
    label = interactive.action.button
    yield "interactive.action.button", "menu button label", label, LIMITS.menu_button, True
    for s, section in enumerate(interactive.action.sections):
        base = f"interactive.action.sections.{s}"
        if section.title is not None:
            yield f"{base}.title", "section title", section.title, LIMITS.section_title, True
        for r, row in enumerate(section.rows):
            yield f"{base}.rows.{r}.title", "row title", row.title, LIMITS.row_title, True
            if row.description is not None:
                text, limit = row.description, LIMITS.row_description
                yield f"{base}.rows.{r}.description", "row description", text, limit, False


def lint(message: Message) -> list[LintWarning]:
    """Warnings for a valid message: things WhatsApp accepts but shows differently than hoped."""
    warnings: list[LintWarning] = []
    for path, name, text, limit, literal in _texts(message):
        if text != text.strip():
            warnings.append(
                LintWarning(path, f"{name} has spaces at its start or end; WhatsApp trims them")
            )
        if literal and _MARKUP.search(text):
            warnings.append(
                LintWarning(
                    path, f"{name} has *bold*/_italic_ markup; WhatsApp shows it literally here"
                )
            )
        near_limit = len(text) >= _NEAR_LIMIT * limit and not text.isascii()
        clusters = _MULTI_CODE_POINT.findall(text) if near_limit else []
        if clusters:
            worst = max(clusters, key=len)
            warnings.append(
                LintWarning(
                    path,
                    f"{name} counts {len(text)} of {limit} characters; emoji such as {worst} "
                    f"count as {len(worst)} each",
                )
            )
    interactive = message.interactive
    if isinstance(interactive, ListInteractive):
        sections = interactive.action.sections
        if len(sections) == 1 and sections[0].title is None:
            warnings.append(
                LintWarning(
                    "interactive.action.sections.0.title",
                    "the only section has no title; some WhatsApp versions reject that, so add one",
                )
            )
        titles = [
            (s, r, row.title) for s, sec in enumerate(sections) for r, row in enumerate(sec.rows)
        ]
        for _first, again, title in _duplicates(t for _, _, t in titles):
            s, r, _ = titles[again]
            warnings.append(
                LintWarning(
                    f"interactive.action.sections.{s}.rows.{r}.title",
                    f"two rows are titled {title!r}; the customer cannot tell them apart",
                )
            )
        if len(interactive.body.text) > LIMITS.body:
            warnings.append(
                LintWarning(
                    "interactive.body.text",
                    f"body text is {len(interactive.body.text)} characters: allowed by the "
                    f"4096 opt-in, but many WhatsApp versions reject more than {LIMITS.body}",
                )
            )
    return warnings
