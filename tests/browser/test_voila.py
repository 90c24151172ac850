"""The quickstart as a Voila app: the builder renders, answers clicks and typing, and the
phone follows, with no notebook around it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.jupyter_apps import PROBLEM_OUTPUTS, UI_TIMEOUT_MS, Server, open_voila, voila

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"
UI = UI_TIMEOUT_MS

# A first server start, a kernel and a whole notebook run on a busy 2-core machine can
# take minutes; still bounded (the harness's own waits are shorter).
pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.timeout(480)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("voila") / "notebooks"
    root.mkdir()
    shutil.copy(QUICKSTART, root / "quickstart.ipynb")
    with voila(root / "quickstart.ipynb") as server:
        yield server


def test_builder_in_voila(page: Page, app: Server) -> None:
    """Voila runs the notebook; the builder is there, live, and the phone follows it."""
    open_voila(page, app)
    builder = page.locator(".aisoule-builder")
    expect(builder).to_have_count(1, timeout=UI)
    expect(builder).to_be_visible()
    phone = builder.frame_locator("iframe")
    # Voila shows outputs only: the code of the tour stays hidden.
    expect(page.get_by_text("MessageBuilder(message)")).to_have_count(0)

    expect(phone.locator(".menu-button")).to_have_text(re.compile("Select Topic"), timeout=UI)
    rows = builder.locator(".aisoule-row")
    expect(rows).to_have_count(4, timeout=UI)
    builder.locator(".aisoule-add-row").click()
    expect(rows).to_have_count(5, timeout=UI)
    rows.last.locator(".aisoule-row-title input").fill("Track my order")
    expect(phone.locator(".row-title").last).to_have_text("Track my order", timeout=UI)

    builder.locator(".aisoule-type button", has_text="Buttons").click()
    titles = builder.locator(".aisoule-button-title input")
    before = titles.count()
    builder.locator(".aisoule-add-button").click()
    expect(titles).to_have_count(before + 1, timeout=UI)
    titles.last.fill("Call me back")
    expect(phone.locator(".reply-button").last).to_have_text("Call me back", timeout=UI)


def test_quickstart_outputs_in_voila(page: Page, app: Server) -> None:
    """The other outputs of the tour show too: the phone of the bare message, the sandbox id."""
    open_voila(page, app)
    expect(page.locator(PROBLEM_OUTPUTS)).to_have_count(0)
    phones = page.frame_locator(".jp-OutputArea-output iframe")
    expect(phones.first.locator(".menu-button")).to_have_text(
        re.compile("Select Topic"), timeout=UI
    )
    expect(page.get_by_text(re.compile(r"id: +msg_[0-9a-f]{15}"))).to_have_count(1, timeout=UI)
    expect(page.get_by_text("unknown key 'descripton'", exact=False)).to_have_count(1)
