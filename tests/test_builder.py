"""The builder's editor, driven through its controls as a user would: set values, click."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import pytest
from pydantic import ValidationError

import aisoule_widgets.builder as builder_module
from aisoule_widgets import LIMITS, Message, MessageBuilder
from tests.conftest import load_payload

RECIPIENT = "918856879188"


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def classes_in(builder: MessageBuilder) -> set[str]:
    return {css for widget in walk(builder._root) for css in widget._dom_classes}


def ready_buttons() -> MessageBuilder:
    """A builder with the two default buttons, a recipient and a body: valid."""
    builder = MessageBuilder()
    builder._to.control.value = RECIPIENT
    builder._body.control.value = "Choose a plan"
    return builder


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every payload the builder sends to the preview, in order."""
    seen: list[dict[str, Any]] = []
    real = builder_module.embed_preview

    def counting(payload: dict[str, Any], **kwargs: Any) -> str:
        seen.append(payload)
        return real(payload, **kwargs)

    monkeypatch.setattr(builder_module, "embed_preview", counting)
    return seen


# --- a first look --------------------------------------------------------------------------------


def test_a_new_builder_says_what_to_fill_in_beside_the_fields() -> None:
    builder = MessageBuilder()

    assert builder.message is None
    assert [e.path for e in builder.errors] == ["to", "interactive.body.text"]
    assert "recipient number ('to') is required" in builder._to_problems.value
    assert "body text is empty" in builder._body_problems.value
    assert "2 problems to fix" in builder._summary.value
    assert builder._preview.value.startswith("<iframe")  # the draft is previewed anyway


def test_typing_recipient_and_body_makes_a_valid_message_and_updates_the_preview() -> None:
    builder = MessageBuilder()
    before = builder._preview.value

    builder._to.control.value = "+91 88568 79188"
    builder._body.control.value = "Hi *there*"

    assert builder.message == Message.reply_buttons(
        to=RECIPIENT, body="Hi *there*", buttons=[("Yes", "yes"), ("No", "no")]
    )
    assert builder.errors == ()
    assert builder._preview.value != before
    assert "Hi" in builder._preview.value
    assert builder._to_problems.value == builder._body_problems.value == ""
    assert "Valid: ready to export and send" in builder._summary.value


def test_the_css_classes_are_exactly_the_documented_ones() -> None:
    documented = set(re.findall(r"``(aisoule-[a-z-]+)``", builder_module.__doc__ or ""))
    builder = MessageBuilder()
    builder.set_type("list")  # list editors exist once the list has sections

    assert len(documented) > 40
    assert documented == classes_in(builder)


def test_the_builder_displays_as_one_widget_and_keeps_its_controls_private() -> None:
    builder = MessageBuilder()
    bundle = builder._repr_mimebundle_()

    assert bundle is not None
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == builder._root.model_id
    assert bundle["text/plain"] == "<MessageBuilder buttons, 2 problem(s)>"
    public = {name for name in dir(builder) if not name.startswith("_")}
    assert not any(isinstance(getattr(builder, name), widgets.Widget) for name in public)


# --- counters and errors -------------------------------------------------------------------------


def test_counters_count_characters_and_turn_red_past_the_limit() -> None:
    builder = ready_buttons()
    title = builder._button_editors[0].title

    title.control.value = "x" * 17
    assert ">17/20<" in title.counter.value
    assert "#c62828" not in title.counter.value

    title.control.value = "ç" * 21  # characters, not bytes
    assert ">21/20<" in title.counter.value
    assert "#c62828" in title.counter.value
    assert "button title is 21 characters" in builder._button_editors[0].problems.value
    assert ">13/1024<" in builder._body.counter.value


def test_an_invalid_draft_keeps_everything_that_was_typed() -> None:
    builder = ready_buttons()
    builder._footer.control.value = "f" * 61

    assert builder.message is None
    assert builder.payload["interactive"]["footer"] == {"text": "f" * 61}
    assert builder._footer.control.value == "f" * 61
    assert "footer text is 61 characters" in builder._footer_problems.value
    assert builder._preview.value  # still rendered

    builder._footer.control.value = "f" * 60
    assert builder.message is not None
    assert builder._footer_problems.value == ""


def test_errors_without_a_field_go_to_the_summary() -> None:
    builder = ready_buttons()
    builder.set_type("list")
    builder._section_editors[0].remove.click()  # the list's only section

    assert builder.errors[0].path == "interactive.action.sections"
    assert "the list has 0 sections" in builder._summary.value


