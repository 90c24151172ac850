"""`make screenshots`: the README's pictures, taken in Debian's Chromium.

Run ``python -m tests.browser.screenshots``; it writes PNGs to docs/images/. Each shot is
one function taking the browser and the theme; add a shot by adding a function to SHOTS.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from aisoule_widgets.models import Message
from aisoule_widgets.preview import render_preview
from tests.browser import jupyter_shots
from tests.browser.chromium import chromium

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
DATA = ROOT / "tests" / "data"
THEMES = ("light", "dark")
VIEWPORT: ViewportSize = {"width": 900, "height": 820}

# A button message that shows off the body markup and emoji.
SHOWCASE_BUTTONS = Message.reply_buttons(
    to="16505551234",
    header="Workshop reminder 🌵",
    body=(
        "Hi Pablo! Your *gardening workshop* is scheduled for _9am tomorrow_.\n\n"
        "Bring:\n- gloves\n- a small pot\n\nNeed to change it? Use the buttons below."
    ),
    footer="Lucky Shrub: your gateway to succulents",
    buttons=[("Keep my place", "keep"), ("Change time", "change"), ("Cancel", "cancel")],
)


def _payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _open(browser: Browser, html: str) -> Page:
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=2)
    page.set_content(html)
    return page


def preview_buttons(browser: Browser, theme: str) -> Path:
    """The button message after the customer tapped the first button."""
    page = _open(browser, render_preview(SHOWCASE_BUTTONS, theme=theme))
    page.locator(".reply-button").first.click()
    return _save(page, f"preview-buttons-{theme}.png")


def preview_list_open(browser: Browser, theme: str) -> Path:
    """Meta's two-section list with its sheet open and a row picked."""
    page = _open(browser, render_preview(_payload("meta_list_two_sections"), theme=theme))
    page.locator(".menu-button").click()
    page.locator(".row").nth(1).click()
    return _save(page, f"preview-list-open-{theme}.png")


def _save(page: Page, name: str) -> Path:
    path = IMAGES / name
    page.locator(".preview").screenshot(path=str(path), animations="disabled")
    page.close()
    return path


SHOTS: list[Callable[[Browser, str], Path]] = [preview_buttons, preview_list_open]


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for shot in SHOTS:
            for theme in THEMES:
                print(shot(browser, theme).relative_to(ROOT))
        for app_shot in jupyter_shots.SHOTS:  # the builder in JupyterLab and Voila
            print(app_shot(browser).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
