"""The builder's Export, Import and Send panels, and what one keystroke sends to the page."""

from __future__ import annotations

import ast
import base64
import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

import comm
import ipywidgets as widgets
import pytest
from comm.base_comm import BaseComm

from aisoule_widgets import APIConnectionError, Message, MessageBuilder
from tests.conftest import PAYLOAD_FILES, load_payload

RECIPIENT = "918856879188"
EXPORT, IMPORT, SEND = 0, 1, 2
SECRET = "sk_live_do_not_show_4f9a"


def opened(builder: MessageBuilder, panel: int) -> MessageBuilder:
    builder._tools.selected_index = panel
    return builder


def upload(builder: MessageBuilder, name: str, content: bytes) -> None:
    """What the front end does when a file is chosen in the upload control."""
    builder._import_file.value = (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
        },
    )


# --- export --------------------------------------------------------------------------------------


def test_export_is_off_while_the_draft_is_invalid_and_says_why() -> None:
    builder = opened(MessageBuilder(), EXPORT)

    assert builder._export_json.disabled
    assert builder._export_json.value == ""
    assert "Export is off until the draft is valid: the draft has 2 problem(s)" in (
        builder._export_status.value
    )
    assert "recipient number ('to') is required" in builder._export_status.value
    assert "download" not in builder._download.value
    assert builder._snippet.value == ""


def test_export_shows_exactly_what_the_api_receives() -> None:
    payload = load_payload("meta_buttons_image_header")
    builder = opened(MessageBuilder(payload), EXPORT)

    assert not builder._export_json.disabled
    assert json.loads(builder._export_json.value) == payload
    assert builder._export_json.value == builder.to_json()
    link = re.search(
        r'download="message.json" href="data:application/json;base64,([^"]+)"',
        builder._download.value,
    )
    assert link is not None
    assert json.loads(base64.b64decode(link.group(1))) == payload
    copied = re.search(r'data-text="([^"]*)"', builder._copy.value)
    assert copied is not None
    assert "navigator.clipboard.writeText" in builder._copy.value


def test_export_follows_the_draft_while_open_and_catches_up_when_reopened() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), EXPORT)
    builder._body.control.value = "New body"
    assert json.loads(builder._export_json.value)["interactive"]["body"]["text"] == "New body"

    builder._tools.selected_index = None
    builder._body.control.value = "Closed meanwhile"
    assert "Closed meanwhile" not in builder._export_json.value  # not refreshed while closed
    builder._tools.selected_index = EXPORT
    assert "Closed meanwhile" in builder._export_json.value


def test_snippets_are_ready_to_run_with_the_key_as_a_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AISOULE_API_KEY", SECRET)
    payload = load_payload("aisoule_list")
    builder = opened(MessageBuilder(payload), EXPORT)
    texts = {}
    for _label, kind in builder._snippet_kind.options:
        builder._snippet_kind.value = kind
        texts[kind] = builder._snippet.value
        assert SECRET not in builder._snippet.value
        assert SECRET not in builder._copy.value

    curl = texts["curl"]
    assert curl.startswith("curl -sS -X POST https://api.aisoule.com/v1/messages")
    assert '"Authorization: Bearer $AISOULE_API_KEY"' in curl
    heredoc = curl.split("<<'JSON'\n", 1)[1].rsplit("\nJSON\n", 1)[0]
    assert json.loads(heredoc) == payload
    for kind in ("python", "httpx"):
        tree = ast.parse(texts[kind])  # valid Python
        literal = next(
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "payload"
        )
        assert ast.literal_eval(literal) == payload
    assert "with Client() as client:  # reads the key from AISOULE_API_KEY" in texts["python"]
    assert "os.environ['AISOULE_API_KEY']" in texts["httpx"]


# --- import --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAYLOAD_FILES, ids=lambda p: p.stem)
def test_import_then_export_round_trips_every_real_payload(path: Any) -> None:
    builder = opened(MessageBuilder(), IMPORT)
    text = path.read_text(encoding="utf-8")
    builder._import_text.value = text
    builder._import_load.click()

    assert "Loaded the pasted text" in builder._import_result.value
    expected = Message.from_json(text)
    assert builder.message == expected
    assert json.loads(builder.to_json()) == expected.to_payload()
    assert MessageBuilder.from_json(builder.to_json()).message == expected