def test_lint_warnings_show_beside_their_field_in_a_milder_colour() -> None:
    builder = ready_buttons()
    builder._header_kind.value = "text"
    builder._header.control.value = "*Bold* header"

    assert builder.message is not None
    assert builder.warnings[0].path == "interactive.header.text"
    assert "aisoule-warning" in builder._header_problems.value
    assert "markup" in builder._header_problems.value
    assert "1 warning" in builder._summary.value


# --- reply buttons -------------------------------------------------------------------------------


def test_a_button_id_follows_its_title_until_the_user_types_one(
    renders: list[dict[str, Any]],
) -> None:
    builder = ready_buttons()
    first = builder._button_editors[0]
    renders.clear()

    first.title.control.value = "Growth Plan"
    assert first.id.control.value == "growth_plan"
    assert len(renders) == 1  # the id filling in is part of the same edit

    first.id.control.value = "btn_growth"
    first.title.control.value = "Growth"
    assert first.id.control.value == "btn_growth"
    assert builder.message is not None
    assert builder.message.interactive.action.buttons[0].reply.id == "btn_growth"
    assert len(renders) == 3


def test_generated_ids_never_collide() -> None:
    builder = ready_buttons()
    builder._add_button.click()
    for editor in builder._button_editors:
        editor.title.control.value = "Yes!"

    assert [e.id.control.value for e in builder._button_editors] == ["yes", "yes_2", "yes_3"]
    assert "same title as button 1" in builder._button_editors[1].problems.value


def test_add_button_is_disabled_at_three_and_says_why() -> None:
    builder = ready_buttons()
    builder._add_button.click()

    assert len(builder._button_editors) == 3
    assert builder._add_button.disabled
    assert "at most 3 buttons" in builder._add_button.tooltip

    builder._add_button.click()  # a click that reaches the kernel anyway is refused
    assert len(builder.payload["interactive"]["action"]["buttons"]) == 3
    assert "at most 3 buttons" in builder._notice.value
    with pytest.raises(ValueError, match="at most 3 buttons; remove one first"):
        builder.add_button("Fourth")


def test_buttons_move_and_remove() -> None:
    builder = ready_buttons()
    builder._add_button.click()
    titles = ["A", "B", "C"]
    for editor, title in zip(builder._button_editors, titles, strict=True):
        editor.title.control.value = title

    assert builder._button_editors[0].up.disabled
    assert builder._button_editors[2].down.disabled
    builder._button_editors[2].up.click()
    assert [e.title.control.value for e in builder._button_editors] == ["A", "C", "B"]
    builder._button_editors[0].down.click()
    assert [e.title.control.value for e in builder._button_editors] == ["C", "A", "B"]
    builder._button_editors[1].remove.click()
    assert [e.title.control.value for e in builder._button_editors] == ["C", "B"]
    assert [b.reply.id for b in builder.message.interactive.action.buttons] == ["c", "b"]
    assert not builder._add_button.disabled


def test_removing_every_button_is_an_error_not_a_crash() -> None:
    builder = ready_buttons()
    builder._button_editors[1].remove.click()
    builder._button_editors[0].remove.click()

    assert builder._button_editors == []
    assert "has 0 buttons" in builder._buttons_problems.value
    assert builder.message is None


# --- lists ---------------------------------------------------------------------------------------


def test_a_list_is_built_with_sections_and_rows() -> None:
    builder = ready_buttons()
    builder._type.value = "list"
    builder._menu_button.control.value = "Select Topic"
    section = builder._section_editors[0]
    section.title.control.value = "Help Categories"
    section.rows[0].title.control.value = "Billing & Invoices"
    section.rows[0].description.control.value = "Queries related to plans and payments"
    section.add_row.click()
    builder._section_editors[0].rows[1].title.control.value = "Technical Setup"

    assert builder.message is not None
    action = builder.message.to_payload()["interactive"]["action"]
    assert action == {
        "button": "Select Topic",
        "sections": [
            {
                "title": "Help Categories",
                "rows": [
                    {
                        "id": "billing_invoices",
                        "title": "Billing & Invoices",
                        "description": "Queries related to plans and payments",
                    },
                    {"id": "technical_setup", "title": "Technical Setup"},
                ],
            }
        ],
    }
    assert builder._buttons_panel.layout.display == "none"
    assert builder._list_panel.layout.display == ""


