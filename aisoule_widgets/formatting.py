"""WhatsApp body markup as safe HTML: ``format_body("*Hi* _there_")``.

The rules are WhatsApp's, as written in the project's whatsapp-rules spec:

- inline: ``*bold*``, ``_italic_``, ``~strike~``, triple-backtick monospace and
  single-backtick inline code;
- a line starting ``* `` or ``- `` is a bullet, ``1. `` a numbered item, ``> `` a quote;
- a marker must touch its word (no space just inside it), must not sit inside a word,
  and never spans a newline; code is parsed first and shields its content.

Every piece of the user's text is escaped before any tag is added, so HTML in a message
is always shown as text. The output is well-formed: spans nest, never cross.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

__all__ = ["format_body", "format_inline"]

# Code first: its content is shown as typed, markers and all.
_CODE = re.compile(r"```(.+?)```|`([^`]+)`")

# Emphasis: the marker touches its word on the inside and no word on the outside; the
# content may hold other markers (they nest) but not its own. One pattern for the three,
# each branch opening with its literal marker so the search skips ahead fast.
_TAGS = {"*": ("<strong>", "</strong>"), "_": ("<em>", "</em>"), "~": ("<s>", "</s>")}
_EMPHASIS = re.compile(
    "|".join(
        rf"{m}(?<!\w{m})([^\s{m}]|[^\s{m}][^{m}]*?[^\s{m}]){m}(?!\w)" for m in map(re.escape, _TAGS)
    )
)
_MARKERS = list(_TAGS)  # group n of _EMPHASIS belongs to the n-th marker

# Block prefixes, matched on the raw line. What follows the prefix is formatted inline.
_BULLET = re.compile(r"[*-] (.*)")
_NUMBERED = re.compile(r"(\d{1,9})\. (.*)")
_QUOTE = re.compile(r"> (.*)")


def format_body(text: str) -> str:
    """The HTML WhatsApp shows for a message body: markup applied, everything else escaped."""
    return "".join(_blocks(text.split("\n")))


def _blocks(lines: list[str]) -> Iterator[str]:
    """Runs of list and quote lines become one element each; other lines join with <br>."""
    kind_before = ""
    index = 0
    while index < len(lines):
        kind = _kind(lines[index])
        end = index + 1
        while end < len(lines) and kind != "text" and _kind(lines[end]) == kind:
            end += 1
        run = lines[index:end]
        if kind == "text":
            if kind_before == "text":
                yield "<br>"
            yield format_inline(run[0])
        elif kind == "bullet":
            items = "".join(f"<li>{format_inline(_rest(_BULLET, line))}</li>" for line in run)
            yield f"<ul>{items}</ul>"
        elif kind == "numbered":
            yield f"<ol>{''.join(_numbered_item(line) for line in run)}</ol>"
        else:
            quoted = "<br>".join(format_inline(_rest(_QUOTE, line)) for line in run)
            yield f"<blockquote>{quoted}</blockquote>"
        kind_before = kind
        index = end


def _kind(line: str) -> str:
    if _BULLET.fullmatch(line):
        return "bullet"
    if _NUMBERED.fullmatch(line):
        return "numbered"
    if _QUOTE.fullmatch(line):
        return "quote"
    return "text"


def _rest(pattern: re.Pattern[str], line: str) -> str:
    match = pattern.fullmatch(line)
    return match.group(match.lastindex or 0) if match else line


def _numbered_item(line: str) -> str:
    match = _NUMBERED.fullmatch(line)
    assert match is not None  # _kind() said this line is numbered
    # value= keeps the number the user typed (WhatsApp does not renumber).
    return f'<li value="{int(match.group(1))}">{format_inline(match.group(2))}</li>'


def format_inline(line: str) -> str:
    """One line's inline markup (bold, italic, strike, monospace, code) as escaped HTML."""
    out: list[str] = []
    position = 0
    for match in _CODE.finditer(line):
        out.append(_emphasis(escape(line[position : match.start()], quote=False)))
        if match.group(1) is not None:
            out.append(f'<code class="mono">{escape(match.group(1), quote=False)}</code>')
        else:
            out.append(f"<code>{escape(match.group(2), quote=False)}</code>")
        position = match.end()
    out.append(_emphasis(escape(line[position:], quote=False)))
    return "".join(out)


def _emphasis(escaped: str) -> str:
    """Bold, italic and strike on already escaped text, leftmost span first, nested inside.

    Escaping only adds ``&...;`` entities, which hold no marker and keep the word
    boundaries (``&`` and ``;`` are not word characters, like ``<`` and ``>``).
    """
    if not any(marker in escaped for marker in _MARKERS):
        return escaped
    out: list[str] = []
    position = 0
    for match in _EMPHASIS.finditer(escaped):
        group = match.lastindex or 1
        opening, closing = _TAGS[_MARKERS[group - 1]]
        out.append(escaped[position : match.start()])
        out.append(f"{opening}{_emphasis(match.group(group))}{closing}")
        position = match.end()
    out.append(escaped[position:])
    return "".join(out)
