"""The phone preview as HTML: what it contains, what it refuses, and that drafts never raise."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from aisoule_widgets.models import Message
from aisoule_widgets.preview import embed_preview, phone_view, render_preview, save_preview
from aisoule_widgets.webhooks import ASSUMED_SHAPE
from tests.conftest import PAYLOAD_FILES, load_payload


class _Document(HTMLParser):
    """Every element with its attributes, and the text a person reads."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._in_style = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style and data.strip():
            self.texts.append(data.strip())

    def having(self, css_class: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.elements if css_class in (a.get("class") or "").split()]

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def _buttons(*titles: Any, **interactive: Any) -> dict[str, Any]:
    buttons = [
        {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
    ]
    return {
        "to": "918856879188",
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "Pick one"}, **interactive}
        | {"action": {"buttons": buttons}},
    }


def test_a_button_message_shows_header_body_footer_and_buttons() -> None:
    page = _Document(render_preview(load_payload("aisoule_buttons")))

    assert [a.get("for") for a in page.having("reply-button")] == ["choice-0", "choice-1"]
    assert "Select your plan" in page.texts
    assert "Choose a subscription model to get started:" in page.texts
    assert {"Growth Plan", "Scale Plan"} <= set(page.texts)
    assert page.having("menu-button") == []


def test_a_list_message_shows_the_menu_button_and_every_row_in_the_sheet() -> None:
    page = _Document(render_preview(load_payload("meta_list_two_sections")))

    assert len(page.having("menu-button")) == 1
    assert len(page.having("row")) == 4
    assert [t for t in page.texts if t.startswith("I ")] == ["I want it ASAP!", "I can wait a bit"]
    assert "Tap to select an item" in page.texts
    assert "Lucky Shrub: Your gateway to succulents™" in page.texts


def test_each_choice_has_its_webhook_event_and_the_assumed_shape_note() -> None:
    document = render_preview(load_payload("aisoule_list"))
    page = _Document(document)

    assert len(page.having("event")) == 3
    assert ASSUMED_SHAPE in page.texts
    assert "&#34;list_reply&#34;: {\n        &#34;id&#34;: &#34;row_tech&#34;" in document


def test_body_markup_is_rendered() -> None:
    payload = _buttons("Yes", body={"text": "*Bold* _it_ ~no~\n- one\n- two"})
    document = render_preview(payload)

    assert (
        "<strong>Bold</strong> <em>it</em> <s>no</s><ul><li>one</li><li>two</li></ul>" in document
    )


def test_a_message_and_its_payload_render_the_same() -> None:
    payload = load_payload("meta_buttons_image_header")

    assert render_preview(Message.model_validate(payload)) == render_preview(payload)


def test_the_document_is_self_contained() -> None:
    for path in PAYLOAD_FILES:
        document = render_preview(load_payload(path.stem))
        page = _Document(document)

        assert document.startswith("<!DOCTYPE html>")
        assert not [tag for tag, _ in page.elements if tag in ("script", "link", "iframe")]
        assert "@import" not in document
        # The only address a preview may fetch is the user's own header image.
        sources = [a.get("src") for tag, a in page.elements if tag == "img"]
        assert re.findall(r'(?:src|href)="', document) == ['src="'] * len(sources), path.name
        assert "url(http" not in document


def test_a_header_image_link_is_shown_with_a_placeholder_beneath() -> None:
    payload = _buttons(
        "Yes", header={"type": "image", "image": {"link": "https://example.com/p/shoe%20red.jpg"}}
    )
    page = _Document(render_preview(payload))

    assert [a["src"] for t, a in page.elements if t == "img"] == [
        "https://example.com/p/shoe%20red.jpg"
    ]
    assert "shoe red.jpg" in page.texts


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc"])
def test_only_web_addresses_reach_an_img(link: str) -> None:
    page = _Document(
        render_preview(_buttons("Yes", header={"type": "image", "image": {"link": link}}))
    )

    assert [t for t, _ in page.elements if t == "img"] == []
    assert page.having("media-placeholder")


def test_document_and_video_headers_show_their_names() -> None:
    document = _Document(render_preview(load_payload("edge_non_ascii_document")))
    video = _Document(render_preview(load_payload("edge_buttons_video_link")))

    assert "فاتورة-2026.pdf" in document.texts
    assert "PDF" in document.texts  # the type under the name, as WhatsApp shows it
    assert video.having("media")
    assert video.having("media-placeholder")


def test_text_that_may_be_right_to_left_gets_dir_auto() -> None:
    page = _Document(render_preview(load_payload("edge_non_ascii_document")))

    for css_class in ("body", "footer", "document-name", "reply-button"):
        for attributes in page.having(css_class):
            assert attributes.get("dir") == "auto" or css_class == "reply-button"
    assert all(s.get("dir") == "auto" for t, s in page.elements if "شكرا" in str(s))


# --- safety -----------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "*<b>x</b>*",
    "'><iframe src=javascript:alert(4)>",
    "</textarea></style></pre><script>alert(5)</script>",
]


