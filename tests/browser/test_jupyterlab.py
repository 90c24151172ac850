"""The quickstart in a real JupyterLab: run every cell, then use the builder as a person would.

One JupyterLab serves the module; each test opens its own copy of the notebook, so each
gets a fresh kernel, which the test shuts down when it ends.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from tests.browser.jupyter_apps import (
    PROBLEM_OUTPUTS,
    UI_TIMEOUT_MS,
    Server,
    jupyter_lab,
    run_all_cells,
)

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"
UI = UI_TIMEOUT_MS  # every edit is a round trip to the kernel, which a busy machine slows

# A first server start, a kernel and a whole notebook run on a busy 2-core machine can
# take minutes; still bounded (the harness's own waits are shorter).
pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.timeout(480)]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("jupyterlab") / "notebooks"
    root.mkdir()
    with jupyter_lab(root) as server:
        yield server


@pytest.fixture
def notebook(lab: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A copy of the quickstart for this test alone; its kernel is shut down afterwards."""
    name = f"{request.node.name}.ipynb"
    shutil.copy(QUICKSTART, lab.root / name)
    yield name
    for session in lab.api("GET", "/api/sessions"):
        if session["path"] == name:
            lab.api("DELETE", f"/api/sessions/{session['id']}")


def builder_in(page: Page) -> Locator:
    builder = page.locator(".aisoule-builder")
    expect(builder).to_have_count(1, timeout=UI)
    builder.scroll_into_view_if_needed()
    return builder


def phone_in(builder: Locator) -> FrameLocator:
    """The builder's phone: an iframe whose srcdoc is the rendered preview."""
    return builder.frame_locator("iframe")


def test_quickstart_runs_in_jupyterlab(page: Page, lab: Server, notebook: str) -> None:
    """Every cell runs without an error and shows what the tour says it shows."""
    run_all_cells(page, lab, notebook)
    outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
    expect(outputs.and_(page.locator(PROBLEM_OUTPUTS))).to_have_count(0)
    # The bare `message` cell: the phone, in its own frame, with the menu's button.
    first_phone = page.frame_locator(".jp-OutputArea-output iframe").first
    expect(first_phone.locator(".menu-button")).to_have_text(re.compile("Select Topic"), timeout=UI)
    expect(outputs.filter(has_text="unknown key 'descripton'")).to_have_count(1)
    expect(outputs.filter(has_text=re.compile(r"id: +msg_[0-9a-f]{15}"))).to_have_count(1)
    builder = builder_in(page)
    expect(builder.locator(".aisoule-row")).to_have_count(4, timeout=UI)
    expect(phone_in(builder).locator(".menu-button")).to_have_text(re.compile("Select Topic"))


def test_builder_in_jupyterlab(page: Page, lab: Server, notebook: str) -> None:
    """Add a button, switch to a list, add rows, see an error, fix it, export."""
    run_all_cells(page, lab, notebook)
    builder = builder_in(page)
    phone = phone_in(builder)
    kind = builder.locator(".aisoule-type button")

    # Buttons: one added, then titled; the phone follows each edit.
    kind.filter(has_text="Buttons").click()
    expect(builder.locator(".aisoule-buttons")).to_be_visible(timeout=UI)
    titles = builder.locator(".aisoule-button-title input")
    replies = phone.locator(".reply-button")
    expect(replies.first).to_be_visible(timeout=UI)
    before = titles.count()
    expect(replies).to_have_count(before)
    builder.locator(".aisoule-add-button").click()
    expect(titles).to_have_count(before + 1, timeout=UI)
    expect(replies).to_have_count(before + 1, timeout=UI)
    titles.last.fill("Talk to us")
    expect(replies.last).to_have_text("Talk to us", timeout=UI)

    # List: the Support Hub menu is still there; two rows added to its section.
    kind.filter(has_text="List").click()
    expect(builder.locator(".aisoule-list")).to_be_visible(timeout=UI)
    expect(phone.locator(".menu-button")).to_have_text(re.compile("Select Topic"), timeout=UI)
    rows = builder.locator(".aisoule-row")
    expect(rows).to_have_count(4, timeout=UI)
    builder.locator(".aisoule-add-row").click()
    expect(rows).to_have_count(5, timeout=UI)
    builder.locator(".aisoule-add-row").click()
    expect(rows).to_have_count(6, timeout=UI)
    expect(phone.locator(".row-title")).to_have_count(6, timeout=UI)

    # A title past 24 characters: the error is named under the field, export is off.
    last_title = rows.last.locator(".aisoule-row-title input")
    last_title.fill("Refunds for cancelled orders")
    error = rows.last.locator(".aisoule-error")
    expect(error).to_contain_text("row title is 28 characters", timeout=UI)
    expect(error).to_contain_text("24")
    expect(phone.locator(".row-title").last).to_have_text("Refunds for cancelled orders")

    # Fixed, then exported: the JSON is the whole message with the new rows.
    last_title.fill("Refunds")
    expect(error).to_have_text("", timeout=UI)
    builder.locator(".aisoule-tools .jupyter-widget-Collapse-header", has_text="Export").click()
    exported = builder.locator(".aisoule-export-json textarea")
    expect(exported).to_have_value(re.compile('"title": "Refunds"'), timeout=UI)
    payload = json.loads(exported.input_value())
    assert payload["interactive"]["type"] == "list"
    (section,) = payload["interactive"]["action"]["sections"]
    titles = [row["title"] for row in section["rows"]]
    assert titles[:4] == ["Billing & Invoices", "Technical Setup", "Speak to Agent", "Order status"]
    assert len(titles) == 6
    assert titles[-1] == "Refunds"
    assert "buttons" not in payload["interactive"]["action"]  # the list mode's message only


def test_send_from_the_builder_in_jupyterlab(page: Page, lab: Server, notebook: str) -> None:
    """The Send panel sends to the in-process sandbox and shows the new message's id."""
    run_all_cells(page, lab, notebook)
    builder = builder_in(page)
    builder.locator(".aisoule-tools .jupyter-widget-Collapse-header", has_text="Send").click()
    expect(builder.locator(".aisoule-sandbox input")).to_be_checked(timeout=UI)
    builder.locator(".aisoule-send").click()
    expect(builder.locator(".aisoule-send-result")).to_contain_text(
        re.compile(r"msg_[0-9a-f]{15}"), timeout=UI
    )
