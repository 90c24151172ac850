"""The Export panel's snippets run as pasted: each one sends to a served sandbox on loopback."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import subprocess
from collections.abc import Iterator

import pytest

from aisoule_widgets import Message
from aisoule_widgets.client import DEFAULT_BASE_URL
from aisoule_widgets.exports import SNIPPETS, download_link, snippet_for
from aisoule_widgets.sandbox import SandboxServer, SandboxTransport
from tests.conftest import load_payload

pytestmark = pytest.mark.network


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxTransport(), port=0) as served:
        yield served


@pytest.fixture
def message() -> Message:
    return Message.model_validate(load_payload("meta_list_two_sections"))


def _pointed_at(text: str, server: SandboxServer) -> str:
    """The snippet as a user would run it, with AISoule's address swapped for the sandbox's."""
    assert DEFAULT_BASE_URL in text
    return text.replace(DEFAULT_BASE_URL, server.base_url)


def test_every_snippet_kind_is_offered() -> None:
    assert [kind for _, kind in SNIPPETS] == ["curl", "python", "httpx"]


def test_the_curl_snippet_sends_the_message(server: SandboxServer, message: Message) -> None:
    script = _pointed_at(snippet_for("curl", message), server)

    done = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "AISOULE_API_KEY": "sandbox"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )

    assert json.loads(done.stdout)["success"] is True
    assert server.transport.outbox[-1].payload == message.to_payload()


def test_the_httpx_snippet_sends_the_message(
    server: SandboxServer, message: Message, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISOULE_API_KEY", "sandbox")
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(_pointed_at(snippet_for("httpx", message), server), {})

    assert "'success': True" in printed.getvalue()
    assert server.transport.outbox[-1].payload == message.to_payload()


def test_the_python_snippet_sends_the_message(
    server: SandboxServer, message: Message, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The package's client reads its address from AISOULE_BASE_URL, so the text runs as is.
    monkeypatch.setenv("AISOULE_API_KEY", "sandbox")
    monkeypatch.setenv("AISOULE_BASE_URL", server.base_url)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(snippet_for("python", message), {})

    assert printed.getvalue().startswith("msg_")
    assert printed.getvalue().split()[1] == "queued"
    assert server.transport.outbox[-1].payload == message.to_payload()


def test_the_download_link_carries_the_exact_json(message: Message) -> None:
    link = download_link(message.to_json())

    data = link.split("base64,", 1)[1].split('"', 1)[0]
    assert json.loads(base64.b64decode(data)) == message.to_payload()
    assert 'download="message.json"' in link