def _everywhere(attack: str) -> list[dict[str, Any]]:
    buttons = {
        "to": "918856879188",
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "document", "document": {"link": attack, "filename": attack}},
            "body": {"text": attack},
            "footer": {"text": attack},
            "action": {"buttons": [{"type": "reply", "reply": {"id": attack, "title": attack}}]},
        },
    }
    rows = [{"id": attack, "title": attack, "description": attack}]
    menu = {
        "to": attack,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "header": {"type": "text", "text": attack},
            "body": {"text": attack},
            "action": {"button": attack, "sections": [{"title": attack, "rows": rows}]},
        },
    }
    image = {
        "interactive": {"type": "button", "header": {"type": "image", "image": {"link": attack}}}
    }
    return [buttons, menu, image]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_user_strings_never_become_tags_or_handlers(attack: str, theme: str) -> None:
    for payload in _everywhere(attack):
        page = _Document(render_preview(payload, theme=theme))

        tags = {tag for tag, _ in page.elements}
        assert not tags & {"script", "iframe", "b", "textarea"}, tags
        assert not [t for t, a in page.elements if t == "svg" and "onload" in a]
        handlers = [(t, n) for t, a in page.elements for n in a if n.startswith("on")]
        assert handlers == []
        assert [a["src"] for t, a in page.elements if t == "img"] == []
    shown = _Document(render_preview(_everywhere(attack)[0])).text
    assert attack.strip("*") in shown


def test_the_embedded_frame_holds_the_document_escaped_and_sandboxed() -> None:
    payload = _everywhere(ATTACKS[1])[0]
    frame = embed_preview(payload, theme="dark")
    (element,) = _Document(frame).elements

    assert element[0] == "iframe"
    assert element[1]["sandbox"] == ""  # no script runs in the frame, whatever the message says
    assert element[1]["srcdoc"] == render_preview(payload, theme="dark")
    assert frame.count("<") == 2
    assert frame.endswith("></iframe>")


# --- options and entry points ----------------------------------------------------------------


def test_an_unknown_theme_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"theme 'blue' is not one of 'light', 'dark'"):
        render_preview(load_payload("aisoule_buttons"), theme="blue")


def test_the_dark_theme_only_changes_the_root_class() -> None:
    light = render_preview(load_payload("aisoule_list"))
    dark = render_preview(load_payload("aisoule_list"), theme="dark")

    assert dark == light.replace('class="theme-light"', 'class="theme-dark"', 1)


def test_something_that_is_not_a_message_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="takes a Message or a payload dict, not str"):
        render_preview("hello")  # type: ignore[arg-type]


def test_the_time_is_fixed_unless_given() -> None:
    payload = load_payload("aisoule_buttons")
    later = datetime(2026, 3, 4, 17, 5, tzinfo=timezone.utc)

    assert render_preview(payload) == render_preview(payload)
    assert '<span class="time">09:41</span>' in render_preview(payload)
    shown = render_preview(payload, now=later)
    assert '<span class="time">17:05</span>' in shown
    assert f"&#34;timestamp&#34;: {int(later.timestamp())}," in shown


def test_save_preview_writes_the_document(tmp_path: Path) -> None:
    payload = load_payload("aisoule_list")

    path = save_preview(payload, tmp_path / "menu.html", theme="dark")

    assert path == tmp_path / "menu.html"
    assert path.read_text(encoding="utf-8") == render_preview(payload, theme="dark")


def test_a_message_in_a_notebook_shows_the_phone() -> None:
    message = Message.model_validate(load_payload("aisoule_buttons"))

    assert message._repr_html_() == embed_preview(message)


def test_importing_models_or_preview_loads_no_template() -> None:
    code = (
        "import sys; import aisoule_widgets.models; print('jinja2' in sys.modules); "
        "import aisoule_widgets.preview as p; print(p._template.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["False", "0"]


# --- drafts -----------------------------------------------------------------------------------

DRAFTS: list[Any] = [
    {},
    {"interactive": None},
    {"interactive": {"type": "list"}},
    {"interactive": {"type": "button", "action": {"buttons": None}}},
    {"interactive": {"type": "cta_url", "body": {"text": "Visit us"}}},
    {"interactive": {"body": {"text": 42}, "footer": {"text": None}, "header": 7}},
    {"interactive": {"header": {"type": "video"}, "action": {"buttons": [None, 3, {"reply": 1}]}}},
    {"interactive": {"type": "list", "action": {"button": None, "sections": [{"rows": "x"}]}}},
    {"interactive": {"type": "list", "action": {"sections": [None, {"rows": [{"title": 3.5}]}]}}},
    {"to": 15550001234, "interactive": {"type": "button", "header": {"type": "text"}}},
]


@pytest.mark.parametrize("draft", DRAFTS, ids=range(len(DRAFTS)))
def test_a_draft_renders_without_raising(draft: Any) -> None:
    page = _Document(render_preview(draft))

    assert page.having("phone")
    assert page.having("webhook")


def test_a_draft_shows_what_is_there() -> None:
    fifteen = [{"id": f"r{i}", "title": f"Row {i}"} for i in range(15)]
    menu = {
        "interactive": {"type": "list", "action": {"button": 12, "sections": [{"rows": fifteen}]}}
    }
    five = _buttons("A", "B", None, 4, "E")

    list_page = _Document(render_preview(menu))
    buttons_page = _Document(render_preview(five))

    assert len(list_page.having("row")) == 15
    assert "Row 14" in list_page.texts
    assert "12" in list_page.texts  # a number where a label belongs is still shown
    assert len(buttons_page.having("reply-button")) == 5
    assert {"A", "B", "4", "E"} <= set(buttons_page.texts)


def test_a_draft_without_a_type_is_shown_by_its_action() -> None:
    draft = {
        "interactive": {"action": {"button": "Menu", "sections": [{"rows": [{"title": "x"}]}]}}
    }

    assert len(_Document(render_preview(draft)).having("menu-button")) == 1


def test_each_choice_of_a_draft_shows_its_own_event_even_when_ids_repeat() -> None:
    draft = load_payload("aisoule_buttons")
    draft["interactive"]["action"]["buttons"][1]["reply"]["id"] = "btn_growth"

    view = phone_view(draft)

    bodies = [choice.event["data"]["body"] for choice in view.choices if choice.event]
    assert bodies == ["Growth Plan", "Scale Plan"]