@pytest.mark.parametrize(
    "name",
    ["aisoule_buttons", "aisoule_list", "meta_buttons_image_header", "meta_list_two_sections"],
)
def test_the_documented_examples_come_back_byte_for_byte(name: str) -> None:
    payload = load_payload(name)
    builder = MessageBuilder(payload)

    assert json.loads(builder.to_json()) == payload
    assert list(json.loads(builder.to_json())) == list(payload)  # same key order


def test_invalid_json_is_refused_and_the_draft_is_untouched() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), IMPORT)
    builder._body.control.value = "My unsaved edit"
    before = builder.payload

    builder._import_text.value = '{"to": "918856879188", "type": '
    builder._import_load.click()

    assert "was not loaded, your draft is unchanged" in builder._import_result.value
    assert "not valid JSON" in builder._import_result.value
    assert builder.payload == before


def test_an_invalid_message_is_refused_with_every_problem_and_its_path() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_list")), IMPORT)
    before = builder.payload
    bad = load_payload("aisoule_buttons")
    bad["interactive"]["action"]["buttons"][1]["reply"]["title"] = "x" * 21
    bad["interactive"]["action"]["buttns"] = []

    builder._import_text.value = json.dumps(bad)
    builder._import_load.click()

    result = builder._import_result.value
    assert "It has 2 problem(s)" in result
    assert "interactive.action.buttons.1.reply.title: button title is 21 characters" in result
    assert "unknown key 'buttns'" in result
    assert builder.payload == before
    with pytest.raises(ValueError, match="button title is 21 characters"):
        builder.load(bad)


def test_a_json_array_or_empty_text_is_refused_in_words() -> None:
    builder = opened(MessageBuilder(), IMPORT)
    builder._import_load.click()
    assert "nothing to load" in builder._import_result.value

    builder._import_text.value = "[1, 2]"
    builder._import_load.click()
    assert "the JSON is list, not an object" in builder._import_result.value


def test_uploading_a_file_loads_it() -> None:
    builder = opened(MessageBuilder(), IMPORT)
    content = load_payload("meta_list_two_sections")

    upload(builder, "shipping.json", json.dumps(content).encode())

    assert "Loaded shipping.json" in builder._import_result.value
    assert builder.message.to_payload() == content
    assert builder._import_file.value == ()  # ready for the next file
    assert json.loads(builder._import_text.value) == content


def test_uploading_a_binary_file_is_refused() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_list")), IMPORT)
    before = builder.payload

    upload(builder, "photo.json", b"\xff\xd8\xff\xe0")

    assert "photo.json is not UTF-8 text" in builder._import_result.value
    assert builder.payload == before


# --- send ----------------------------------------------------------------------------------------


def test_send_to_the_sandbox_shows_the_message_id_and_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AISOULE_API_KEY", raising=False)
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), SEND)
    assert builder._sandbox.value  # on by default without a key

    builder._send_button.click()
    assert builder._send_thread is not None
    builder._send_thread.join(timeout=30)

    result = builder._send_result.value
    assert "Sent (sandbox): message id <code>msg_" in result
    assert "status <b>queued</b>" in result
    assert builder._sandbox_transport is not None
    assert builder._sandbox_transport.outbox[-1].payload == load_payload("aisoule_buttons")
    assert not builder._send_button.disabled


def test_send_returns_a_future_and_blocks_nothing() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_list")), SEND)
    builder._sandbox.value = True

    future = builder.send()
    builder._body.control.value = "Edited while sending"  # the editor keeps working
    result = future.result(timeout=30)

    assert result.status == "queued"
    assert result.recipient == RECIPIENT
    sent = builder._sandbox_transport.outbox[-1].payload  # type: ignore[union-attr]
    assert (
        sent["interactive"]["body"]["text"]
        == load_payload("aisoule_list")["interactive"]["body"]["text"]
    )


