"""Any sequence of clicks and typing: nothing raises, and the controls always show the draft."""

from __future__ import annotations

import html
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisoule_widgets import LIMITS, Message, MessageBuilder
from aisoule_widgets.builder import _owner, _split_path

# Titles that are sometimes valid, sometimes too long, empty, repeated or non-ASCII.
texts = st.one_of(
    st.sampled_from(["Yes", "No", "Yes", "", "  padded ", "ç" * 21, "Billing & Invoices"]),
    st.text(max_size=30),
)
index = st.integers(min_value=0, max_value=11)
actions = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(["button", "list"])),
    st.tuples(st.just("add_button")),
    st.tuples(st.just("add_section")),
    st.tuples(st.sampled_from(["button_title", "button_id"]), index, texts),
    st.tuples(st.sampled_from(["button_up", "button_down", "button_remove"]), index),
    st.tuples(st.just("add_row"), index),
    st.tuples(st.sampled_from(["section_title"]), index, texts),
    st.tuples(st.sampled_from(["section_up", "section_remove"]), index),
    st.tuples(st.sampled_from(["row_title", "row_id", "row_description"]), index, index, texts),
    st.tuples(st.sampled_from(["row_up", "row_down", "row_remove"]), index, index),
    st.tuples(st.just("body"), texts),
)


def perform(builder: MessageBuilder, action: tuple[Any, ...]) -> None:
    """Do what a user would do in the page; an action on a missing item does nothing."""
    name, *args = action
    buttons, sections = builder._button_editors, builder._section_editors
    if name == "type":
        builder._type.value = args[0]
    elif name == "add_button":
        builder._add_button.click()
    elif name == "add_section":
        builder._add_section.click()
    elif name == "body":
        builder._body.control.value = args[0]
    elif name.startswith("button_") and args[0] < len(buttons):
        editor = buttons[args[0]]
        part = name.removeprefix("button_")
        if part in ("title", "id"):
            getattr(editor, part).control.value = args[1]
        else:
            getattr(editor, part).click()
    elif name.startswith("section_") and args[0] < len(sections):
        section = sections[args[0]]
        if name == "section_title":
            section.title.control.value = args[1]
        else:
            getattr(section, name.removeprefix("section_")).click()
    elif name == "add_row" and args[0] < len(sections):
        sections[args[0]].add_row.click()
    elif name.startswith("row_") and args[0] < len(sections):
        rows = sections[args[0]].rows
        if args[1] < len(rows):
            part = name.removeprefix("row_")
            if part in ("title", "id", "description"):
                getattr(rows[args[1]], part).control.value = args[2]
            else:
                getattr(rows[args[1]], part).click()


def check(builder: MessageBuilder) -> None:
    draft = builder._draft
    assert [(e.title.control.value, e.id.control.value) for e in builder._button_editors] == [
        (b.title, b.id) for b in draft.buttons
    ]
    assert [s.title.control.value for s in builder._section_editors] == [
        s.title for s in draft.sections
    ]
    for editor, section in zip(builder._section_editors, draft.sections, strict=True):
        assert [
            (r.title.control.value, r.id.control.value, r.description.control.value)  # type: ignore[union-attr]
            for r in editor.rows
        ] == [(r.title, r.id, r.description) for r in section.rows]
    assert len(draft.buttons) <= LIMITS.buttons
    assert draft.row_count() <= LIMITS.rows

    if builder.errors:
        assert builder.message is None
    else:
        assert builder.message == Message.model_validate(builder.payload)
    lines = dict(builder._problem_lines())
    for error in builder.errors:
        owner = _owner(_split_path(error.path))
        shown = lines[owner].value if owner is not None else builder._summary.value
        assert html.escape(error.message, quote=False) in shown
    assert builder._notice.value == "" or "something went wrong" not in builder._notice.value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(actions, max_size=25))
def test_any_sequence_of_edits_keeps_controls_and_draft_in_step(
    steps: list[tuple[Any, ...]],
) -> None:
    builder = MessageBuilder()
    builder.edit(to="918856879188", body="Pick one")
    try:
        for action in steps:
            perform(builder, action)
            check(builder)
    finally:
        builder.close()
