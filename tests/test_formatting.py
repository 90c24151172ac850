"""WhatsApp markup to HTML: the spec's rules one by one, then properties over any text."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from aisoule_widgets.filters import pretty_json
from aisoule_widgets.formatting import format_body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*bold*", "<strong>bold</strong>"),
        ("_italic_", "<em>italic</em>"),
        ("~strike~", "<s>strike</s>"),
        ("```mono```", '<code class="mono">mono</code>'),
        ("`code`", "<code>code</code>"),
        ("a *b* c", "a <strong>b</strong> c"),
        ("*two words*", "<strong>two words</strong>"),
        ("*x*", "<strong>x</strong>"),
        ("(*x*)", "(<strong>x</strong>)"),
        ("*_both_*", "<strong><em>both</em></strong>"),
        ("_*both*_", "<em><strong>both</strong></em>"),
        ("*bold* and _it_ and ~gone~", "<strong>bold</strong> and <em>it</em> and <s>gone</s>"),
    ],
)
def test_inline_markup(text: str, expected: str) -> None:
    assert format_body(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("* not bold*", "space just inside the opening marker"),
        ("*not bold *", "space just inside the closing marker"),
        ("a*b*c", "markers inside a word"),
        ("snake_case_name", "underscores inside a word"),
        ("*across\nlines*", "a marker never spans a newline"),
        ("**", "nothing between the markers"),
        ("2*3*4", "digits are word characters too"),
    ],
)
def test_markers_that_are_not_markup_stay_text(text: str, why: str) -> None:
    assert "<strong>" not in format_body(text), why
    assert "<em>" not in format_body(text), why


def test_code_shields_its_content() -> None:
    assert format_body("`*not bold*` *bold*") == "<code>*not bold*</code> <strong>bold</strong>"
    assert format_body("```_x_ <b>```") == '<code class="mono">_x_ &lt;b&gt;</code>'


def test_line_breaks_and_blank_lines() -> None:
    assert format_body("one\ntwo\n\nthree") == "one<br>two<br><br>three"


def test_bullets_with_star_or_dash_become_one_list() -> None:
    assert format_body("* apples\n- *pears*") == (
        "<ul><li>apples</li><li><strong>pears</strong></li></ul>"
    )


def test_numbered_items_keep_the_numbers_typed() -> None:
    assert format_body("1. first\n3. third") == (
        '<ol><li value="1">first</li><li value="3">third</li></ol>'
    )


def test_quote_lines_become_one_quote() -> None:
    assert format_body("> said\n> _this_\nreply") == (
        "<blockquote>said<br><em>this</em></blockquote>reply"
    )


def test_blocks_between_text() -> None:
    assert format_body("Bring:\n- gloves\n\nThanks") == ("Bring:<ul><li>gloves</li></ul><br>Thanks")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ('"><svg onload=alert(1)>', '"&gt;&lt;svg onload=alert(1)&gt;'),
        ("*<b>x</b>*", "<strong>&lt;b&gt;x&lt;/b&gt;</strong>"),
        ("`<i>`", "<code>&lt;i&gt;</code>"),
        ("Fish & chips", "Fish &amp; chips"),
        ("&lt; stays as typed", "&amp;lt; stays as typed"),
        ("> <b>quoted</b>", "<blockquote>&lt;b&gt;quoted&lt;/b&gt;</blockquote>"),
    ],
)
def test_html_in_the_text_is_shown_as_text(text: str, expected: str) -> None:
    assert format_body(text) == expected


# --- properties -------------------------------------------------------------------------------

ALLOWED = {"strong": set(), "em": set(), "s": set(), "code": {"class"}, "br": set()}
ALLOWED |= {"ul": set(), "ol": set(), "li": {"value"}, "blockquote": set()}
VOID = {"br"}


class _Checker(HTMLParser):
    """Collects the text and fails on any tag, attribute or nesting format_body never makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, f"unexpected tag <{tag}>"
        assert {name for name, _ in attrs} <= ALLOWED[tag], f"unexpected attributes {attrs}"
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag, f"</{tag}> crosses another element"

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment got through: {data!r}")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError(f"a declaration got through: {decl!r}")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError(f"a declaration got through: {data!r}")

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"a processing instruction got through: {data!r}")


def _check(markup: str) -> str:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert checker.open == [], f"left open: {checker.open}"
    return "".join(checker.text)


def _is_subsequence(shown: str, typed: str) -> bool:
    letters = iter(typed)
    return all(letter in letters for letter in shown)


# Text made of the characters that matter: markers, HTML, spaces, newlines, letters.
markup_text = st.text(
    alphabet=st.sampled_from([*list("*_~`>-1. \n<>&\"'/abc=x"), "é", "🙂", "ب"]), max_size=80
)


@given(markup_text | st.text(max_size=80))
@example("*a _b* c_")
@example("```*x```*")
@example("*<b>x</b>*")
@example('"><svg onload=alert(1)>')
def test_output_is_well_formed_and_shows_only_what_was_typed(text: str) -> None:
    shown = _check(format_body(text))
    # Markup removes markers and list prefixes; it never adds or reorders a character.
    assert _is_subsequence(shown, text)


@given(st.text(alphabet=st.characters(exclude_characters="*_~`\n\r>-"), max_size=80))
def test_text_without_markup_is_shown_exactly(text: str) -> None:
    assume(not re.match(r"\d+\. ", text))  # a numbered item, the one prefix left
    assert html.unescape(format_body(text)) == text


# --- the preview's JSON printer -----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
@example({"event": "message.received", "data": {"body": 'é\u2028"<', "n": [], "m": {}}})
def test_pretty_json_prints_what_json_dumps_prints(value: object) -> None:
    assert pretty_json(value) == json.dumps(value, indent=2, ensure_ascii=False)
