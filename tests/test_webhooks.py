"""The webhook event for a tap, and the signature a server checks it with."""

from __future__ import annotations

import json

import pytest

from aisoule_widgets.webhooks import ASSUMED_SHAPE, choices, reply_event, sign, verify_signature
from tests.conftest import load_payload


def test_a_button_tap_is_metas_button_reply_in_aisoules_envelope() -> None:
    payload = load_payload("aisoule_buttons")

    event = reply_event(
        payload, "btn_scale", message_id="msg_90a82b7194689c1", timestamp=1700000000
    )

    assert event == {
        "event": "message.received",
        "timestamp": 1700000000,
        "data": {
            "message_id": "msg_90a82b7194689c1_reply",
            "waba_number": "15550001234",
            "sender": "918856879188",
            "recipient": "15550001234",
            "type": "interactive",
            "body": "Scale Plan",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "btn_scale", "title": "Scale Plan"},
            },
            "context": {"id": "msg_90a82b7194689c1"},
        },
    }


def test_a_row_pick_is_a_list_reply_with_its_description_when_it_has_one() -> None:
    payload = load_payload("edge_list_single_untitled")

    with_description = reply_event(payload, "14h")["data"]["interactive"]
    without = reply_event(payload, "9h")["data"]["interactive"]

    assert with_description == {
        "type": "list_reply",
        "list_reply": {"id": "14h", "title": "14:00", "description": "Tarde"},
    }
    assert without == {"type": "list_reply", "list_reply": {"id": "9h", "title": "09:00"}}


def test_an_unknown_choice_says_which_ids_exist() -> None:
    with pytest.raises(ValueError, match=r"no button or row with id 'nope'; ids: 'btn_growth'"):
        reply_event(load_payload("aisoule_buttons"), "nope")


def test_choices_of_a_broken_draft_skip_what_is_not_there() -> None:
    draft = {"interactive": {"type": "list", "action": {"sections": [None, {"rows": [5, {}]}]}}}

    assert list(choices(draft)) == [{"id": "", "title": ""}]
    assert list(choices({"interactive": "nope"})) == []


def test_the_assumed_shape_is_said_in_words() -> None:
    assert "not" in ASSUMED_SHAPE
    assert "message.received" in ASSUMED_SHAPE


def test_signatures_are_hmac_sha256_and_verify_in_constant_time() -> None:
    # RFC 4231 test case 2: HMAC-SHA256 with key "Jefe".
    assert sign(b"what do ya want for nothing?", "Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    body = json.dumps(reply_event(load_payload("aisoule_list"), "row_tech")).encode()
    signature = sign(body, "whsec_1")

    assert verify_signature(body, signature, "whsec_1")
    assert verify_signature(body, f" {signature}\n", "whsec_1")
    assert not verify_signature(body + b" ", signature, "whsec_1")
    assert not verify_signature(body, signature, "whsec_2")
    assert not verify_signature(body, "sha256=", "whsec_1")