def test_an_eleventh_row_is_refused_with_the_reason() -> None:
    builder = ready_buttons()
    builder.set_type("list")
    builder._add_section.click()
    for _ in range(8):
        builder._section_editors[1].add_row.click()

    assert sum(len(s.rows) for s in builder._section_editors) == LIMITS.rows
    for section in builder._section_editors:
        assert section.add_row.disabled
        assert "already has 10 rows" in section.add_row.tooltip
    assert builder._add_section.disabled
    builder._section_editors[0].add_row.click()
    assert "already has 10 rows" in builder._notice.value
    assert builder.payload["interactive"]["action"]["sections"][0]["rows"][-1]["title"] == (
        "Option 1"
    )
    with pytest.raises(ValueError, match="already has 10 rows"):
        builder.add_row("Eleventh")
    assert builder.message is not None


def test_duplicate_row_ids_are_shown_on_the_second_row() -> None:
    builder = ready_buttons()
    builder.set_type("list")
    builder._section_editors[0].add_row.click()
    rows = builder._section_editors[0].rows
    rows[0].id.control.value = "same"
    rows[1].id.control.value = "same"

    assert rows[0].problems.value == ""
    assert "same id as row 1 of section 1" in rows[1].problems.value
    assert "Section 1, row 2:" in builder._summary.value


def test_sections_and_rows_move_and_remove() -> None:
    builder = ready_buttons()
    builder.set_type("list")
    builder.edit_section(0, title="First")
    builder.add_section("Second")
    builder.add_row("Late", section=1)

    builder._section_editors[1].up.click()
    assert [s.title.control.value for s in builder._section_editors] == ["Second", "First"]
    assert [len(s.rows) for s in builder._section_editors] == [2, 1]
    builder._section_editors[0].rows[1].up.click()
    assert builder._section_editors[0].rows[0].title.control.value == "Late"
    builder._section_editors[0].rows[0].remove.click()
    builder._section_editors[1].remove.click()
    assert [s.title for s in builder.message.interactive.action.sections] == ["Second"]


def test_two_sections_need_titles() -> None:
    builder = ready_buttons()
    builder.set_type("list")
    builder.add_section("")

    assert "section 2 needs a title" in builder._section_editors[1].problems.value


# --- switching and headers -----------------------------------------------------------------------


def test_switching_type_keeps_each_mode_and_the_shared_fields() -> None:
    builder = ready_buttons()
    builder._footer.control.value = "Thanks"
    builder._button_editors[0].title.control.value = "Growth"
    builder._type.value = "list"
    builder._menu_button.control.value = "Pick"
    builder._section_editors[0].rows[0].title.control.value = "Billing"
    builder._type.value = "button"

    assert builder._button_editors[0].title.control.value == "Growth"
    assert builder.message is not None
    assert builder.message.interactive.footer.text == "Thanks"
    builder._type.value = "list"
    assert builder._menu_button.control.value == "Pick"
    assert builder.message.interactive.action.sections[0].rows[0].title == "Billing"
    assert builder.message.to == RECIPIENT
    assert builder.message.interactive.body.text == "Choose a plan"


def test_media_headers_from_a_link_or_an_id() -> None:
    builder = ready_buttons()
    builder._header_kind.value = "document"
    assert builder._media_box.layout.display == ""
    assert builder._header_text_row.layout.display == "none"
    builder._media.value = "https://example.com/menu.pdf"
    builder._filename.value = "menu.pdf"

    header = builder.message.to_payload()["interactive"]["header"]
    assert header == {
        "type": "document",
        "document": {"link": "https://example.com/menu.pdf", "filename": "menu.pdf"},
    }
    builder._media_source.value = "id"
    assert builder._media.value == ""  # the id has its own value; the link is kept
    assert "media id is empty" in builder._header_problems.value
    builder._media.value = "2762702990552401"
    builder._media_source.value = "link"
    assert builder._media.value == "https://example.com/menu.pdf"

    builder._header_kind.value = "text"
    builder._header.control.value = "t" * 61
    assert "header text is 61 characters" in builder._header_problems.value
    assert ">61/60<" in builder._header.counter.value


def test_a_list_offers_only_text_headers_and_keeps_a_media_one_from_buttons_mode() -> None:
    builder = ready_buttons()
    builder.set_header("image", link="https://example.com/a.png")
    builder._type.value = "list"

    assert [value for _, value in builder._header_kind.options] == ["none", "text", "image"]
    assert builder._header_kind.value == "image"
    assert "media headers are only for button messages" in builder._header_problems.value
    builder._header_kind.value = "text"
    builder._header.control.value = "Support Hub"
    assert [value for _, value in builder._header_kind.options] == ["none", "text"]
    assert builder.message is not None


# --- the Python surface --------------------------------------------------------------------------


