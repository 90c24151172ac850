"""What the builder's Export panel offers: ready-to-run snippets, copy, download.

Every snippet shows the API key only as the ``$AISOULE_API_KEY`` placeholder.
"""

from __future__ import annotations

import base64
import html
import pprint
from typing import Any

from .client import API_KEY_ENV, DEFAULT_BASE_URL, MESSAGES_PATH
from .models import Message

__all__ = ["SNIPPETS", "copy_button", "download_link", "snippet_for"]

#: (label, kind) of each snippet, as the Export panel lists them.
SNIPPETS = (("curl", "curl"), ("Python (aisoule_widgets)", "python"), ("httpx", "httpx"))


def _messages_url() -> str:
    return DEFAULT_BASE_URL + MESSAGES_PATH


def _curl_snippet(json_text: str) -> str:
    # A quoted heredoc passes the JSON through untouched: no shell quoting to get wrong.
    return (
        f"curl -sS -X POST {_messages_url()} \\\n"
        f'  -H "Authorization: Bearer ${API_KEY_ENV}" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        "  --data-binary @- <<'JSON'\n"
        f"{json_text}\nJSON\n"
    )


def _python_snippet(payload: dict[str, Any]) -> str:
    literal = pprint.pformat(payload, sort_dicts=False, width=88)
    return (
        "from aisoule_widgets import Client, Message\n\n"
        f"payload = {literal}\n\n"
        f"with Client() as client:  # reads the key from {API_KEY_ENV}\n"
        "    result = client.send(Message.model_validate(payload))\n"
        "print(result.message_id, result.status)\n"
    )


def _httpx_snippet(payload: dict[str, Any]) -> str:
    literal = pprint.pformat(payload, sort_dicts=False, width=88)
    return (
        "import os\n\nimport httpx\n\n"
        f"payload = {literal}\n\n"
        "response = httpx.post(\n"
        f'    "{_messages_url()}",\n'
        "    json=payload,\n"
        f'    headers={{"Authorization": f"Bearer {{os.environ[\'{API_KEY_ENV}\']}}"}},\n'
        "    timeout=30,\n"
        ")\n"
        "response.raise_for_status()\n"
        "print(response.json())\n"
    )


def snippet_for(kind: str, message: Message) -> str:
    if kind == "curl":
        return _curl_snippet(message.to_json())
    if kind == "python":
        return _python_snippet(message.to_payload())
    return _httpx_snippet(message.to_payload())


def copy_button(label: str, text: str) -> str:
    # The text sits in a data attribute (escaped), so no user text ever becomes script.
    return (
        f'<button type="button" data-text="{html.escape(text, quote=True)}" '
        'onclick="navigator.clipboard.writeText(this.dataset.text).then('
        "() => { this.textContent = 'Copied'; }, "
        "() => { this.textContent = 'Copy blocked: select the text instead'; })\">"
        f"{html.escape(label, quote=False)}</button>"
    )


def download_link(json_text: str) -> str:
    data = base64.b64encode(json_text.encode("utf-8")).decode("ascii")
    return (
        f'<a download="message.json" href="data:application/json;base64,{data}">'
        "Download message.json</a>"
    )
