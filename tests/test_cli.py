"""The aisoule-widgets command, run as a user would: files in, text and exit status out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aisoule_widgets.cli import main
from aisoule_widgets.sandbox import SandboxServer, SandboxTransport
from tests.conftest import DATA, load_payload


def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the command with these arguments."""
    completed = subprocess.run(
        [sys.executable, "-m", "aisoule_widgets.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return completed.returncode, completed.stdout, completed.stderr


def test_check_a_valid_message_prints_its_kind_and_warnings() -> None:
    status, out, _ = run("check", str(DATA / "edge_list_single_untitled.json"))

    assert status == 0
    assert "valid list message to 5511987654321" in out
    assert "warning: interactive.action.sections.0.title: the only section has no title" in out


def test_check_an_invalid_message_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    payload = load_payload("aisoule_buttons")
    payload["interactive"]["action"]["buttons"][1]["reply"]["title"] = "x" * 27
    payload["to"] = "0"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload), encoding="utf-8")

    status, out, err = run("check", str(path))

    assert status == 1
    assert out == ""
    assert f"{path}: 2 problems" in err
    assert "  to: recipient number has 1 digit; it needs 8 to 15 digits" in err
    assert (
        "  interactive.action.buttons.1.reply.title: button title is 27 characters; "
        "WhatsApp allows at most 20"
    ) in err


def test_check_reads_standard_input_and_reports_bad_json() -> None:
    status, _, err = run("check", "-", stdin='{"to": ')

    assert status == 1
    assert "-: 1 problem" in err
    assert "Invalid JSON" in err


def test_a_missing_file_is_a_usage_error() -> None:
    status, _, err = run("check", "no-such-file.json")

    assert status == 2
    assert "cannot read no-such-file.json" in err


def test_export_prints_the_normalised_payload() -> None:
    payload = load_payload("aisoule_list")
    payload["to"] = "+91 88568 79188"

    status, out, _ = run("export", "--compact", "-", stdin=json.dumps(payload))

    assert status == 0
    assert json.loads(out) == load_payload("aisoule_list")
    assert out.count("\n") == 1


def test_long_list_body_is_an_option() -> None:
    payload = load_payload("aisoule_list")
    payload["interactive"]["body"]["text"] = "b" * 2000
    text = json.dumps(payload)

    assert run("check", "-", stdin=text)[0] == 1
    status, out, _ = run("check", "--allow-long-list-body", "-", stdin=text)
    assert status == 0
    assert "warning: interactive.body.text" in out


def test_preview_writes_one_self_contained_html_file(tmp_path: Path) -> None:
    output = tmp_path / "menu.html"

    status, out, _ = run(
        "preview", str(DATA / "aisoule_list.json"), "-o", str(output), "--theme", "dark"
    )

    assert status == 0
    assert out.strip() == f"wrote {output}"
    html = output.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Support Hub" in html
    assert "<script" not in html.lower()


def test_send_to_the_in_process_sandbox() -> None:
    status, out, _ = run("send", "--sandbox", str(DATA / "aisoule_buttons.json"))

    assert status == 0
    assert out.startswith("sent: msg_")
    assert "(queued) to 918856879188" in out


@pytest.mark.network
def test_send_to_a_served_sandbox_and_see_an_api_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AISOULE_API_KEY", "sandbox-unauthorized")
    with SandboxServer(SandboxTransport(), port=0) as server:
        status = main(["send", "--base-url", server.base_url, str(DATA / "aisoule_list.json")])

    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("error: AISoule answered 401 Unauthorized")
    assert "check the API key" in err
    assert "sandbox-unauthorized" not in err, "the key never shows"


def test_schema_is_json_schema_of_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)

    assert main(["schema"]) == 0
    schema = json.loads(out.getvalue())
    assert schema["properties"]["interactive"]["discriminator"]["propertyName"] == "type"


def test_no_command_prints_help_and_is_a_usage_error() -> None:
    status, _, err = run()

    assert status == 2
    assert "check" in err
    assert "sandbox" in err
