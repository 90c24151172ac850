"""Validation over generated payloads: within the limits round-trips, past a limit fails."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from aisoule_widgets import LIMITS, Message
from tests.conftest import PAYLOAD_FILES, load_payload

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text(high: int, *, low: int = 1) -> st.SearchStrategy[str]:
    """Any text of low..high characters, emoji and right-to-left scripts included."""
    return st.text(min_size=low, max_size=high)


def an_id(high: int) -> st.SearchStrategy[str]:
    return text(high).filter(lambda s: s == s.strip())


phones = st.from_regex(r"[1-9][0-9]{7,14}", fullmatch=True)
footers = st.none() | text(LIMITS.footer).map(lambda t: {"text": t})


@st.composite
def button_payloads(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, LIMITS.buttons))
    ids = draw(st.lists(an_id(LIMITS.button_id), min_size=count, max_size=count, unique=True))
    titles = draw(st.lists(text(LIMITS.button_title), min_size=count, max_size=count, unique=True))
    header = draw(
        st.none()
        | text(LIMITS.header_text).map(lambda t: {"type": "text", "text": t})
        | st.sampled_from(["image", "video"]).map(
            lambda kind: {"type": kind, kind: {"link": "https://example.com/a"}}
        )
        | st.just({"type": "document", "document": {"id": "123", "filename": "a.pdf"}})
    )
    interactive: dict[str, Any] = {"type": "button"}
    if header is not None:
        interactive["header"] = header
    interactive["body"] = {"text": draw(text(LIMITS.body))}
    footer = draw(footers)
    if footer is not None:
        interactive["footer"] = footer
    interactive["action"] = {
        "buttons": [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, titles, strict=True)
        ]
    }
    return {"to": draw(phones), "type": "interactive", "interactive": interactive}


@st.composite
def list_payloads(draw: st.DrawFn) -> dict[str, Any]:
    total = draw(st.integers(1, LIMITS.rows))
    sizes = draw(st.lists(st.integers(1, total), min_size=1, max_size=total))
    # Cut `total` rows into sections of at least one row each.
    sections_rows: list[int] = []
    left = total
    for size in sizes:
        if left == 0:
            break
        take = min(size, left)
        sections_rows.append(take)
        left -= take
    if left:
        sections_rows.append(left)
    ids = iter(draw(st.lists(an_id(LIMITS.row_id), min_size=total, max_size=total, unique=True)))
    sections = []
    for rows in sections_rows:
        section: dict[str, Any] = {}
        if len(sections_rows) > 1 or draw(st.booleans()):
            section["title"] = draw(text(LIMITS.section_title))
        section["rows"] = []
        for _ in range(rows):
            row = {"id": next(ids), "title": draw(text(LIMITS.row_title))}
            description = draw(st.none() | text(LIMITS.row_description))
            if description is not None:
                row["description"] = description
            section["rows"].append(row)
        sections.append(section)
    interactive: dict[str, Any] = {"type": "list"}
    if draw(st.booleans()):
        interactive["header"] = {"type": "text", "text": draw(text(LIMITS.header_text))}
    interactive["body"] = {"text": draw(text(LIMITS.body))}
    footer = draw(footers)
    if footer is not None:
        interactive["footer"] = footer
    interactive["action"] = {"button": draw(text(LIMITS.menu_button)), "sections": sections}
    return {"to": draw(phones), "type": "interactive", "interactive": interactive}


@PROFILE
@given(button_payloads() | list_payloads())
def test_any_payload_within_the_limits_validates_and_round_trips(payload: dict[str, Any]) -> None:
    message = Message.model_validate(payload)

    assert message.to_payload() == payload
    assert Message.from_json(message.to_json()).to_payload() == payload


# (base payload, path to a text field, its limit)
TEXT_FIELDS = [
    ("aisoule_buttons", "interactive.header.text", LIMITS.header_text),
    ("aisoule_buttons", "interactive.body.text", LIMITS.body),
    ("meta_list_two_sections", "interactive.footer.text", LIMITS.footer),
    ("aisoule_buttons", "interactive.action.buttons.0.reply.title", LIMITS.button_title),
    ("aisoule_buttons", "interactive.action.buttons.1.reply.id", LIMITS.button_id),
    ("aisoule_list", "interactive.action.button", LIMITS.menu_button),
    ("meta_list_two_sections", "interactive.action.sections.1.title", LIMITS.section_title),
    ("aisoule_list", "interactive.action.sections.0.rows.1.title", LIMITS.row_title),
    ("aisoule_list", "interactive.action.sections.0.rows.2.id", LIMITS.row_id),
    ("aisoule_list", "interactive.action.sections.0.rows.0.description", LIMITS.row_description),
]


def _put(payload: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = payload
    for part in parents:
        target = target[part]
    target[last] = value


@pytest.mark.parametrize(("base", "path", "limit"), TEXT_FIELDS, ids=[f[1] for f in TEXT_FIELDS])
@PROFILE
@given(data=st.data())
def test_any_string_past_a_limit_is_rejected_at_its_path(
    base: str, path: str, limit: int, data: st.DataObject
) -> None:
    # Framed by letters so that only its length is wrong (ids also reject outer spaces).
    too_long = data.draw(
        st.text(min_size=limit + 1, max_size=limit + 40).map(lambda s: f"a{s[1:-1]}z"),
        label="text",
    )
    payload = load_payload(base)
    _put(payload, path, too_long)

    with pytest.raises(ValidationError) as caught:
        Message.model_validate(payload)

    errors = {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}
    assert f"is {len(too_long)} characters" in errors[path]
    assert f"at most {limit}" in errors[path]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)


@st.composite
def mangled_payloads(draw: st.DrawFn) -> Any:
    """A real payload with one value somewhere replaced by arbitrary JSON."""
    payload = copy.deepcopy(json.loads(draw(st.sampled_from(PAYLOAD_FILES)).read_text("utf-8")))
    target: Any = payload
    while isinstance(target, dict | list) and target and draw(st.booleans()):
        key = draw(
            st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
        )
        if not isinstance(target[key], dict | list) or not draw(st.booleans()):
            target[key] = draw(json_values)
            return payload
        target = target[key]
    return payload


@PROFILE
@given(json_values | mangled_payloads())
def test_no_input_makes_validation_raise_anything_but_validation_error(value: Any) -> None:
    try:
        message = Message.model_validate(value)
    except ValidationError as error:
        for item in error.errors():
            assert item["msg"], item
    else:
        assert message.to_payload()["type"] == "interactive"


@PROFILE
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_no_text_makes_from_json_raise_anything_but_validation_error(text: str | bytes) -> None:
    with pytest.raises(ValidationError):
        Message.from_json(text)
