"""Message models: the real payloads round-trip, and every rule fails with a path and a reason."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from aisoule_widgets import (
    LIMITS,
    LONG_LIST_BODY,
    Button,
    ImageHeader,
    Media,
    Message,
    Row,
    Section,
    lint,
)
from tests.conftest import PAYLOAD_FILES, load_payload


def errors_of(payload: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """(dotted path, message) of every error; fails the test when the payload is valid."""
    with pytest.raises(ValidationError) as caught:
        Message.model_validate(payload, **kwargs)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]


# --- the real payloads ----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAYLOAD_FILES, ids=lambda p: p.stem)
def test_every_data_payload_validates_and_round_trips_exactly(path: Path) -> None:
    payload = json.loads(path.read_text(encoding="utf-8"))

    message = Message.model_validate(payload)

    assert message.to_payload() == payload
    assert list(message.to_payload()) == list(payload), "keys keep the docs' order"
    assert Message.from_json(message.to_json()) == message


def test_to_json_is_the_payload_as_text_with_non_ascii_kept() -> None:
    message = Message.model_validate(load_payload("edge_non_ascii_document"))

    text = message.to_json()

    assert json.loads(text) == message.to_payload()
    assert "فاتورة-2026.pdf" in text
    assert message.to_json(indent=None).count("\n") == 0


def test_recipient_is_normalised_to_digits() -> None:
    payload = load_payload("aisoule_buttons")
    payload["to"] = "+91 (885) 687-9188"

    assert Message.model_validate(payload).to_payload()["to"] == "918856879188"


def test_meta_only_fields_are_kept_when_given() -> None:
    payload = load_payload("meta_buttons_image_header")

    message = Message.model_validate(payload)

    assert message.messaging_product == "whatsapp"
    assert message.recipient_type == "individual"
    assert (
        "messaging_product" not in Message.model_validate(load_payload("aisoule_list")).to_payload()
    )


# --- one invalid case per rule ---------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = payload
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = payload
        for part in parents:
            target = target[part]
        del target[last]

    return mutate


def _button(button_id: str, title: str) -> dict[str, Any]:
    return {"type": "reply", "reply": {"id": button_id, "title": title}}


def _rows(count: int, prefix: str = "r") -> list[dict[str, str]]:
    return [{"id": f"{prefix}{i}", "title": f"Row {i}"} for i in range(count)]


B = "interactive.action.buttons"
S = "interactive.action.sections"

# (name, base payload, mutation, expected path, words the message must contain)
RULES: list[tuple[str, str, Mutation, str, list[str]]] = [
    ("to missing", "aisoule_buttons", _delete("to"), "to", ["recipient number", "required"]),
    (
        "to too short",
        "aisoule_buttons",
        _set("to", "1234567"),
        "to",
        ["has 7 digits", "8 to 15 digits"],
    ),
    (
        "to too long",
        "aisoule_buttons",
        _set("to", "1" * 16),
        "to",
        ["has 16 digits", "8 to 15 digits"],
    ),
    ("to leading zero", "aisoule_buttons", _set("to", "07700900123"), "to", ["starts with 0"]),
    ("to letters", "aisoule_buttons", _set("to", "91885687918x"), "to", ["'x'", "digits"]),
    ("to not text", "aisoule_buttons", _set("to", ["9188"]), "to", ["must be text"]),
    ("type not interactive", "aisoule_buttons", _set("type", "text"), "type", ["'interactive'"]),
    ("unknown top key", "aisoule_buttons", _set("recipient", "x"), "recipient", ["unknown key"]),
    (
        "typo in a key",
        "aisoule_buttons",
        _set("interactive.action.buttns", []),
        "interactive.action.buttns",
        ["unknown key 'buttns'", "did you mean 'buttons'"],
    ),
    (
        "messaging_product other than whatsapp",
        "meta_list_two_sections",
        _set("messaging_product", "sms"),
        "messaging_product",
        ["'whatsapp'"],
    ),
    (
        "interactive type unsupported",
        "aisoule_buttons",
        _set("interactive.type", "cta_url"),
        "interactive",
        ["'cta_url' is not supported yet", "'button' and 'list'"],
    ),
    (
        "interactive type unknown",
        "aisoule_buttons",
        _set("interactive.type", "buttons"),
        "interactive",
        ["'buttons' is unknown", "'button'"],
    ),
    (
        "interactive type missing",
        "aisoule_buttons",
        _delete("interactive.type"),
        "interactive",
        ["needs a 'type'"],
    ),
    (
        "body missing",
        "aisoule_buttons",
        _delete("interactive.body"),
        "interactive.body",
        ["body is required"],
    ),
    (
        "body empty",
        "aisoule_buttons",
        _set("interactive.body.text", ""),
        "interactive.body.text",
        ["body text is empty", "1 to 1024"],
    ),
    (
        "body over 1024",
        "aisoule_list",
        _set("interactive.body.text", "b" * 1025),
        "interactive.body.text",
        ["body text is 1025 characters", "at most 1024"],
    ),
    (
        "footer over 60",
        "meta_list_two_sections",
        _set("interactive.footer.text", "f" * 61),
        "interactive.footer.text",
        ["footer text is 61 characters", "at most 60"],
    ),
    (
        "footer empty",
        "meta_list_two_sections",
        _set("interactive.footer.text", ""),
        "interactive.footer.text",
        ["footer text is empty"],
    ),
    (
        "header text over 60",
        "aisoule_buttons",
        _set("interactive.header.text", "h" * 61),
        "interactive.header.text",
        ["header text is 61 characters", "at most 60"],
    ),
    (
        "header without type",
        "aisoule_buttons",
        _set("interactive.header", {"text": "Hi"}),
        "interactive.header",
        ["needs a 'type'"],
    ),
    (
        "header of an unknown kind",
        "aisoule_buttons",
        _set("interactive.header", {"type": "audio", "audio": {"id": "1"}}),
        "interactive.header",
        ["cannot be 'audio'"],
    ),
    (
        "media header with link and id",
        "meta_buttons_image_header",
        _set("interactive.header.image", {"id": "1", "link": "https://example.com/a.png"}),
        "interactive.header.image",
        ["exactly one of 'link' or 'id'", "both"],
    ),
    (
        "media header with neither link nor id",
        "meta_buttons_image_header",
        _set("interactive.header.image", {}),
        "interactive.header.image",
        ["exactly one of 'link' or 'id'", "neither"],
    ),
    (
        "media link not a web address",
        "meta_buttons_image_header",
        _set("interactive.header.image", {"link": "file:///etc/passwd"}),
        "interactive.header.image.link",
        ["not a web address", "https://"],
    ),
    (
        "media header with a caption",
        "meta_buttons_image_header",
        _set("interactive.header.image.caption", "Hi"),
        "interactive.header.image.caption",
        ["headers have no caption"],
    ),
    (
        "list header not text",
        "aisoule_list",
        _set("interactive.header", {"type": "image", "image": {"id": "1"}}),
        "interactive.header",
        ["list message header cannot be 'image'", "only for button messages"],
    ),
    (
        "no buttons",
        "aisoule_buttons",
        _set(f"{B}", []),
        B,
        ["has 0 buttons", "1 to 3"],
    ),
    (
        "four buttons",
        "aisoule_buttons",
        _set(B, [_button(f"b{i}", f"B{i}") for i in range(4)]),
        B,
        ["has 4 buttons", "1 to 3"],
    ),
    (
        "button title over 20",
        "aisoule_buttons",
        _set(f"{B}.1.reply.title", "x" * 27),
        f"{B}.1.reply.title",
        ["button title is 27 characters; WhatsApp allows at most 20"],
    ),
    (
        "button title empty",
        "aisoule_buttons",
        _set(f"{B}.0.reply.title", ""),
        f"{B}.0.reply.title",
        ["button title is empty", "1 to 20"],
    ),
    (
        "button id over 256",
        "aisoule_buttons",
        _set(f"{B}.0.reply.id", "i" * 257),
        f"{B}.0.reply.id",
        ["button id is 257 characters", "at most 256"],
    ),
    (
        "button id with whitespace around",
        "aisoule_buttons",
        _set(f"{B}.0.reply.id", " btn_growth"),
        f"{B}.0.reply.id",
        ["whitespace", "remove it"],
    ),
    (
        "duplicate button ids",
        "aisoule_buttons",
        _set(f"{B}.1.reply.id", "btn_growth"),
        f"{B}.1.reply.id",
        ["button 2 has the same id as button 1", "'btn_growth'"],
    ),
    (
        "duplicate button titles",
        "aisoule_buttons",
        _set(f"{B}.1.reply.title", "Growth Plan"),
        f"{B}.1.reply.title",
        ["button 2 has the same title as button 1", "'Growth Plan'"],
    ),
    (
        "button type not reply",
        "aisoule_buttons",
        _set(f"{B}.0.type", "url"),
        f"{B}.0.type",
        ["'reply'"],
    ),
    (
        "menu button label over 20",
        "aisoule_list",
        _set("interactive.action.button", "m" * 21),
        "interactive.action.button",
        ["menu button label is 21 characters", "at most 20"],
    ),
    (
        "menu button label missing",
        "aisoule_list",
        _delete("interactive.action.button"),
        "interactive.action.button",
        ["menu button label is required"],
    ),
    ("no sections", "aisoule_list", _set(S, []), S, ["has 0 sections", "1 to 10"]),
    (
        "eleven sections",
        "aisoule_list",
        _set(S, [{"title": f"S{i}", "rows": _rows(1, f"s{i}r")} for i in range(11)]),
        S,
        ["has 11 sections", "1 to 10"],
    ),
    (
        "section without rows",
        "meta_list_two_sections",
        _set(f"{S}.1.rows", []),
        f"{S}.1.rows",
        ["no rows", "add at least one"],
    ),
    (
        "eleven rows across sections",
        "meta_list_two_sections",
        _set(f"{S}.1.rows", _rows(9)),
        S,
        ["11 rows in total", "at most 10 across all sections"],
    ),
    (
        "section title over 24",
        "aisoule_list",
        _set(f"{S}.0.title", "s" * 25),
        f"{S}.0.title",
        ["section title is 25 characters", "at most 24"],
    ),
    (
        "section title missing with two sections",
        "meta_list_two_sections",
        _delete(f"{S}.1.title"),
        f"{S}.1.title",
        ["section 2 needs a title", "2 sections"],
    ),
    (
        "row title over 24",
        "aisoule_list",
        _set(f"{S}.0.rows.2.title", "r" * 25),
        f"{S}.0.rows.2.title",
        ["row title is 25 characters", "at most 24"],
    ),
    (
        "row id over 200",
        "aisoule_list",
        _set(f"{S}.0.rows.0.id", "i" * 201),
        f"{S}.0.rows.0.id",
        ["row id is 201 characters", "at most 200"],
    ),
    (
        "row id missing",
        "aisoule_list",
        _delete(f"{S}.0.rows.0.id"),
        f"{S}.0.rows.0.id",
        ["row id is required"],
    ),
    (
        "row id with whitespace",
        "aisoule_list",
        _set(f"{S}.0.rows.0.id", "row_billing "),
        f"{S}.0.rows.0.id",
        ["whitespace"],
    ),
    (
        "row description over 72",
        "aisoule_list",
        _set(f"{S}.0.rows.0.description", "d" * 73),
        f"{S}.0.rows.0.description",
        ["row description is 73 characters", "at most 72"],
    ),
    (
        "duplicate row ids across sections",
        "meta_list_two_sections",
        _set(f"{S}.1.rows.0.id", "priority_mail"),
        f"{S}.1.rows.0.id",
        ["row 1 of section 2 has the same id as row 2 of section 1", "'priority_mail'"],
    ),
    (
        "row title not text",
        "aisoule_list",
        _set(f"{S}.0.rows.0.title", 5),
        f"{S}.0.rows.0.title",
        ["row title must be text", "not int"],
    ),
]


@pytest.mark.parametrize(
    ("base", "mutate", "path", "words"),
    [case[1:] for case in RULES],
    ids=[case[0] for case in RULES],
)
def test_every_rule_fails_at_its_path_with_a_reason(
    base: str, mutate: Mutation, path: str, words: list[str]
) -> None:
    payload = load_payload(base)
    mutate(payload)

    found = errors_of(payload)

    messages = [message for at, message in found if at == path]
    assert messages, f"no error at {path}; got {found}"
    assert any(all(word in m for word in words) for m in messages), messages


def test_all_cross_field_problems_are_reported_at_once_each_at_its_field() -> None:
    payload = load_payload("meta_list_two_sections")
    sections = payload["interactive"]["action"]["sections"]
    sections[1]["rows"][0]["id"] = "priority_express"
    sections[1]["rows"][1]["id"] = "priority_mail"
    del sections[0]["title"]

    paths = [path for path, _ in errors_of(payload)]

    assert paths == [f"{S}.1.rows.0.id", f"{S}.1.rows.1.id", f"{S}.0.title"]


def test_error_messages_keep_braces_the_user_typed() -> None:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["action"]["buttons"][1]["reply"]["title"] = "{limit} Growth"
    payload["interactive"]["action"]["buttons"][1]["reply"]["id"] = "btn_growth"

    messages = [m for _, m in errors_of(payload)]

    assert "button 2 has the same id as button 1 ('btn_growth')" in messages[0]


def test_not_a_message_at_all() -> None:
    assert errors_of("hello") == [("", "message must be an object, not str")]
    assert errors_of({}) == [
        ("to", "recipient number ('to') is required"),
        ("type", "type is required"),
        ("interactive", "interactive is required"),
    ]


def test_bad_json_is_a_validation_error_that_says_where() -> None:
    with pytest.raises(ValidationError, match=r"Invalid JSON.*line 1 column"):
        Message.from_json('{"to": ')


# --- the 4096 list body opt-in ---------------------------------------------------------------


def test_long_list_body_is_an_explicit_opt_in() -> None:
    payload = load_payload("aisoule_list")
    payload["interactive"]["body"]["text"] = "b" * 4096

    assert errors_of(payload)[0][0] == "interactive.body.text"
    message = Message.model_validate(payload, context={LONG_LIST_BODY: True})
    assert message.to_payload() == payload
    assert Message.from_json(json.dumps(payload), allow_long_list_body=True) == message
    assert [w.path for w in lint(message)] == ["interactive.body.text"]

    payload["interactive"]["body"]["text"] = "b" * 4097
    assert "at most 4096" in errors_of(payload, context={LONG_LIST_BODY: True})[0][1]


def test_long_body_opt_in_does_not_apply_to_buttons() -> None:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["body"]["text"] = "b" * 1025

    assert errors_of(payload, context={LONG_LIST_BODY: True}) == [
        (
            "interactive.body.text",
            "body text is 1025 characters; WhatsApp allows at most 1024 in a button message "
            "(the 4096 opt-in is for lists only)",
        )
    ]


# --- readable constructors -------------------------------------------------------------------


def test_reply_buttons_reproduces_aisoules_example() -> None:
    message = Message.reply_buttons(
        to="918856879188",
        header="Select your plan",
        body="Choose a subscription model to get started:",
        buttons=[Button("Growth Plan", id="btn_growth"), ("Scale Plan", "btn_scale")],
    )

    assert message.to_payload() == load_payload("aisoule_buttons")


def test_list_menu_reproduces_metas_example() -> None:
    expected = load_payload("meta_list_two_sections")

    message = Message.list_menu(
        to="+1 650 555 1234",
        header="Choose Shipping Option",
        body="Which shipping option do you prefer?",
        footer="Lucky Shrub: Your gateway to succulents™",
        button="Shipping Options",
        sections=[
            Section(
                "I want it ASAP!",
                [
                    Row("Priority Mail Express", "Next Day to 2 Days", id="priority_express"),
                    Row("Priority Mail", "1–3 Days", id="priority_mail"),
                ],
            ),
            (
                "I can wait a bit",
                [
                    Row("USPS Ground Advantage", "2–5 Days", id="usps_ground_advantage"),
                    Row("Media Mail", "2–8 Days", id="media_mail"),
                ],
            ),
        ],
    )

    expected.pop("messaging_product")
    expected.pop("recipient_type")
    assert message.to_payload() == expected


def test_ids_are_generated_from_titles_and_kept_unique() -> None:
    message = Message.list_menu(
        to="918856879188",
        body="Pick",
        button="Menu",
        rows=[
            "Billing & Invoices",
            ("Billing & invoices", "the same slug"),
            Row("Other", id="billing_invoices_2"),
        ],
    )

    rows = message.to_payload()["interactive"]["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [
        "billing_invoices",
        "billing_invoices_3",
        "billing_invoices_2",
    ]
    assert Button("¡Sí, gracias!").id == "sí_gracias"
    assert Button("👍").id == "option"


def test_constructors_validate_like_imports() -> None:
    with pytest.raises(ValidationError) as caught:
        Message.reply_buttons(to="918856879188", body="Pick", buttons=["A", "B", "C", "D"])
    assert caught.value.errors()[0]["loc"] == ("interactive", "action", "buttons")

    with pytest.raises(TypeError, match="either sections= or rows="):
        Message.list_menu(to="918856879188", body="Pick", button="Menu")


def test_headers_can_be_given_as_models() -> None:
    message = Message.reply_buttons(
        to=918856879188,
        body="Look",
        buttons=["Nice"],
        header=ImageHeader(image=Media(id="2762702990552401")),
        footer="small print",
    )

    interactive = message.to_payload()["interactive"]
    assert interactive["header"] == {"type": "image", "image": {"id": "2762702990552401"}}
    assert interactive["footer"] == {"text": "small print"}


def test_wire_validation_never_generates_ids() -> None:
    # Friendly constructors are for Python callers; imported JSON must carry its ids.
    with pytest.raises(ValidationError, match="id"):
        Row.model_validate({"title": "Billing"})
    with pytest.raises(ValidationError):
        Button.model_validate({"reply": {"title": "Yes"}})


def test_models_are_immutable_values() -> None:
    message = Message.model_validate(load_payload("aisoule_list"))

    with pytest.raises(ValidationError, match="frozen"):
        message.to = "1"  # type: ignore[misc]
    assert message == Message.model_validate(copy.deepcopy(load_payload("aisoule_list")))


# --- lint --------------------------------------------------------------------------------------


def test_lint_is_quiet_on_the_docs_examples() -> None:
    for name in (
        "aisoule_buttons",
        "aisoule_list",
        "meta_buttons_image_header",
        "meta_list_two_sections",
    ):
        assert lint(Message.model_validate(load_payload(name))) == []


def test_lint_warns_about_valid_but_risky_things() -> None:
    payload = load_payload("aisoule_list")
    interactive = payload["interactive"]
    del interactive["action"]["sections"][0]["title"]
    interactive["header"]["text"] = "*Support* Hub"
    interactive["body"]["text"] = "How can we help? "
    rows = interactive["action"]["sections"][0]["rows"]
    rows[1]["title"] = rows[0]["title"]
    rows[2]["title"] = "Agent 👨‍👩‍👧‍👦👨‍👩‍👧‍👦 now"

    warnings = {w.path: w.message for w in lint(Message.model_validate(payload))}

    assert "WhatsApp trims them" in warnings["interactive.body.text"]
    assert "shows it literally" in warnings["interactive.header.text"]
    assert "the only section has no title" in warnings[f"{S}.0.title"]
    assert "customer cannot tell them apart" in warnings[f"{S}.0.rows.1.title"]
    assert "count as 7 each" in warnings[f"{S}.0.rows.2.title"]


def test_limits_table_matches_the_spec() -> None:
    assert (LIMITS.button_title, LIMITS.row_title, LIMITS.rows, LIMITS.body) == (20, 24, 10, 1024)
