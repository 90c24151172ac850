"""The preview in Debian's Chromium: what a person sees and can tap, with CSS only.

Every page here blocks the network (an image is served by the test when one is wanted)
and fails on any dialog (the `page` fixture), so an injected handler cannot go unseen.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

from aisoule_widgets.preview import PREVIEW_TIME, embed_preview, render_preview
from aisoule_widgets.webhooks import reply_event
from tests.conftest import PAYLOAD_FILES, load_payload

pytestmark = pytest.mark.browser

TIMESTAMP = int(PREVIEW_TIME.timestamp())
# A 1x1 PNG, served when a test wants a header image to load.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _by_kind(kind: str) -> list[str]:
    names = [path.stem for path in PAYLOAD_FILES]
    return [n for n in names if load_payload(n)["interactive"]["type"] == kind]


@pytest.fixture
def offline(page: Page) -> Page:
    """The page with every request refused: a preview must need no network."""
    page.route("**/*", lambda route: route.abort())
    return page


def _show(page: Page, payload: dict[str, Any], *, theme: str = "light") -> None:
    page.set_content(render_preview(payload, theme=theme))


def _event(page: Page, index: int) -> Any:
    event = page.locator(f".event.choice-{index}")
    expect(event).to_be_visible()
    return json.loads(event.inner_text())


def _choice_ids(payload: dict[str, Any]) -> list[str]:
    action = payload["interactive"]["action"]
    if "buttons" in action:
        return [b["reply"]["id"] for b in action["buttons"]]
    return [row["id"] for section in action["sections"] for row in section["rows"]]


# --- the message bubble -----------------------------------------------------------------------


def _letters(text: str) -> str:
    """What a reader reads, ignoring layout: no whitespace, markup markers or bullet dashes."""
    return re.sub(r"\s|[*_~`]|(?m:^- )", "", text)


@pytest.mark.parametrize("name", [path.stem for path in PAYLOAD_FILES])
def test_the_bubble_shows_header_body_and_footer(offline: Page, name: str) -> None:
    interactive = load_payload(name)["interactive"]
    _show(offline, load_payload(name))
    header, footer = interactive.get("header", {}), interactive.get("footer")

    if header.get("type") == "text":
        expect(offline.locator(".header-text")).to_have_text(header["text"])
    else:
        expect(offline.locator(".header-text")).to_have_count(0)
    expect(offline.locator(".media")).to_have_count(
        0 if header.get("type", "text") == "text" else 1
    )
    shown = offline.locator(".body").inner_text()
    assert _letters(shown) == _letters(interactive["body"]["text"])
    if footer:
        expect(offline.locator(".footer")).to_have_text(footer["text"])
    else:
        expect(offline.locator(".footer")).to_have_count(0)
    expect(offline.locator(".bubble.incoming .time")).to_have_text("09:41")


def test_body_markup_is_drawn_as_whatsapp_does(offline: Page) -> None:
    _show(offline, load_payload("edge_list_ten_rows"))
    body = offline.locator(".body")

    expect(body.locator("strong")).to_have_text("Pick")
    expect(body.locator("em")).to_have_text("ten")
    expect(body.locator("ul > li")).to_have_text(["fast", "slow"])
    assert body.locator("strong").evaluate("b => getComputedStyle(b).fontWeight") == "700"
    assert body.locator("em").evaluate("i => getComputedStyle(i).fontStyle") == "italic"


# --- reply buttons ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", _by_kind("button"))
def test_tapping_each_button_shows_the_reply_and_the_webhook_event(
    offline: Page, name: str
) -> None:
    payload = load_payload(name)
    buttons = payload["interactive"]["action"]["buttons"]
    _show(offline, payload)

    shown = offline.locator(".reply-button")
    expect(shown).to_have_count(len(buttons))
    expect(shown).to_have_text([b["reply"]["title"] for b in buttons])
    expect(offline.locator(".reply")).to_have_count(len(buttons))
    for reply in offline.locator(".reply").all():
        expect(reply).to_be_hidden()
    expect(offline.locator(".webhook-empty")).to_be_visible()

    for index, button in enumerate(buttons):
        shown.nth(index).click()

        reply = offline.locator(f".reply.choice-{index}")
        expect(reply).to_be_visible()
        expect(reply.locator(".reply-title")).to_have_text(button["reply"]["title"])
        expect(offline.locator(".reply:visible")).to_have_count(1)
        assert _event(offline, index) == reply_event(
            payload, button["reply"]["id"], timestamp=TIMESTAMP
        )
        expect(offline.locator(".event:visible")).to_have_count(1)
        expect(offline.locator(".webhook-empty")).to_be_hidden()


def test_the_header_text_body_and_footer_are_shown(offline: Page) -> None:
    _show(offline, load_payload("meta_buttons_image_header"))

    expect(offline.locator(".body")).to_have_text(
        "Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. "
        "Use the buttons if you need to reschedule. Thank you!"
    )
    expect(offline.locator(".footer")).to_have_text("Lucky Shrub: Your gateway to succulents!™")
    expect(offline.locator(".time").first).to_have_text("09:41")
    # An uploaded media id cannot be fetched: the placeholder stands in for the image.
    expect(offline.locator(".media-placeholder")).to_be_visible()
    expect(offline.locator(".media-placeholder")).to_contain_text("Photo")


# --- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", _by_kind("list"))
def test_the_list_sheet_opens_closes_and_sends_the_picked_row(offline: Page, name: str) -> None:
    payload = load_payload(name)
    action = payload["interactive"]["action"]
    rows = [row for section in action["sections"] for row in section["rows"]]
    titled = [s["title"] for s in action["sections"] if s.get("title")]
    _show(offline, payload)
    sheet = offline.locator(".sheet")

    expect(sheet).to_be_hidden()
    expect(offline.locator(".menu-button")).to_have_text(action["button"])
    offline.locator(".menu-button").click()
    expect(sheet).to_be_visible()
    expect(sheet.locator(".sheet-title")).to_have_text(action["button"])
    expect(sheet.locator(".section-title")).to_have_text(titled)
    expect(sheet.locator(".row")).to_have_count(len(rows))
    expect(sheet.locator(".row-title")).to_have_text([r["title"] for r in rows])
    described = [r["description"] for r in rows if "description" in r]
    expect(sheet.locator(".row-description")).to_have_text(described)
    expect(sheet.locator(".hint")).to_have_text("Tap to select an item")
    expect(sheet.locator(".hint")).to_be_visible()
    expect(sheet.locator(".send")).to_be_hidden()

    # Closing without sending sends nothing.
    sheet.locator(".row").first.click()
    sheet.locator(".sheet-close").click()
    expect(sheet).to_be_hidden()
    expect(offline.locator(".reply:visible")).to_have_count(0)
    expect(offline.locator(".webhook-empty")).to_be_visible()

    last = len(rows) - 1
    offline.locator(".menu-button").click()
    sheet.locator(".row").nth(last).click()
    expect(sheet.locator(".hint")).to_be_hidden()
    expect(sheet.locator(".send")).to_be_visible()
    sheet.locator(".send").click()

    expect(sheet).to_be_hidden()
    reply = offline.locator(f".reply.choice-{last}")
    expect(reply).to_be_visible()
    expect(reply.locator(".reply-title")).to_have_text(rows[last]["title"])
    expect(offline.locator(".reply:visible")).to_have_count(1)
    assert _event(offline, last) == reply_event(payload, rows[last]["id"], timestamp=TIMESTAMP)
    expect(offline.locator(".webhook-empty")).to_be_hidden()


def test_the_picked_row_shows_a_filled_radio(offline: Page) -> None:
    _show(offline, load_payload("aisoule_list"))
    offline.locator(".menu-button").click()

    radios = offline.locator(".sheet .radio")
    before = radios.nth(1).evaluate("r => getComputedStyle(r).boxShadow")
    offline.locator(".row").nth(1).click()

    assert radios.nth(1).evaluate("r => getComputedStyle(r).boxShadow") != before
    assert radios.nth(0).evaluate("r => getComputedStyle(r).boxShadow") == before


def test_tapping_outside_the_sheet_closes_it(offline: Page) -> None:
    _show(offline, load_payload("meta_list_two_sections"))
    offline.locator(".menu-button").click()

    offline.locator(".backdrop").click(position={"x": 100, "y": 100})

    expect(offline.locator(".sheet")).to_be_hidden()


# --- every payload, both themes, inside the notebook frame -----------------------------------


@pytest.mark.parametrize("name", [path.stem for path in PAYLOAD_FILES])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_payload_works_inside_the_sandboxed_frame(page: Page, name: str, theme: str) -> None:
    payload = load_payload(name)
    page.route("**/*", lambda route: route.abort())
    page.set_content(f"<h1>notebook</h1>{embed_preview(payload, theme=theme)}")
    frame = page.frame_locator("iframe.aisoule-preview")
    ids = _choice_ids(payload)

    expect(frame.locator(".phone")).to_be_visible()
    if payload["interactive"]["type"] == "button":
        expect(frame.locator(".reply-button")).to_have_count(len(ids))
        frame.locator(".reply-button").last.click()
    else:
        frame.locator(".menu-button").click()
        expect(frame.locator(".row")).to_have_count(len(ids))
        frame.locator(".row").last.click()
        frame.locator(".send").click()
    event = json.loads(frame.locator(f".event.choice-{len(ids) - 1}").inner_text())
    assert event == reply_event(payload, ids[-1], timestamp=TIMESTAMP)


def test_notebook_css_and_preview_css_stay_apart(page: Page) -> None:
    hostile = "<style>* { color: rgb(255, 0, 0) !important; font-size: 40px !important; }</style>"
    page.set_content(f"{hostile}<p id=host>cell</p>{embed_preview(load_payload('aisoule_list'))}")
    body = page.frame_locator("iframe").locator(".body")

    assert body.evaluate("b => getComputedStyle(b).color") == "rgb(17, 27, 33)"
    assert body.evaluate("b => getComputedStyle(b).fontSize") == "14.2px"
    host = page.locator("#host")
    assert host.evaluate("p => getComputedStyle(p).color") == "rgb(255, 0, 0)"
    assert host.evaluate("p => getComputedStyle(document.body).backgroundColor") == (
        "rgba(0, 0, 0, 0)"
    )


# --- media, direction, themes -------------------------------------------------------------------


def _image_message(link: str) -> dict[str, Any]:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["header"] = {"type": "image", "image": {"link": link}}
    return payload


def test_a_header_image_that_loads_covers_the_placeholder(page: Page) -> None:
    def serve(route: Route) -> None:
        if route.request.url == "https://media.example.com/shoe.png":
            route.fulfill(body=PIXEL, content_type="image/png")
        else:
            route.abort()

    page.route("**/*", serve)
    _show(page, _image_message("https://media.example.com/shoe.png"))
    image = page.locator(".media img")

    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('.media img').complete")
    assert image.evaluate("i => i.naturalWidth") == 1
    box, frame = image.bounding_box(), page.locator(".media").bounding_box()
    assert box == frame  # the whole frame: the placeholder is underneath


def test_a_header_image_that_fails_leaves_a_tidy_placeholder(offline: Page) -> None:
    _show(offline, _image_message("https://media.example.com/gone/summer-sale.jpg"))
    offline.wait_for_function("document.querySelector('.media img').complete")
    image = offline.locator(".media img")

    assert image.evaluate("i => i.naturalWidth") == 0
    # A broken image draws its ::before/::after: the placeholder, over the broken glyph.
    assert image.evaluate("i => getComputedStyle(i, '::after').content") == '"summer-sale.jpg"'
    assert "data:image/svg+xml" in image.evaluate(
        "i => getComputedStyle(i, '::before').backgroundImage"
    )
    expect(offline.locator(".media-placeholder")).to_have_text("summer-sale.jpg")


def test_right_to_left_text_is_laid_out_right_to_left(offline: Page) -> None:
    _show(offline, load_payload("edge_non_ascii_document"))

    for selector in (".body", ".footer", ".document-name"):
        direction = offline.locator(selector).evaluate("e => getComputedStyle(e).direction")
        assert direction == "rtl", selector
    expect(offline.locator(".document-name")).to_have_text("فاتورة-2026.pdf")


def _fonts(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew a node's text with, and how many glyphs each."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_emoji_are_drawn_in_colour_and_digits_are_not(offline: Page) -> None:
    text = "Call 123 #4 \U0001f335\U0001f44d\U0001f3fd\U0001f1e6\U0001f1ea"
    _show(offline, _buttons_with_body(text))

    fonts = _fonts(offline, ".body")

    # Three emoji (a cactus, a thumb with a skin tone, a flag), one glyph each, in colour;
    # the digits and "#" stay in the text font although the emoji font also has them.
    assert fonts.pop("Noto Color Emoji") == 3
    assert sum(fonts.values()) == len("Call 123 #4 ")


def _buttons_with_body(text: str) -> dict[str, Any]:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["body"] = {"text": text}
    return payload


def test_the_dark_theme_paints_dark_bubbles(offline: Page) -> None:
    _show(offline, load_payload("aisoule_buttons"), theme="dark")

    bubble = offline.locator(".bubble.incoming")
    assert bubble.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(32, 44, 51)"
    assert offline.locator(".body").evaluate("b => getComputedStyle(b).color") == (
        "rgb(233, 237, 239)"
    )


# --- nothing injected runs ----------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "*<b>x</b>*",
    "<img src=x onerror=console.log('injected')>",
    "'><iframe srcdoc='<script>alert(4)</script>'>",
]


def _attacked(attack: str, kind: str) -> dict[str, Any]:
    header: dict[str, Any] = {"type": "document", "document": {"link": attack, "filename": attack}}
    interactive: dict[str, Any] = {
        "type": kind,
        "body": {"text": attack},
        "footer": {"text": attack},
    }
    if kind == "button":
        reply = {"id": attack, "title": attack}
        interactive |= {
            "header": header,
            "action": {"buttons": [{"type": "reply", "reply": reply}]},
        }
    else:
        rows = [{"id": attack, "title": attack, "description": attack}]
        sections = [{"title": attack, "rows": rows}]
        interactive |= {"header": {"type": "text", "text": attack}}
        interactive |= {"action": {"button": attack, "sections": sections}}
    return {"to": attack, "type": "interactive", "interactive": interactive}


@pytest.mark.parametrize("attack", ATTACKS)
def test_injected_markup_is_shown_as_text_and_never_runs(offline: Page, attack: str) -> None:
    messages: list[ConsoleMessage] = []
    offline.on("console", lambda message: messages.append(message))

    _show(offline, _attacked(attack, "button"))
    offline.locator(".reply-button").click()
    expect(offline.locator(".reply-title:visible")).to_have_text(attack)
    expect(offline.locator(".body")).to_have_text(attack.replace("*<b>x</b>*", "<b>x</b>"))

    _show(offline, _attacked(attack, "list"))
    offline.locator(".menu-button").click()
    expect(offline.locator(".row-title")).to_have_text(attack)
    offline.locator(".row").click()
    offline.locator(".send").click()
    expect(offline.locator(".reply-title:visible")).to_have_text(attack)
    offline.wait_for_timeout(100)  # time for any handler that got in to fire

    assert offline.evaluate("document.querySelectorAll('script, iframe, svg[onload]').length") == 0
    assert [m.text for m in messages] == []
