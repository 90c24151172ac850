"""The payloads the bench measures: the largest message WhatsApp accepts."""

from __future__ import annotations

from typing import Any

from aisoule_widgets import LIMITS


def largest_list() -> dict[str, Any]:
    """A list with every text at its limit: 10 sections of one row each (10 rows is the cap)."""

    def text(prefix: str, limit: int) -> str:
        return (prefix + " " + "x" * limit)[:limit]

    sections = [
        {
            "title": text(f"Section {s}", LIMITS.section_title),
            "rows": [
                {
                    "id": text(f"row_{s}", LIMITS.row_id),
                    "title": text(f"Row {s}", LIMITS.row_title),
                    "description": text(f"About row {s}", LIMITS.row_description),
                }
            ],
        }
        for s in range(LIMITS.sections)
    ]
    return {
        "to": "918856879188",
        "type": "interactive",
        "interactive": {
            "type": "list",
            "header": {"type": "text", "text": text("Header", LIMITS.header_text)},
            "body": {"text": text("*Body* with _markup_", LIMITS.body)},
            "footer": {"text": text("Footer", LIMITS.footer)},
            "action": {"button": text("Menu", LIMITS.menu_button), "sections": sections},
        },
    }