def test_a_refused_send_says_why_in_words_and_re_enables_the_button() -> None:
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), SEND)
    builder._sandbox.value = True
    builder._api_key.value = "sandbox-unauthorized"

    builder._send_button.click()
    builder._send_thread.join(timeout=30)  # type: ignore[union-attr]

    result = builder._send_result.value
    assert "401 Unauthorized" in result
    assert "check the API key" in result
    assert not builder._send_button.disabled


def test_send_is_off_while_the_draft_is_invalid() -> None:
    builder = opened(MessageBuilder(), SEND)

    assert builder._send_button.disabled
    assert "Fix the problems" in builder._send_button.tooltip
    assert "Send is off until the draft is valid: 2 problem(s)" in builder._send_status.value
    builder._send_button.click()
    assert "Not sent: cannot send yet: the draft has 2 problem(s)" in builder._send_result.value


def test_without_a_key_and_sandbox_the_send_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AISOULE_API_KEY", raising=False)
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), SEND)
    builder._sandbox.value = False

    builder._send_button.click()

    assert "no API key: type it in the key field, set AISOULE_API_KEY" in (
        builder._send_result.value
    )


def test_the_environment_key_never_reaches_the_page_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AISOULE_API_KEY", SECRET)
    monkeypatch.setenv("AISOULE_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
    builder = opened(MessageBuilder(load_payload("aisoule_buttons")), SEND)
    assert not builder._sandbox.value  # a key is set: the real API by default
    assert builder._api_key.value == ""
    assert "Using AISOULE_API_KEY" in builder._api_key.placeholder

    future = builder.send()
    with pytest.raises(APIConnectionError):
        future.result(timeout=60)

    assert "could not reach AISoule" in builder._send_result.value
    every_state = json.dumps([w.get_state() for w in _widgets(builder._root)], default=str)
    assert SECRET not in every_state


def _widgets(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


# --- what a keystroke costs the page -------------------------------------------------------------


class CountingComm(BaseComm):  # type: ignore[misc]
    """A comm that records what the kernel would send to the page."""

    sent: list[tuple[str, str, dict[str, Any]]] = []  # noqa: RUF012 - shared by design

    def publish_msg(self, msg_type: str, data: Any = None, **keys: Any) -> None:
        if msg_type == "comm_msg" and data:
            CountingComm.sent.append((self.comm_id, data.get("method", ""), data.get("state", {})))


def keystroke(control: Any, value: str) -> None:
    """The message the page sends when the user types in a control."""
    control._handle_msg(
        {
            "content": {
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}
            },
            "buffers": [],
        }
    )


def test_a_keystroke_sends_only_the_changed_counter_and_the_preview(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(comm, "create_comm", CountingComm)
    builder = MessageBuilder(load_payload("edge_list_ten_rows"))
    body = builder._body.control
    CountingComm.sent.clear()

    keystroke(body, body.value[:-1])

    updates = [(model, state) for model, method, state in CountingComm.sent if method == "update"]
    echoes = [model for model, method, _ in CountingComm.sent if method == "echo_update"]
    assert echoes == [body.model_id]  # ipywidgets' own confirmation of the typed value
    assert sorted(model for model, _ in updates) == sorted(
        [builder._body.counter.model_id, builder._preview.model_id]
    )
    assert all(list(state) == ["value"] for _, state in updates)
    assert builder.message.interactive.body.text == body.value


def test_a_keystroke_in_a_title_also_sends_the_id_it_fills(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(comm, "create_comm", CountingComm)
    builder = MessageBuilder()
    builder.edit(to=RECIPIENT, body="Hi")
    editor = builder._button_editors[0]
    CountingComm.sent.clear()

    keystroke(editor.title.control, "Yess")

    changed = {model for model, method, _ in CountingComm.sent if method == "update"}
    assert changed == {
        editor.title.counter.model_id,
        editor.id.control.model_id,
        editor.id.counter.model_id,
        builder._preview.model_id,
    }


def test_closing_the_builder_closes_its_widgets() -> None:
    builder = MessageBuilder(load_payload("aisoule_list"))
    controls = list(_widgets(builder._root))
    builder.close()

    assert all(w.comm is None for w in controls)
    assert isinstance(controls[0], widgets.HBox)
