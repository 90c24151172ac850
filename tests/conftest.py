from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"

# The real payloads from AISoule's and Meta's docs, verbatim, and the edge cases at every limit.
PAYLOAD_FILES = sorted(DATA.glob("*.json"))


def load_payload(name: str) -> dict[str, Any]:
    """A payload from tests/data by file name, without the .json."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


def pytest_addoption(parser: pytest.Parser) -> None:
    # `make goldens`: rewrite the golden HTML snapshots instead of comparing with them.
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/data/golden/*.html from the current preview",
    )
