"""The README stays true: its Python example runs as written and shows what it says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_the_30_second_example_runs_as_written() -> None:
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None, "the README lost its Python example"
    namespace: dict[str, object] = {}
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(block.group(1), "README.md", "exec"), namespace)

    assert '"to": "918856879188"' in printed.getvalue()
    builder = namespace["builder"]
    assert builder.message == namespace["menu"]  # type: ignore[attr-defined]


def test_the_images_it_shows_exist() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8"))

    assert images
    for image in images:
        assert (README.parent / image).is_file(), f"README shows {image}, which is missing"
