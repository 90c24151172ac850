"""The package as users get it: its public names, its import cost, what the wheel ships."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder

import aisoule_widgets
from aisoule_widgets.cli import schema_text

ROOT = Path(__file__).parent.parent


def test_all_is_sorted_and_complete() -> None:
    names = aisoule_widgets.__all__

    # ruff's order (RUF022): CONSTANTS, then Classes, then functions, each alphabetical.
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    for name in names:
        assert getattr(aisoule_widgets, name) is not None, name
    public_in_modules = {
        name
        for module in {aisoule_widgets._EXPORTS[n] for n in aisoule_widgets._EXPORTS}
        for name in importlib.import_module(f"aisoule_widgets.{module}").__all__
    }
    assert set(aisoule_widgets._EXPORTS) <= public_in_modules
    assert set(names) == {*aisoule_widgets._EXPORTS, "__version__"}


def test_unknown_names_fail_like_any_module() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Mesage'"):
        aisoule_widgets.Mesage  # noqa: B018


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, aisoule_widgets; "
        "heavy = ('pydantic', 'httpx', 'jinja2', 'ipywidgets'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert loaded.stdout.strip() == "[]"


def test_shipped_schema_is_current() -> None:
    shipped = (ROOT / "aisoule_widgets" / "message.schema.json").read_text(encoding="utf-8")

    assert shipped == schema_text(), "refresh it with: make schema"
    assert json.loads(shipped)["title"] == "Message"


def test_wheel_ships_templates_schema_and_types(tmp_path: Path) -> None:
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])

    names = set(zipfile.ZipFile(wheel).namelist())

    assert "aisoule_widgets/py.typed" in names
    assert "aisoule_widgets/message.schema.json" in names
    templates = {n for n in names if n.startswith("aisoule_widgets/templates/")}
    assert any(n.endswith(".html.jinja") for n in templates), sorted(names)
    assert not any(n.startswith("tests/") for n in names)
