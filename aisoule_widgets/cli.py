"""The ``aisoule-widgets`` command: check, preview, export and send messages from a shell.

    aisoule-widgets check menu.json            # errors with their JSON path, then warnings
    aisoule-widgets preview menu.json -o menu.html --theme dark
    aisoule-widgets export menu.json           # the normalised payload (what the API receives)
    aisoule-widgets send menu.json --sandbox   # or with AISOULE_API_KEY set
    aisoule-widgets sandbox --port 8787        # the local API emulator on 127.0.0.1
    aisoule-widgets schema > message.schema.json

Exit status: 0 when all is well, 1 when a message is invalid or a send fails, 2 for usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

if TYPE_CHECKING:
    from .models import Message

OK, INVALID, USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    if args.command == "sandbox":
        from .sandbox import main as serve

        return serve(
            ["--port", str(args.port), *(["--no-rate-limits"] if args.no_rate_limits else [])]
        )
    if args.command == "schema":
        print(schema_text(), end="")
        return OK
    try:
        message = _load(args.file, allow_long_list_body=args.allow_long_list_body)
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return USAGE
    except ValidationError as error:
        _print_errors(args.file, error, sys.stderr)
        return INVALID
    return int(_COMMANDS[args.command](message, args))


def schema_text() -> str:
    """The JSON Schema of a message, as shipped in ``aisoule_widgets/message.schema.json``."""
    from .models import Message

    return json.dumps(Message.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aisoule-widgets",
        description="Check, preview, export and send WhatsApp interactive messages (AISoule).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_file(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("file", help="a message payload as JSON; '-' reads standard input")
        command.add_argument(
            "--allow-long-list-body",
            action="store_true",
            help="accept list bodies up to 4096 characters instead of 1024",
        )
        return command

    with_file("check", "validate a message: errors with their JSON path, then warnings")
    export = with_file("export", "print the normalised payload the API receives")
    export.add_argument("--compact", action="store_true", help="one line instead of indented")
    preview = with_file("preview", "write the phone preview as one self-contained HTML file")
    preview.add_argument("-o", "--output", type=Path, help="HTML file (default: FILE.html)")
    preview.add_argument("--theme", choices=("light", "dark"), default="light")
    send = with_file("send", "send the message with AISoule's API, or to the sandbox")
    send.add_argument(
        "--sandbox", action="store_true", help="use the built-in sandbox (no account)"
    )
    send.add_argument("--base-url", help="API base URL (default: AISOULE_BASE_URL or AISoule's)")
    sandbox = commands.add_parser("sandbox", help="serve the sandbox API on 127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8787, help="0 picks a free port")
    sandbox.add_argument(
        "--no-rate-limits", action="store_true", help="accept any number of requests"
    )
    commands.add_parser("schema", help="print the JSON Schema of a message")
    return parser


def _load(file: str, *, allow_long_list_body: bool) -> Message:
    from .models import Message

    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    return Message.from_json(text, allow_long_list_body=allow_long_list_body)


def _print_errors(file: str, error: ValidationError, out: TextIO) -> None:
    count = error.error_count()
    print(f"{file}: {count} problem{'s' if count != 1 else ''}", file=out)
    for item in error.errors(include_url=False):
        path = ".".join(map(str, item["loc"])) or "(the whole message)"
        print(f"  {path}: {item['msg']}", file=out)


def _check(message: Message, args: argparse.Namespace) -> int:
    from .models import lint

    warnings = lint(message)
    kind = message.interactive.type
    print(f"{args.file}: valid {kind} message to {message.to}")
    for warning in warnings:
        print(f"  warning: {warning.path}: {warning.message}")
    return OK


def _export(message: Message, args: argparse.Namespace) -> int:
    print(message.to_json(indent=None if args.compact else 2))
    return OK


def _preview(message: Message, args: argparse.Namespace) -> int:
    from .preview import save_preview

    default = Path("message.html") if args.file == "-" else Path(args.file).with_suffix(".html")
    path = save_preview(message, args.output or default, theme=args.theme)
    print(f"wrote {path}")
    return OK


def _send(message: Message, args: argparse.Namespace) -> int:
    from .client import Client
    from .errors import AisouleError

    try:
        options = {} if args.base_url is None else {"base_url": args.base_url}
        client = Client.sandbox() if args.sandbox else Client(**options)
        with client:
            result = client.send(message)
    except AisouleError as error:
        print(f"error: {error}", file=sys.stderr)
        return INVALID
    print(f"sent: {result.message_id} ({result.status}) to {result.recipient}")
    return OK


_COMMANDS = {"check": _check, "export": _export, "preview": _preview, "send": _send}


if __name__ == "__main__":
    raise SystemExit(main())