def test_methods_script_what_the_controls_do() -> None:
    builder = MessageBuilder()
    builder.edit(to=RECIPIENT, body="Choose a subscription model to get started:")
    builder.set_header("text", text="Select your plan")
    builder.edit_button(0, title="Growth Plan", id="btn_growth")
    builder.edit_button(1, title="Scale Plan", id="btn_scale")

    assert builder.message.to_payload() == load_payload("aisoule_buttons")
    assert builder._button_editors[1].title.control.value == "Scale Plan"  # controls follow


def test_a_script_builds_the_aisoule_list_example() -> None:
    builder = MessageBuilder()
    builder.set_type("list")
    builder.edit(
        to=RECIPIENT,
        body="How can we assist you today? Please choose an option from the menu.",
        menu_button="Select Topic",
    )
    builder.set_header("text", text="Support Hub")
    builder.edit_section(0, title="Help Categories")
    builder.edit_row(
        0,
        0,
        title="Billing & Invoices",
        id="row_billing",
        description="Queries related to plans and payments",
    )
    builder.add_row(
        "Technical Setup", id="row_tech", description="Webhooks, API keys, and integrations support"
    )
    builder.add_row(
        "Speak to Agent", id="row_other", description="Transfer directly to a live agent"
    )

    assert builder.message.to_payload() == load_payload("aisoule_list")


def test_method_misuse_says_what_is_wrong() -> None:
    builder = ready_buttons()
    with pytest.raises(ValueError, match="'carousel' is not one of 'button' or 'list'"):
        builder.set_type("carousel")
    with pytest.raises(IndexError, match="there is no button 5"):
        builder.remove_button(5)
    with pytest.raises(ValueError, match=r"button 1 cannot move -1: .* would pass the first place"):
        builder.move_button(0, -1)
    with pytest.raises(IndexError, match="there is no section 3"):
        builder.add_row("Late", section=3)
    with pytest.raises(ValueError, match="header kind 'gif'"):
        builder.set_header("gif")
    with pytest.raises(ValueError, match="not both"):
        builder.set_header("image", link="https://example.com/a.png", media_id="1")
    assert builder.message is not None  # nothing changed


def test_message_is_an_observable_trait() -> None:
    builder = MessageBuilder()
    seen: list[Any] = []
    builder.observe(lambda change: seen.append(change["new"]), names="message")

    builder.edit(to=RECIPIENT, body="Hi")
    builder._body.control.value = ""

    assert isinstance(seen[0], Message)
    assert seen[1] is None
    assert builder.errors[0] == builder_module.FieldError(
        "interactive.body.text", "body text is empty; it needs 1 to 1024 characters"
    )


def test_to_json_is_the_valid_message_or_says_why_not() -> None:
    builder = MessageBuilder()
    with pytest.raises(
        ValueError, match=r"cannot export yet: the draft has 2 problem\(s\): to: recipient number"
    ):
        builder.to_json()

    builder.edit(to=RECIPIENT, body="Hi")
    assert Message.from_json(builder.to_json()) == builder.message


def test_one_render_per_edit(renders: list[dict[str, Any]]) -> None:
    builder = ready_buttons()
    renders.clear()

    builder._add_button.click()
    builder._button_editors[2].title.control.value = "Maybe"
    builder._type.value = "list"
    builder._section_editors[0].add_row.click()
    builder.load(load_payload("meta_list_two_sections"))

    assert len(renders) == 5
    assert renders[-1] == load_payload("meta_list_two_sections")


def test_an_observer_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    builder = ready_buttons()

    def broken(payload: Any, **kwargs: Any) -> str:
        raise RuntimeError("the template is missing")

    monkeypatch.setattr(builder_module, "embed_preview", broken)
    builder._body.control.value = "Still typed"  # must not raise

    assert "something went wrong (RuntimeError: the template is missing)" in builder._notice.value
    assert builder.payload["interactive"]["body"]["text"] == "Still typed"


def test_a_bad_message_to_start_from_raises() -> None:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["action"]["buttons"][0]["reply"]["title"] = "x" * 21
    with pytest.raises(ValidationError, match="button title is 21 characters"):
        MessageBuilder(payload)
    with pytest.raises(TypeError, match="cannot load int"):
        MessageBuilder(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="theme 'sepia' is not one of 'light', 'dark'"):
        MessageBuilder(theme="sepia")


def test_the_dark_theme_reaches_the_preview() -> None:
    light = MessageBuilder(load_payload("aisoule_buttons"))
    dark = MessageBuilder(load_payload("aisoule_buttons"), theme="dark")

    assert dark._preview.value != light._preview.value
    assert dark.message == light.message
