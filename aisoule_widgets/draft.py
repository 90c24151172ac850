"""The builder's draft: everything typed, in both modes, and the payload it makes.

The draft is the builder's source of truth; its controls are views of it. It keeps what
was typed for buttons while the user works on a list (and back), and its `payload()` is a
payload-shaped dict that may not validate yet: the preview and the errors both read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .models import MEDIA_KINDS, Message, unique_id

__all__ = ["ChoiceDraft", "Draft", "SectionDraft", "check_index", "fresh_title", "move_item"]


@dataclass
class ChoiceDraft:
    """A reply button or a list row. The id follows the title until someone types one."""

    title: str
    id: str = ""
    description: str = ""  # rows only
    id_typed: bool = False


@dataclass
class SectionDraft:
    title: str
    rows: list[ChoiceDraft]


@dataclass
class Draft:
    kind: str = "button"
    to: str = ""
    header_kind: str = "none"
    header_text: str = ""
    media_source: str = "link"
    media: dict[str, str] = field(default_factory=lambda: {"link": "", "id": ""})
    filename: str = ""
    body: str = ""
    footer: str = ""
    buttons: list[ChoiceDraft] = field(
        default_factory=lambda: [ChoiceDraft("Yes", "yes"), ChoiceDraft("No", "no")]
    )
    menu_button: str = "Options"
    sections: list[SectionDraft] = field(
        default_factory=lambda: [SectionDraft("Options", [ChoiceDraft("Option 1", "option_1")])]
    )
    # messaging_product / recipient_type of an imported message, kept for the round trip.
    envelope: dict[str, str] = field(default_factory=dict)

    def rows(self) -> Iterator[ChoiceDraft]:
        for section in self.sections:
            yield from section.rows

    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)

    def fill_ids(self) -> None:
        """Ids nobody typed follow their titles, suffixed when two would collide."""
        fill_ids(self.buttons)
        fill_ids(list(self.rows()))

    def payload(self) -> dict[str, Any]:
        """The draft as the payload dict the API takes (it may not validate)."""
        out: dict[str, Any] = dict(self.envelope)
        if self.to.strip():
            out["to"] = self.to
        out["type"] = "interactive"
        interactive: dict[str, Any] = {"type": self.kind}
        if self.header_kind == "text":
            interactive["header"] = {"type": "text", "text": self.header_text}
        elif self.header_kind in MEDIA_KINDS:
            media = {self.media_source: self.media[self.media_source]}
            if self.header_kind == "document" and self.filename:
                media["filename"] = self.filename
            interactive["header"] = {"type": self.header_kind, self.header_kind: media}
        interactive["body"] = {"text": self.body}
        if self.footer:
            interactive["footer"] = {"text": self.footer}
        if self.kind == "button":
            interactive["action"] = {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in self.buttons
                ]
            }
        else:
            interactive["action"] = {
                "button": self.menu_button,
                "sections": [_section_payload(section) for section in self.sections],
            }
        out["interactive"] = interactive
        return out

    def load(self, message: Message) -> None:
        """Take a valid message: its kind's content and the shared fields are replaced."""
        payload = message.to_payload()
        interactive = payload["interactive"]
        self.envelope = {
            key: payload[key] for key in ("messaging_product", "recipient_type") if key in payload
        }
        self.kind = interactive["type"]
        self.to = payload["to"]
        header = interactive.get("header")
        self.header_kind = "none" if header is None else header["type"]
        if header is not None and header["type"] == "text":
            self.header_text = header["text"]
        elif header is not None:
            media = header[header["type"]]
            self.media_source = "link" if "link" in media else "id"
            self.media[self.media_source] = media[self.media_source]
            self.filename = media.get("filename", "")
        self.body = interactive["body"]["text"]
        self.footer = interactive.get("footer", {}).get("text", "")
        action = interactive["action"]
        if self.kind == "button":
            self.buttons = [
                ChoiceDraft(b["reply"]["title"], b["reply"]["id"], id_typed=True)
                for b in action["buttons"]
            ]
        else:
            self.menu_button = action["button"]
            self.sections = [
                SectionDraft(
                    s.get("title", ""),
                    [
                        ChoiceDraft(r["title"], r["id"], r.get("description", ""), id_typed=True)
                        for r in s["rows"]
                    ],
                )
                for s in action["sections"]
            ]


def _section_payload(section: SectionDraft) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if section.title:
        out["title"] = section.title
    rows = []
    for row in section.rows:
        item = {"id": row.id, "title": row.title}
        if row.description:
            item["description"] = row.description
        rows.append(item)
    out["rows"] = rows
    return out


def fill_ids(choices: list[ChoiceDraft]) -> None:
    """Ids nobody typed follow their titles, unique among the choices; no title, no id."""
    taken = {choice.id for choice in choices if choice.id_typed}
    for choice in choices:
        if not choice.id_typed:
            # An empty id with an empty title: the field shows the problem, not a made-up id.
            choice.id = unique_id(choice.title, taken) if choice.title.strip() else ""
            taken.add(choice.id)


def fresh_title(stem: str, existing: Iterator[str]) -> str:
    used = set(existing)
    number = 1
    while f"{stem} {number}" in used:
        number += 1
    return f"{stem} {number}"


def move_item(items: list[Any], index: int, offset: int, what: str) -> None:
    check_index(items, index, what)
    target = index + offset
    if not 0 <= target < len(items):
        where = "first" if target < 0 else "last"
        raise ValueError(
            f"{what} {index + 1} cannot move {offset:+d}: {what} {index + 1} of {len(items)} "
            f"would pass the {where} place"
        )
    items.insert(target, items.pop(index))


def check_index(items: list[Any], index: int, what: str) -> None:
    if not 0 <= index < len(items):
        raise IndexError(
            f"there is no {what} {index} (indexes start at 0; there are {len(items)} {what}s)"
        )
