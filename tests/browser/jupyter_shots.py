"""The builder's pictures for the README: the quickstart in JupyterLab and as a Voila app.

``python -m tests.browser.screenshots`` takes them with the preview's; each function
starts its own server on 127.0.0.1, takes one PNG in docs/images/ and stops the server.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.browser.jupyter_apps import UI_TIMEOUT_MS, jupyter_lab, open_voila, run_all_cells, voila

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
QUICKSTART = ROOT / "notebooks" / "quickstart.ipynb"
LAB_VIEWPORT: ViewportSize = {"width": 1600, "height": 960}
VOILA_VIEWPORT: ViewportSize = {"width": 1200, "height": 880}


def builder_jupyterlab(browser: Browser) -> Path:
    """JupyterLab after Run All: the builder's cell at the top, the phone's list sheet open."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "notebooks"
        root.mkdir()
        shutil.copy(QUICKSTART, root / "quickstart.ipynb")
        with jupyter_lab(root) as lab:
            page = browser.new_page(viewport=LAB_VIEWPORT)
            try:
                run_all_cells(page, lab, "quickstart.ipynb")
                # The file browser folded away, so the notebook has the width.
                page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
                builder = _builder(page)
                cell = page.locator(".jp-Cell").filter(has=builder)
                cell.evaluate("cell => cell.scrollIntoView({block: 'start'})")
                return _shot(page, builder, page, "builder-jupyterlab.png")
            finally:
                page.close()


def builder_voila(browser: Browser) -> Path:
    """The quickstart served by Voila: the builder alone, as an app, with the sheet open."""
    with tempfile.TemporaryDirectory() as folder:
        notebook = Path(folder) / "quickstart.ipynb"
        shutil.copy(QUICKSTART, notebook)
        with voila(notebook) as app:
            page = browser.new_page(viewport=VOILA_VIEWPORT)
            try:
                open_voila(page, app)
                builder = _builder(page)
                return _shot(page, builder, builder, "builder-voila.png")
            finally:
                page.close()


def _builder(page: Page) -> Locator:
    builder = page.locator(".aisoule-builder")
    expect(builder).to_be_visible(timeout=UI_TIMEOUT_MS)
    builder.scroll_into_view_if_needed()
    return builder


def _shot(page: Page, builder: Locator, target: Page | Locator, name: str) -> Path:
    """Open the phone's list sheet, pick a row, and save ``target`` as ``name``."""
    phone = builder.frame_locator("iframe")
    phone.locator(".menu-button").click()
    phone.locator(".row-title", has_text="Technical Setup").click()
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.wait_for_timeout(300)  # the sheet's CSS transition
    path = IMAGES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(path), animations="disabled")
    return path


SHOTS: list[Callable[[Browser], Path]] = [builder_jupyterlab, builder_voila]
