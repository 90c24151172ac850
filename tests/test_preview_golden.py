"""Golden HTML: the preview of every payload in tests/data, byte for byte.

The static stylesheet (templates/phone.css) stands in the snapshots as one marker line:
it is the package's own source, the same in every document, so a style change shows up
in that file's diff (and the screenshots) rather than in ten snapshots. Everything the
payload decides, the per-choice state rules included, is compared in full.

After an intended change to the preview, refresh the snapshots with ``make goldens``
(``pytest tests/test_preview_golden.py --update-goldens``) and review the git diff.
"""

from __future__ import annotations

import difflib
from importlib.resources import files
from pathlib import Path

import pytest

from aisoule_widgets.preview import render_preview
from tests.conftest import DATA, PAYLOAD_FILES, load_payload

GOLDEN = DATA / "golden"
# One payload in the dark theme too: the theme changes the document's root class only.
DARK = ("meta_list_two_sections",)
CASES = [(path.stem, "light") for path in PAYLOAD_FILES] + [(name, "dark") for name in DARK]


STYLESHEET = files("aisoule_widgets").joinpath("templates", "phone.css").read_text("utf-8")
STYLESHEET_MARKER = "/* templates/phone.css, as shipped */"


def _snapshot(name: str, theme: str) -> str:
    html = render_preview(load_payload(name), theme=theme)
    assert html.count(STYLESHEET) == 1, "the preview no longer includes phone.css as shipped"
    return html.replace(STYLESHEET, STYLESHEET_MARKER)


def _golden(name: str, theme: str) -> Path:
    return GOLDEN / (f"{name}.html" if theme == "light" else f"{name}.{theme}.html")


@pytest.mark.parametrize(("name", "theme"), CASES, ids=[f"{n}-{t}" for n, t in CASES])
def test_preview_matches_golden(name: str, theme: str, request: pytest.FixtureRequest) -> None:
    html = _snapshot(name, theme)
    golden = _golden(name, theme)
    if request.config.getoption("--update-goldens"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}: run `make goldens` and commit it"
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), html.splitlines(), "golden", "now", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            f"the preview of {name} ({theme}) changed. If that is intended, run `make goldens` "
            f"and review the diff of {golden.relative_to(DATA.parent.parent)}:\n{shown}"
        )


def test_every_snapshot_has_a_payload() -> None:
    expected = {_golden(name, theme).name for name, theme in CASES}
    stale = sorted(path.name for path in GOLDEN.glob("*.html") if path.name not in expected)
    assert not stale, f"snapshots without a payload: {stale}; delete them"
