"""Design a reply-button or list message in a notebook, with a live phone preview.

    from aisoule_widgets import MessageBuilder
    builder = MessageBuilder()   # or MessageBuilder(message) / MessageBuilder.from_json(text)
    builder                      # the editor and the phone, side by side
    builder.message              # a Message, or None while the draft has errors
    builder.to_json()            # what the API receives

The draft (what was typed) is the source of truth and the controls are views of it.
Every edit, from a control or from a method such as ``builder.add_button("Yes")``, goes
the same way: draft -> payload dict -> ``Message.model_validate`` (errors are shown
beside the field they concern, the rest in the summary) and the same dict ->
``embed_preview`` -> the phone. One edit is one render. Nothing typed is lost while the
draft is invalid, and switching Buttons <-> List keeps what each mode holds.

Export (JSON, copy, download ``message.json``, curl/Python/httpx snippets), Import (paste
or upload JSON) and Send (API key, sandbox switch) sit in an accordion under the editor.
The Export panel is refreshed only while it is open, so a keystroke updates only the
controls whose value changed plus the preview.

Copy and download need no front-end code: the download is an ``<a download>`` link with
a ``data:`` URL, and "copy" is a button whose inline ``onclick`` calls
``navigator.clipboard`` where the page allows it; the JSON is also in a selectable text
area for pages that do not (e.g. when a browser blocks clipboard access).

Send runs in a background thread, so the kernel and the editor stay free; the Send
button is off while a send is under way and while the draft is invalid.
The API key typed in the key field is kept in the widget (as any password widget is);
a key from ``AISOULE_API_KEY`` is read in the kernel at send time and never sent to the
page. Neither is ever shown, logged or put in an export.

CSS classes, for browser tests (each is on every control of its kind):

=========================== ===========================================================
``aisoule-builder``         the whole widget
``aisoule-editor``          the editor column
``aisoule-type``            Buttons / List toggle
``aisoule-to``              recipient number
``aisoule-header-kind``     header dropdown: none, text (and image, video, document)
``aisoule-header-text``     header text
``aisoule-header-source``   media from a link or an uploaded media id
``aisoule-header-media``    the media link or id
``aisoule-header-filename`` the document's file name
``aisoule-body``            body text area
``aisoule-footer``          footer
``aisoule-buttons``         the reply buttons panel (Buttons mode)
``aisoule-button``          one button's editor
``aisoule-button-title``    a button's title
``aisoule-button-id``       a button's id
``aisoule-add-button``      add a button (disabled at 3, the tooltip says why)
``aisoule-list``            the list panel (List mode)
``aisoule-menu-button``     the menu button label
``aisoule-section``         one section's editor
``aisoule-section-title``   a section's title
``aisoule-add-section``     add a section
``aisoule-row``             one row's editor
``aisoule-row-title``       a row's title
``aisoule-row-id``          a row's id
``aisoule-row-description`` a row's description
``aisoule-add-row``         add a row to its section (disabled at 10 rows in total)
``aisoule-move-up``         move a button, section or row up
``aisoule-move-down``       move it down
``aisoule-remove``          remove it
``aisoule-counter``         "17/20" beside a text field; red past the limit
``aisoule-error``           the problem line under a field (errors red, warnings amber)
``aisoule-summary``         all problems at a glance, and those no field owns
``aisoule-notice``          why the last action was refused
``aisoule-preview``         the widget holding the phone (``embed_preview`` gives its
                            iframe the same class: ``iframe.aisoule-preview`` is the frame)
``aisoule-tools``           the Export / Import / Send accordion
``aisoule-export-status``   why export is off, or that it is ready
``aisoule-export-json``     the payload's pretty JSON
``aisoule-copy``            copy buttons (JSON, snippet)
``aisoule-download``        the ``message.json`` download link
``aisoule-snippet-kind``    curl / Python / httpx
``aisoule-snippet``         the ready-to-run snippet
``aisoule-import-text``     paste JSON here
``aisoule-import-file``     or upload a .json file
``aisoule-import-load``     load the pasted JSON
``aisoule-import-result``   what the import did, or why it did not
``aisoule-api-key``         API key (password field)
``aisoule-sandbox``         send to the in-process sandbox instead of the API
``aisoule-send-status``     why Send is off
``aisoule-send``            the Send button
``aisoule-send-result``     message id and status, or the error in words
=========================== ===========================================================
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, NamedTuple

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
from pydantic import ValidationError

from .client import API_KEY_ENV
from .draft import ChoiceDraft, Draft, SectionDraft, check_index, fresh_title, move_item
from .exports import SNIPPETS, copy_button, download_link, snippet_for
from .models import LIMITS, MEDIA_KINDS, Message, lint
from .preview import check_theme, embed_preview

if TYPE_CHECKING:
    from .client import Client, SendResult
    from .sandbox import SandboxTransport

__all__ = ["FieldError", "MessageBuilder"]

DEFAULT_THEME = "light"
LABEL_WIDTH = "90px"  # the labels of the top fields line up
SUMMARY_LINES = 6  # problems listed in the summary before "and N more"
ADD_ROW_TIP = f"Add a row ({LIMITS.rows} at most across all sections)"
KINDS = ("button", "list")
HEADER_CHOICES = ("none", "text", *MEDIA_KINDS)

_ERROR_COLOUR = "#c62828"
_WARNING_COLOUR = "#a66300"
_OK_COLOUR = "#2e7d32"


class FieldError(NamedTuple):
    """A problem that stops the draft from validating, at its JSON path (e.g. 'to')."""

    path: str
    message: str


# --- where a problem is shown -----------------------------------------------------------------

_Key = tuple[Any, ...]


def _owner(loc: tuple[str | int, ...]) -> _Key | None:
    """The problem line that shows an error at this JSON path (None: the summary only).

    Lines: ('to',), ('header',), ('body',), ('footer',), ('menu_button',), ('buttons',),
    ('button', i), ('section', s), ('row', s, r). The messages name the field itself.
    """
    if loc[:1] == ("to",):
        return ("to",)
    if loc[:1] != ("interactive",) or len(loc) < 2:
        return None
    if loc[1] in ("header", "body", "footer"):
        return (loc[1],)
    rest = loc[2:] if loc[1] == "action" else ()
    if rest == ("button",):
        return ("menu_button",)
    if rest[:1] == ("buttons",):
        return ("buttons",) if len(rest) == 1 else ("button", rest[1])
    if rest[:1] == ("sections",) and len(rest) > 1:
        if len(rest) > 3 and rest[2] == "rows":
            return ("row", rest[1], rest[3])
        return ("section", rest[1])
    return None


def _where(key: _Key | None) -> str:
    """Which button, section or row a problem belongs to, for the summary."""
    if key is None:
        return ""
    if key[0] == "button":
        return f"Button {key[1] + 1}: "
    if key[0] == "section":
        return f"Section {key[1] + 1}: "
    if key[0] == "row":
        return f"Section {key[1] + 1}, row {key[2] + 1}: "
    return ""


def _split_path(path: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def _join_path(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _words(text: str) -> str:
    """Text for an HTML text node: markup characters escaped, quotes left readable."""
    return html.escape(text, quote=False)


def _problem_html(errors: list[str], warnings: list[str]) -> str:
    lines = [f'<div style="color:{_ERROR_COLOUR}">{_words(text)}</div>' for text in errors]
    lines += [
        f'<div class="aisoule-warning" style="color:{_WARNING_COLOUR}">{_words(text)}</div>'
        for text in warnings
    ]
    if not lines:
        return ""
    return f'<div style="font-size:12px;line-height:1.35">{"".join(lines)}</div>'


def _counter_html(length: int, limit: int) -> str:
    style = f"color:{_ERROR_COLOUR};font-weight:bold" if length > limit else "color:#666"
    return f'<span style="{style};font-size:12px">{length}/{limit}</span>'


# --- the controls ---------------------------------------------------------------------------


class _Look:
    """Layout and style models shared by many controls: one model each, not one per control.

    Only layouts that never change are shared; a control that is shown and hidden has its own.
    """

    def __init__(self) -> None:
        self.plain = widgets.Layout()
        # A row's title, id, their counters and three icons fit the editor's column.
        self.title = widgets.Layout(width="165px")
        self.id = widgets.Layout(width="150px")
        self.wide = widgets.Layout(width="440px")
        self.icon = widgets.Layout(width="32px")
        self.centred = widgets.Layout(align_items="center")
        self.indented = widgets.Layout(margin="0 0 0 24px")
        self.framed = widgets.Layout(border="1px solid #ddd", padding="4px", margin="4px 0")
        self.text = TextStyle()
        self.labelled = TextStyle(description_width=LABEL_WIDTH)
        self.labelled_layout = widgets.Layout(width="440px")
        self.html = HTMLStyle()
        self.button = ButtonStyle()

    def close(self) -> None:
        for model in vars(self).values():
            model.close()


class _Field:
    """A text control and its "17/20" counter (``parts``), side by side in a row."""

    def __init__(self, control: Any, look: _Look, *, limit: int | None) -> None:
        self.control = control
        self.limit = limit
        self.counter: Any = None
        self.parts = [control]
        if limit is not None:
            self.counter = widgets.HTML(
                _counter_html(len(control.value), limit),
                layout=look.plain,
                style=look.html,
                _dom_classes=("aisoule-counter",),
            )
            self.parts.append(self.counter)

    def show(self, value: str) -> None:
        if self.control.value != value:
            self.control.value = value
        if self.counter is not None and self.limit is not None:
            _set(self.counter, "value", _counter_html(len(value), self.limit))


def _close_tree(widget: Any) -> None:
    """Close a widget and everything inside it (shared layouts and styles stay open)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def _set(widget: Any, name: str, value: Any) -> None:
    """Assign only a new value, so that nothing unchanged goes to the front end."""
    if getattr(widget, name) != value:
        setattr(widget, name, value)


# Controls are made with their class and first value, so each opens on the page in its
# final state instead of opening and then sending an update.


def _text(
    css: str,
    look: _Look,
    placeholder: str,
    *,
    limit: int | None,
    value: str = "",
    layout: Any = None,
    label: str = "",
) -> _Field:
    control = widgets.Text(
        value=value,
        description=label,
        placeholder=placeholder,
        layout=look.labelled_layout if label else layout or look.plain,
        style=look.labelled if label else look.text,
        _dom_classes=(css,),
    )
    return _Field(control, look, limit=limit)


def _problem_line(look: _Look) -> Any:
    return widgets.HTML(layout=look.plain, style=look.html, _dom_classes=("aisoule-error",))


def _icon_button(icon: str, tooltip: str, css: str, look: _Look, *, disabled: bool) -> Any:
    return widgets.Button(
        icon=icon,
        tooltip=tooltip,
        disabled=disabled,
        layout=look.icon,
        style=look.button,
        _dom_classes=(css,),
    )


def _box(kind: Any, children: list[Any], layout: Any, css: str = "") -> Any:
    return kind(children, layout=layout, _dom_classes=(css,) if css else ())


class _ChoiceEditor:
    """The editor of button or row number `index` (editors are positional views)."""

    def __init__(
        self, kind: str, index: int, look: _Look, choice: ChoiceDraft, *, last: bool
    ) -> None:
        self.index = index
        noun = "button" if kind == "button" else "row"
        title_limit = LIMITS.button_title if kind == "button" else LIMITS.row_title
        id_limit = LIMITS.button_id if kind == "button" else LIMITS.row_id
        self.title = _text(
            f"aisoule-{noun}-title",
            look,
            "Title",
            limit=title_limit,
            value=choice.title,
            layout=look.title,
        )
        self.id = _text(
            f"aisoule-{noun}-id",
            look,
            "Id (sent to your webhook)",
            limit=id_limit,
            value=choice.id,
            layout=look.id,
        )
        self.up = _icon_button(
            "arrow-up", f"Move this {noun} up", "aisoule-move-up", look, disabled=index == 0
        )
        self.down = _icon_button(
            "arrow-down", f"Move this {noun} down", "aisoule-move-down", look, disabled=last
        )
        self.remove = _icon_button(
            "trash", f"Remove this {noun}", "aisoule-remove", look, disabled=False
        )
        self.problems = _problem_line(look)
        lines = [
            _box(
                widgets.HBox,
                [*self.title.parts, *self.id.parts, self.up, self.down, self.remove],
                look.centred,
            )
        ]
        self.description: _Field | None = None
        if kind == "row":
            self.description = _text(
                "aisoule-row-description",
                look,
                "Description (optional)",
                limit=LIMITS.row_description,
                value=choice.description,
                layout=look.wide,
            )
            lines.append(_box(widgets.HBox, self.description.parts, look.centred))
        self.box = _box(widgets.VBox, [*lines, self.problems], look.plain, f"aisoule-{noun}")

    def close(self) -> None:
        _close_tree(self.box)


class _SectionEditor:
    def __init__(
        self, index: int, look: _Look, title: str, *, last: bool, add_row_refusal: str
    ) -> None:
        self.index = index
        self.title = _text(
            "aisoule-section-title",
            look,
            "Section title",
            limit=LIMITS.section_title,
            value=title,
            layout=look.title,
        )
        self.up = _icon_button(
            "arrow-up", "Move this section up", "aisoule-move-up", look, disabled=index == 0
        )
        self.down = _icon_button(
            "arrow-down", "Move this section down", "aisoule-move-down", look, disabled=last
        )
        self.remove = _icon_button(
            "trash", "Remove this section and its rows", "aisoule-remove", look, disabled=False
        )
        self.problems = _problem_line(look)
        self.add_row = widgets.Button(
            description="Add row",
            icon="plus",
            tooltip=add_row_refusal or ADD_ROW_TIP,
            disabled=bool(add_row_refusal),
            layout=look.plain,
            style=look.button,
            _dom_classes=("aisoule-add-row",),
        )
        self.rows: list[_ChoiceEditor] = []
        self.rows_box = _box(widgets.VBox, [], look.indented)
        heading = _box(
            widgets.HBox, [*self.title.parts, self.up, self.down, self.remove], look.centred
        )
        self.box = _box(
            widgets.VBox,
            [heading, self.problems, self.rows_box, self.add_row],
            look.framed,
            "aisoule-section",
        )

    def close(self) -> None:
        _close_tree(self.box)


def _header_options(kind: str, current: str) -> tuple[tuple[str, str], ...]:
    names = {"none": "No header", "text": "Text", "image": "Image", "video": "Video"}
    names["document"] = "Document"
    if kind == "button":
        return tuple((names[k], k) for k in HEADER_CHOICES)
    options = [(names["none"], "none"), (names["text"], "text")]
    if current in MEDIA_KINDS:
        # Kept from Buttons mode so that switching back restores it; the error says why.
        options.append((f"{names[current]} (buttons only)", current))
    return tuple(options)


# --- the builder ------------------------------------------------------------------------------


class MessageBuilder(traitlets.HasTraits):
    """Design a reply-button or list message with a live phone preview; display it in a cell.

    ``MessageBuilder(message)`` starts from a ``Message``, a payload dict or JSON text.

    Observe ``message`` (None while the draft has errors), ``errors`` and ``warnings``;
    read ``payload`` (the draft, valid or not) or ``to_json()`` (the valid message). The
    methods do what the controls do, one render each, so a script can drive a demo:
    ``set_type``, ``edit``, ``set_header``, ``add_button`` / ``edit_button`` /
    ``move_button`` / ``remove_button``, the same for sections and rows, ``load`` and
    ``send``. Indexes start at 0.
    """

    #: The draft as a validated ``Message``, or None while it has errors.
    message = traitlets.Instance(Message, allow_none=True, read_only=True)
    #: Why the draft does not validate: ``FieldError(path, message)`` items.
    errors = traitlets.Tuple(read_only=True)
    #: ``lint()`` warnings of the valid message (``LintWarning(path, message)``).
    warnings = traitlets.Tuple(read_only=True)

    def __init__(
        self,
        message: Message | Mapping[str, Any] | str | bytes | None = None,
        *,
        theme: str = DEFAULT_THEME,
    ) -> None:
        super().__init__()
        check_theme(theme)  # before any widget exists: a bad theme leaves nothing behind
        self._theme = theme
        self._draft = Draft()
        if message is not None:
            self._draft.load(_validate(message))
        self._syncing = False
        self._sending = False
        self._send_thread: threading.Thread | None = None
        self._sandbox_transport: SandboxTransport | None = None
        self._export_stale = True
        self._build()
        self._render()

    @classmethod
    def from_json(cls, text: str | bytes, *, theme: str = DEFAULT_THEME) -> MessageBuilder:
        """A builder holding an exported payload; bad JSON or a bad message raises."""
        return cls(_validate(text), theme=theme)

    # --- public: what the controls do, for scripts ------------------------------------------

    @property
    def payload(self) -> dict[str, Any]:
        """The draft as a payload dict, valid or not (what the preview shows)."""
        return self._draft.payload()

    def to_json(self) -> str:
        """The valid message as pretty JSON; raises ValueError, naming the problems, if not."""
        if self.message is None:
            raise ValueError(f"cannot export yet: {self._problems_text()}")
        text: str = self.message.to_json()
        return text

    def load(self, message: Message | Mapping[str, Any] | str | bytes) -> None:
        """Replace the draft with a message (a Message, payload dict or JSON text).

        An invalid one raises (``ValueError`` for bad JSON, ``pydantic.ValidationError``
        for a bad message) and leaves the draft as it was.
        """
        valid = _validate(message)
        self._edit(lambda: self._draft.load(valid))

    def set_type(self, kind: str) -> None:
        """Switch between 'button' and 'list'; each mode keeps what was typed in it."""
        if kind not in KINDS:
            raise ValueError(f"type {kind!r} is not one of 'button' or 'list'")
        self._edit(lambda: setattr(self._draft, "kind", kind))

    def edit(
        self,
        *,
        to: str | None = None,
        body: str | None = None,
        footer: str | None = None,
        menu_button: str | None = None,
    ) -> None:
        """Set the recipient, body, footer (``""`` removes it) or list menu button label."""
        values = {"to": to, "body": body, "footer": footer, "menu_button": menu_button}

        def apply() -> None:
            for name, value in values.items():
                if value is not None:
                    setattr(self._draft, name, value)

        self._edit(apply)

    def set_header(
        self,
        kind: str = "none",
        *,
        text: str | None = None,
        link: str | None = None,
        media_id: str | None = None,
        filename: str | None = None,
    ) -> None:
        """Choose the header: 'none', 'text' (with ``text``), or 'image'/'video'/'document'
        with a ``link`` or a ``media_id`` (a document may have a ``filename``)."""
        if kind not in HEADER_CHOICES:
            raise ValueError(f"header kind {kind!r} is not one of {', '.join(HEADER_CHOICES)}")
        if link is not None and media_id is not None:
            raise ValueError("give either link= or media_id= for a media header, not both")
        draft = self._draft

        def apply() -> None:
            draft.header_kind = kind
            if text is not None:
                draft.header_text = text
            if link is not None:
                draft.media_source, draft.media["link"] = "link", link
            if media_id is not None:
                draft.media_source, draft.media["id"] = "id", media_id
            if filename is not None:
                draft.filename = filename

        self._edit(apply)

    def add_button(self, title: str | None = None, *, id: str | None = None) -> None:
        """Add a reply button; its id follows the title unless given. At most 3."""
        self._refuse_if(self._button_refusal())
        buttons = self._draft.buttons
        name = title if title is not None else fresh_title("Button", (b.title for b in buttons))
        choice = ChoiceDraft(name, id or "", id_typed=id is not None)
        self._edit(lambda: buttons.append(choice))

    def edit_button(self, index: int, *, title: str | None = None, id: str | None = None) -> None:
        """Change button ``index`` (from 0); a typed id stops following the title."""
        check_index(self._draft.buttons, index, "button")
        self._edit(lambda: _edit_choice(self._draft.buttons[index], title=title, id=id))

    def remove_button(self, index: int) -> None:
        """Remove button ``index``; the last one may go too (the error says to add one)."""
        check_index(self._draft.buttons, index, "button")
        self._edit(lambda: self._draft.buttons.pop(index))

    def move_button(self, index: int, offset: int) -> None:
        """Move button ``index`` by ``offset`` places (-1 is up)."""
        self._edit(lambda: move_item(self._draft.buttons, index, offset, "button"))

    def add_section(self, title: str | None = None) -> None:
        """Add a section with one row (a section cannot be empty)."""
        self._refuse_if(self._section_refusal())
        draft = self._draft
        name = (
            title
            if title is not None
            else fresh_title("Section", (s.title for s in draft.sections))
        )
        row = ChoiceDraft(fresh_title("Option", (r.title for r in draft.rows())))
        self._edit(lambda: draft.sections.append(SectionDraft(name, [row])))

    def edit_section(self, index: int, *, title: str) -> None:
        """Retitle section ``index`` (``""`` leaves it untitled)."""
        check_index(self._draft.sections, index, "section")
        self._edit(lambda: setattr(self._draft.sections[index], "title", title))

    def remove_section(self, index: int) -> None:
        """Remove section ``index`` with its rows."""
        check_index(self._draft.sections, index, "section")
        self._edit(lambda: self._draft.sections.pop(index))

    def move_section(self, index: int, offset: int) -> None:
        """Move section ``index`` by ``offset`` places (-1 is up), rows and all."""
        self._edit(lambda: move_item(self._draft.sections, index, offset, "section"))

    def add_row(
        self,
        title: str | None = None,
        *,
        section: int = -1,
        id: str | None = None,
        description: str = "",
    ) -> None:
        """Add a row to a section (the last by default); at most 10 rows in all sections."""
        draft = self._draft
        if not draft.sections:
            raise ValueError("the list has no section; add one with add_section() first")
        position = section + len(draft.sections) if section < 0 else section
        check_index(draft.sections, position, "section")
        target = draft.sections[position]
        self._refuse_if(self._row_refusal())
        name = (
            title if title is not None else fresh_title("Option", (r.title for r in draft.rows()))
        )
        row = ChoiceDraft(name, id or "", description, id_typed=id is not None)
        self._edit(lambda: target.rows.append(row))

    def edit_row(
        self,
        section: int,
        index: int,
        *,
        title: str | None = None,
        id: str | None = None,
        description: str | None = None,
    ) -> None:
        """Change row ``index`` of section ``section``; a typed id stops following the title."""
        check_index(self._draft.sections, section, "section")
        rows = self._draft.sections[section].rows
        check_index(rows, index, "row")
        self._edit(lambda: _edit_choice(rows[index], title=title, id=id, description=description))

    def remove_row(self, section: int, index: int) -> None:
        """Remove row ``index`` of section ``section``."""
        check_index(self._draft.sections, section, "section")
        rows = self._draft.sections[section].rows
        check_index(rows, index, "row")
        self._edit(lambda: rows.pop(index))

    def move_row(self, section: int, index: int, offset: int) -> None:
        """Move a row by ``offset`` places within its section (-1 is up)."""
        check_index(self._draft.sections, section, "section")
        rows = self._draft.sections[section].rows
        self._edit(lambda: move_item(rows, index, offset, "row"))

    def send(self) -> Future[SendResult]:
        """Send the message in the background (as the Send button does); returns a Future.

        With the sandbox switch on it goes to this builder's in-process sandbox (a typed
        key such as ``sandbox-unauthorized`` shows its errors); otherwise to the API with
        the key from the key field or ``AISOULE_API_KEY``. The result or the error
        appears in the Send panel too.
        """
        message = self.message
        if message is None:
            raise ValueError(f"cannot send yet: {self._problems_text()}")
        if self._sending:
            raise RuntimeError("a send is already under way; wait for its result")
        sandbox = bool(self._sandbox.value)
        typed = str(self._api_key.value)
        key = typed if sandbox else typed or os.environ.get(API_KEY_ENV, "")
        if not sandbox and not key:
            raise ValueError(
                f"no API key: type it in the key field, set {API_KEY_ENV}, "
                "or turn on the sandbox to try it without one"
            )
        future: Future[SendResult] = Future()
        self._sending = True
        self._sync_send_button()
        _set(self._send_result, "value", "Sending…")
        self._send_thread = threading.Thread(
            target=self._send_in_background,
            args=(message, key, sandbox, future),
            name="aisoule-send",
            daemon=True,
        )
        self._send_thread.start()
        return future

    def close(self) -> None:
        """Close every widget of the builder (it disappears from the page)."""
        _close_tree(self._root)
        self._look.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle: dict[str, Any] | None = self._root._repr_mimebundle_(**kwargs)
        if bundle is not None:
            # Where widgets cannot render (a stored notebook, a terminal), say what this is
            # rather than the root widget's tree of HBox(children=(VBox(...
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        kind = "buttons" if self._draft.kind == "button" else "list"
        state = "valid" if self.message is not None else f"{len(self.errors)} problem(s)"
        return f"<MessageBuilder {kind}, {state}>"

    # --- building the controls ----------------------------------------------------------------

    def _build(self) -> None:
        look = self._look = _Look()
        self._type = widgets.ToggleButtons(
            options=(("Buttons", "button"), ("List", "list")),
            value=self._draft.kind,
            _dom_classes=("aisoule-type",),
        )
        self._to = _text(
            "aisoule-to", look, "918856879188 (country code first)", limit=None, label="To"
        )
        self._to_problems = _problem_line(look)

        self._header_kind = widgets.Dropdown(
            options=_header_options(self._draft.kind, self._draft.header_kind),
            value=self._draft.header_kind,
            description="Header",
            style={"description_width": LABEL_WIDTH},
            _dom_classes=("aisoule-header-kind",),
        )
        self._header = _text(
            "aisoule-header-text",
            look,
            "Bold line above the body",
            limit=LIMITS.header_text,
            label="Header text",
        )
        self._header_text_row = widgets.HBox(self._header.parts)
        self._media_source = widgets.ToggleButtons(
            options=(("Link", "link"), ("Media id", "id")),
            value=self._draft.media_source,
            _dom_classes=("aisoule-header-source",),
        )
        self._media = widgets.Text(
            placeholder="https://… or an uploaded media id",
            layout=look.wide,
            style=look.text,
            _dom_classes=("aisoule-header-media",),
        )
        self._filename = widgets.Text(
            placeholder="File name shown (optional)",
            style=look.text,
            _dom_classes=("aisoule-header-filename",),
        )
        self._media_box = widgets.VBox([self._media_source, self._media, self._filename])
        self._header_problems = _problem_line(look)

        self._body = _Field(
            widgets.Textarea(
                _dom_classes=("aisoule-body",),
                description="Body",
                placeholder="Message text: *bold*, _italic_, ~strike~, ```mono```",
                rows=4,
                layout=widgets.Layout(width="100%"),
                style=look.labelled,
            ),
            look,
            limit=LIMITS.body,
        )
        self._body_problems = _problem_line(look)
        self._footer = _text(
            "aisoule-footer",
            look,
            "Small grey text (optional)",
            limit=LIMITS.footer,
            label="Footer",
        )
        self._footer_problems = _problem_line(look)

        self._add_button = widgets.Button(
            description="Add button", icon="plus", _dom_classes=("aisoule-add-button",)
        )
        self._buttons_list = widgets.VBox()
        self._buttons_problems = _problem_line(look)
        self._buttons_panel = widgets.VBox(
            [self._buttons_list, self._add_button, self._buttons_problems],
            _dom_classes=("aisoule-buttons",),
        )
        self._button_editors: list[_ChoiceEditor] = []

        self._menu_button = _text(
            "aisoule-menu-button",
            look,
            "Opens the list",
            limit=LIMITS.menu_button,
            label="Menu button",
        )
        self._menu_button_problems = _problem_line(look)
        self._add_section = widgets.Button(
            description="Add section", icon="plus", _dom_classes=("aisoule-add-section",)
        )
        self._sections_list = widgets.VBox()
        self._list_panel = widgets.VBox(
            [
                widgets.HBox(self._menu_button.parts, layout=look.centred),
                self._menu_button_problems,
                self._sections_list,
                self._add_section,
            ],
            _dom_classes=("aisoule-list",),
        )
        self._section_editors: list[_SectionEditor] = []

        self._summary = widgets.HTML(_dom_classes=("aisoule-summary",))
        self._notice = widgets.HTML(_dom_classes=("aisoule-notice",))

        self._preview = widgets.HTML(
            layout=widgets.Layout(flex="1 1 380px", min_width="340px"),
            _dom_classes=("aisoule-preview",),
        )

        tools = [self._build_export(), self._build_import(), self._build_send()]
        self._tools = widgets.Accordion(
            children=tools, titles=("Export", "Import", "Send"), _dom_classes=("aisoule-tools",)
        )

        self._editor = widgets.VBox(
            [
                self._type,
                widgets.HBox(self._to.parts, layout=look.centred),
                self._to_problems,
                self._header_kind,
                self._header_text_row,
                self._media_box,
                self._header_problems,
                widgets.HBox(self._body.parts, layout=look.centred),
                self._body_problems,
                widgets.HBox(self._footer.parts, layout=look.centred),
                self._footer_problems,
                self._buttons_panel,
                self._list_panel,
                self._summary,
                self._notice,
                self._tools,
            ],
            layout=widgets.Layout(flex="1 1 460px", min_width="360px"),
            _dom_classes=("aisoule-editor",),
        )
        self._root = widgets.HBox(
            [self._editor, self._preview],
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
            _dom_classes=("aisoule-builder",),
        )
        self._wire()

    def _build_export(self) -> Any:
        self._export_status = widgets.HTML(_dom_classes=("aisoule-export-status",))
        self._export_json = widgets.Textarea(
            rows=12, layout=widgets.Layout(width="100%"), _dom_classes=("aisoule-export-json",)
        )
        self._copy = widgets.HTML(_dom_classes=("aisoule-copy",))
        self._download = widgets.HTML(_dom_classes=("aisoule-download",))
        self._snippet_kind = widgets.ToggleButtons(
            options=SNIPPETS, value="curl", _dom_classes=("aisoule-snippet-kind",)
        )
        self._snippet = widgets.Textarea(
            rows=12, layout=widgets.Layout(width="100%"), _dom_classes=("aisoule-snippet",)
        )
        return widgets.VBox(
            [
                self._export_status,
                self._export_json,
                widgets.HBox([self._copy, self._download]),
                self._snippet_kind,
                self._snippet,
            ]
        )

    def _build_import(self) -> Any:
        self._import_text = widgets.Textarea(
            placeholder="Paste a message's JSON here",
            rows=8,
            layout=widgets.Layout(width="100%"),
            _dom_classes=("aisoule-import-text",),
        )
        self._import_file = widgets.FileUpload(
            accept=".json,application/json", multiple=False, _dom_classes=("aisoule-import-file",)
        )
        self._import_load = widgets.Button(
            description="Load", icon="upload", _dom_classes=("aisoule-import-load",)
        )
        self._import_result = widgets.HTML(_dom_classes=("aisoule-import-result",))
        buttons = widgets.HBox([self._import_load, self._import_file])
        return widgets.VBox([self._import_text, buttons, self._import_result])

    def _build_send(self) -> Any:
        has_key = bool(os.environ.get(API_KEY_ENV))
        placeholder = f"Using {API_KEY_ENV} from the environment" if has_key else "API key"
        self._api_key = widgets.Password(
            placeholder=placeholder, description="API key", _dom_classes=("aisoule-api-key",)
        )
        self._sandbox = widgets.Checkbox(
            value=not has_key,
            description="Sandbox (nothing leaves this kernel)",
            indent=False,
            _dom_classes=("aisoule-sandbox",),
        )
        self._send_button = widgets.Button(
            description="Send", icon="paper-plane", _dom_classes=("aisoule-send",)
        )
        self._send_result = widgets.HTML(_dom_classes=("aisoule-send-result",))
        self._send_status = widgets.HTML(_dom_classes=("aisoule-send-status",))
        return widgets.VBox(
            [self._api_key, self._sandbox, self._send_status, self._send_button, self._send_result]
        )

    def _wire(self) -> None:
        draft = self._draft
        self._bind(self._type, lambda v: setattr(draft, "kind", v))
        self._bind(self._to.control, lambda v: setattr(draft, "to", v), alone=self._to)
        self._bind(self._header_kind, lambda v: setattr(draft, "header_kind", v))
        self._bind(
            self._header.control, lambda v: setattr(draft, "header_text", v), alone=self._header
        )
        self._bind(self._media_source, lambda v: setattr(draft, "media_source", v))
        self._bind(self._media, lambda v: draft.media.__setitem__(draft.media_source, v))
        self._bind(self._filename, lambda v: setattr(draft, "filename", v))
        self._bind(self._body.control, lambda v: setattr(draft, "body", v), alone=self._body)
        self._bind(self._footer.control, lambda v: setattr(draft, "footer", v), alone=self._footer)
        self._bind(
            self._menu_button.control,
            lambda v: setattr(draft, "menu_button", v),
            alone=self._menu_button,
        )
        self._on_click(self._add_button, self.add_button)
        self._on_click(self._add_section, self.add_section)
        self._on_click(self._import_load, self._import_pasted)
        self._on_click(self._send_button, self._send_clicked)
        self._import_file.observe(self._guarded(self._import_uploaded), names="value")
        self._tools.observe(self._guarded(lambda _: self._sync_export()), names="selected_index")
        self._snippet_kind.observe(self._guarded(self._snippet_chosen), names="value")

    def _bind(
        self, control: Any, apply: Callable[[Any], None], *, alone: _Field | None = None
    ) -> None:
        """Route a control's edits to the draft, then render once.

        ``alone``: the field whose edits change no other control but its counter (no id
        follows it), so a keystroke there leaves every other control alone.
        """

        def changed(change: dict[str, Any]) -> None:
            if not self._syncing:
                self._edit(lambda: apply(change["new"]), alone=alone)

        control.observe(self._guarded(changed), names="value")

    def _on_click(self, button: Any, action: Callable[[], Any]) -> None:
        button.on_click(self._guarded(lambda _button: action()))

    def _guarded(self, handler: Callable[[Any], Any]) -> Callable[[Any], None]:
        """An observer that never raises: a refusal or failure becomes the notice line."""

        def run(argument: Any) -> None:
            try:
                handler(argument)
            except (ValueError, IndexError) as error:  # a refused action says why
                self._tell(str(error))
            except Exception as error:  # an observer must never raise
                self._tell(
                    f"something went wrong ({type(error).__name__}: {error}); your draft is "
                    "kept as it was typed"
                )

        return run

    def _tell(self, text: str) -> None:
        _set(
            self._notice,
            "value",
            f'<div style="color:{_ERROR_COLOUR}">{_words(text)}</div>' if text else "",
        )

    def _refuse_if(self, reason: str) -> None:
        if reason:
            raise ValueError(reason)

    def _button_refusal(self) -> str:
        if len(self._draft.buttons) >= LIMITS.buttons:
            return (
                f"a button message has at most {LIMITS.buttons} buttons; remove one first, "
                f"or switch to List for up to {LIMITS.rows} choices"
            )
        return ""

    def _row_refusal(self) -> str:
        if self._draft.row_count() >= LIMITS.rows:
            return (
                f"the list already has {LIMITS.rows} rows, the most WhatsApp allows across "
                "all sections; remove a row first"
            )
        return ""

    def _section_refusal(self) -> str:
        if len(self._draft.sections) >= LIMITS.sections:
            return f"the list already has {LIMITS.sections} sections; remove one first"
        if self._draft.row_count() >= LIMITS.rows:
            return (
                f"a new section needs a row and the list already has {LIMITS.rows} rows; "
                "remove a row first"
            )
        return ""

    def _problems_text(self) -> str:
        problems = "; ".join(
            f"{error.path}: {error.message}" for error in self.errors[:SUMMARY_LINES]
        )
        more = len(self.errors) - SUMMARY_LINES
        tail = f"; and {more} more" if more > 0 else ""
        return f"the draft has {len(self.errors)} problem(s): {problems}{tail}"

    # --- one edit, one render -------------------------------------------------------------------

    def _edit(self, apply: Callable[[], Any], *, alone: _Field | None = None) -> None:
        apply()
        self._tell("")
        self._render(alone)

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Controls set from the draft are not edits."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _render(self, alone: _Field | None = None) -> None:
        draft = self._draft
        draft.fill_ids()
        payload = draft.payload()
        message: Message | None
        errors: tuple[FieldError, ...]
        try:
            message = Message.model_validate(payload)
            errors = ()
        except ValidationError as error:
            message = None
            errors = tuple(
                FieldError(_join_path(tuple(item["loc"])), item["msg"])
                for item in error.errors(include_url=False)
            )
        warnings = tuple(lint(message)) if message is not None else ()
        with self._quietly():
            if alone is None:
                self._sync_structure()
                self._sync_values()
            else:
                alone.show(alone.control.value)
            # Most keystrokes leave the problems as they were; then, with the same lines on
            # screen (only one field changed), there is nothing to redraw.
            if alone is None or (errors, warnings) != (self.errors, self.warnings):
                self._show_problems(errors, warnings)
            _set(self._preview, "value", embed_preview(payload, theme=self._theme))
        self.set_trait("errors", errors)
        self.set_trait("warnings", warnings)
        self.set_trait("message", message)
        self._export_stale = True
        self._sync_export()
        self._sync_send_button()

    def _sync_structure(self) -> None:
        draft = self._draft
        editors = self._button_editors
        while len(editors) < len(draft.buttons):
            editors.append(self._new_button_editor(len(editors)))
        while len(editors) > len(draft.buttons):
            editors.pop().close()
        _set(self._buttons_list, "children", tuple(e.box for e in editors))

        sections = self._section_editors
        while len(sections) < len(draft.sections):
            sections.append(self._new_section_editor(len(sections)))
        while len(sections) > len(draft.sections):
            sections.pop().close()
        _set(self._sections_list, "children", tuple(s.box for s in sections))
        for editor, section in zip(sections, draft.sections, strict=True):
            while len(editor.rows) < len(section.rows):
                editor.rows.append(self._new_row_editor(editor.index, len(editor.rows)))
            while len(editor.rows) > len(section.rows):
                editor.rows.pop().close()
            _set(editor.rows_box, "children", tuple(r.box for r in editor.rows))

    def _new_button_editor(self, index: int) -> _ChoiceEditor:
        draft = self._draft  # its lists are replaced by load(), so look them up each time
        last = index == len(draft.buttons) - 1
        editor = _ChoiceEditor("button", index, self._look, draft.buttons[index], last=last)
        self._bind(editor.title.control, lambda v: setattr(draft.buttons[index], "title", v))
        self._bind(editor.id.control, lambda v: _edit_choice(draft.buttons[index], id=v))
        self._on_click(editor.up, lambda: self.move_button(index, -1))
        self._on_click(editor.down, lambda: self.move_button(index, 1))
        self._on_click(editor.remove, lambda: self.remove_button(index))
        return editor

    def _new_section_editor(self, index: int) -> _SectionEditor:
        draft = self._draft
        last = index == len(draft.sections) - 1
        editor = _SectionEditor(
            index,
            self._look,
            draft.sections[index].title,
            last=last,
            add_row_refusal=self._row_refusal(),
        )
        self._bind(
            editor.title.control,
            lambda v: setattr(draft.sections[index], "title", v),
            alone=editor.title,
        )
        self._on_click(editor.up, lambda: self.move_section(index, -1))
        self._on_click(editor.down, lambda: self.move_section(index, 1))
        self._on_click(editor.remove, lambda: self.remove_section(index))
        self._on_click(editor.add_row, lambda: self.add_row(section=index))
        return editor

    def _new_row_editor(self, section: int, index: int) -> _ChoiceEditor:
        draft = self._draft
        rows = draft.sections[section].rows
        editor = _ChoiceEditor("row", index, self._look, rows[index], last=index == len(rows) - 1)

        def row() -> ChoiceDraft:
            return draft.sections[section].rows[index]

        assert editor.description is not None
        self._bind(editor.title.control, lambda v: setattr(row(), "title", v))
        self._bind(editor.id.control, lambda v: _edit_choice(row(), id=v))
        self._bind(
            editor.description.control,
            lambda v: setattr(row(), "description", v),
            alone=editor.description,
        )
        self._on_click(editor.up, lambda: self.move_row(section, index, -1))
        self._on_click(editor.down, lambda: self.move_row(section, index, 1))
        self._on_click(editor.remove, lambda: self.remove_row(section, index))
        return editor

    def _sync_values(self) -> None:
        draft = self._draft
        is_list = draft.kind == "list"
        _set(self._type, "value", draft.kind)
        self._to.show(draft.to)
        options = _header_options(draft.kind, draft.header_kind)
        _set(self._header_kind, "options", options)
        _set(self._header_kind, "value", draft.header_kind)
        self._header.show(draft.header_text)
        _set(self._header_text_row.layout, "display", "" if draft.header_kind == "text" else "none")
        _set(self._media_box.layout, "display", "" if draft.header_kind in MEDIA_KINDS else "none")
        _set(self._media_source, "value", draft.media_source)
        _set(self._media, "value", draft.media[draft.media_source])
        _set(self._filename, "value", draft.filename)
        _set(self._filename.layout, "display", "" if draft.header_kind == "document" else "none")
        self._body.show(draft.body)
        self._footer.show(draft.footer)
        _set(self._buttons_panel.layout, "display", "none" if is_list else "")
        _set(self._list_panel.layout, "display", "" if is_list else "none")

        for i, (editor, choice) in enumerate(zip(self._button_editors, draft.buttons, strict=True)):
            editor.title.show(choice.title)
            editor.id.show(choice.id)
            _set(editor.up, "disabled", i == 0)
            _set(editor.down, "disabled", i == len(draft.buttons) - 1)
        refusal = self._button_refusal()
        _set(self._add_button, "disabled", bool(refusal))
        _set(self._add_button, "tooltip", refusal or f"Add a reply button (up to {LIMITS.buttons})")

        self._menu_button.show(draft.menu_button)
        row_refusal = self._row_refusal()
        for s, (section_editor, section) in enumerate(
            zip(self._section_editors, draft.sections, strict=True)
        ):
            section_editor.title.show(section.title)
            _set(section_editor.up, "disabled", s == 0)
            _set(section_editor.down, "disabled", s == len(draft.sections) - 1)
            _set(section_editor.add_row, "disabled", bool(row_refusal))
            _set(
                section_editor.add_row,
                "tooltip",
                row_refusal or ADD_ROW_TIP,
            )
            for r, (editor, row) in enumerate(zip(section_editor.rows, section.rows, strict=True)):
                editor.title.show(row.title)
                editor.id.show(row.id)
                assert editor.description is not None
                editor.description.show(row.description)
                _set(editor.up, "disabled", r == 0)
                _set(editor.down, "disabled", r == len(section.rows) - 1)
        section_refusal = self._section_refusal()
        _set(self._add_section, "disabled", bool(section_refusal))
        _set(
            self._add_section,
            "tooltip",
            section_refusal or f"Add a section (up to {LIMITS.sections})",
        )

    def _problem_lines(self) -> Iterator[tuple[_Key, Any]]:
        """Every problem line, by the key `_owner` gives the problems it shows."""
        yield ("to",), self._to_problems
        yield ("header",), self._header_problems
        yield ("body",), self._body_problems
        yield ("footer",), self._footer_problems
        yield ("menu_button",), self._menu_button_problems
        yield ("buttons",), self._buttons_problems
        for i, editor in enumerate(self._button_editors):
            yield ("button", i), editor.problems
        for s, section in enumerate(self._section_editors):
            yield ("section", s), section.problems
            for r, row in enumerate(section.rows):
                yield ("row", s, r), row.problems

    def _show_problems(self, errors: tuple[FieldError, ...], warnings: tuple[Any, ...]) -> None:
        by_line: dict[_Key, tuple[list[str], list[str]]] = {}
        loose: list[str] = []
        listed: list[str] = []
        for error in errors:
            key = _owner(_split_path(error.path))
            if key is None:
                loose.append(error.message)
            else:
                by_line.setdefault(key, ([], []))[0].append(error.message)
                listed.append(_where(key) + error.message)
        for warning in warnings:
            key = _owner(_split_path(warning.path))
            if key is not None:
                by_line.setdefault(key, ([], []))[1].append(warning.message)
        for key, line in self._problem_lines():
            found, warned = by_line.get(key, ([], []))
            _set(line, "value", _problem_html(found, warned))
        _set(self._summary, "value", _summary_html(loose, listed, warnings))

    # --- export, import, send ---------------------------------------------------------------

    def _sync_export(self) -> None:
        if self._tools.selected_index != 0 or not self._export_stale:
            return  # refreshed when the Export panel opens
        self._export_stale = False
        message = self.message
        if message is None:
            _set(
                self._export_status,
                "value",
                f'<span style="color:{_ERROR_COLOUR}">Export is off until the draft is valid: '
                f"{_words(self._problems_text())}. Fix the fields marked in "
                "red.</span>",
            )
            _set(self._export_json, "value", "")
            _set(self._export_json, "disabled", True)
            _set(self._copy, "value", "")
            _set(self._download, "value", "")
            _set(self._snippet, "value", "")
            _set(self._snippet, "disabled", True)
            return
        text = message.to_json()
        snippet = snippet_for(self._snippet_kind.value, message)
        _set(
            self._export_status,
            "value",
            f'<span style="color:{_OK_COLOUR}">Ready: this is exactly what the API receives. '
            f"The key is shown as ${API_KEY_ENV}.</span>",
        )
        _set(self._export_json, "disabled", False)
        _set(self._export_json, "value", text)
        _set(
            self._copy,
            "value",
            copy_button("Copy JSON", text) + " " + copy_button("Copy snippet", snippet),
        )
        _set(self._download, "value", download_link(text))
        _set(self._snippet, "disabled", False)
        _set(self._snippet, "value", snippet)

    def _snippet_chosen(self, _change: Any) -> None:
        self._export_stale = True
        self._sync_export()

    def _send_clicked(self) -> None:
        try:
            self.send()
        except (ValueError, RuntimeError) as error:
            _set(
                self._send_result,
                "value",
                f'<span style="color:{_ERROR_COLOUR}">Not sent: {_words(str(error))}</span>',
            )

    def _import_pasted(self) -> None:
        self._import(self._import_text.value)

    def _import_uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        try:
            text = bytes(upload["content"]).decode("utf-8")
        except UnicodeDecodeError:
            self._import_said(
                f"{upload['name']} is not UTF-8 text; export the message as JSON and try again",
                ok=False,
            )
            return
        finally:
            self._import_file.value = ()
        with self._quietly():
            self._import_text.value = text
        self._import(text, source=upload["name"])

    def _import(self, text: str, *, source: str = "the pasted text") -> None:
        if not text.strip():
            self._import_said("nothing to load: paste a message's JSON first", ok=False)
            return
        try:
            self.load(text)
        except ValueError as error:  # ValidationError is a ValueError
            self._import_said(
                f"{source} was not loaded, your draft is unchanged. {_why(error)}", ok=False
            )
            return
        self._import_said(f"Loaded {source}.", ok=True)

    def _import_said(self, text: str, *, ok: bool) -> None:
        colour = _OK_COLOUR if ok else _ERROR_COLOUR
        body = _words(text).replace("\n", "<br>")
        _set(self._import_result, "value", f'<div style="color:{colour}">{body}</div>')

    def _sync_send_button(self) -> None:
        ready = self.message is not None
        _set(self._send_button, "disabled", self._sending or not ready)
        if self._sending:
            tip = "Sending…"
        elif ready:
            tip = "Send this message"
        else:
            tip = "Fix the problems listed above to send"
        _set(self._send_button, "tooltip", tip)
        status = (
            ""
            if ready
            else f'<span style="color:{_ERROR_COLOUR}">Send is off until the draft is valid: '
            f"{len(self.errors)} problem(s) to fix, listed above.</span>"
        )
        _set(self._send_status, "value", status)

    def _client(self, key: str, *, sandbox: bool) -> Client:
        from .client import Client

        if not sandbox:
            return Client(api_key=key)
        if self._sandbox_transport is None:
            from .sandbox import SandboxTransport

            self._sandbox_transport = SandboxTransport()
        return Client.sandbox(self._sandbox_transport, api_key=key or None)

    def _send_in_background(
        self, message: Message, key: str, sandbox: bool, future: Future[SendResult]
    ) -> None:
        try:
            with self._client(key, sandbox=sandbox) as client:
                result = client.send(message)
        except Exception as error:  # shown to the user; a thread has no caller
            text = _redact(str(error) or type(error).__name__, key)
            if not _is_api_error(error):
                text = f"could not send ({type(error).__name__}): {text}"
            _set(
                self._send_result,
                "value",
                f'<span style="color:{_ERROR_COLOUR}">{_words(text)}</span>',
            )
            self._sending = False
            self._sync_send_button()
            future.set_exception(error)
            return
        where = " (sandbox)" if sandbox else ""
        _set(
            self._send_result,
            "value",
            f'<span style="color:{_OK_COLOUR}">Sent{where}: message id '
            f"<code>{_words(str(result.message_id))}</code>, status "
            f"<b>{_words(str(result.status))}</b>, to {_words(str(result.recipient))}"
            "</span>",
        )
        self._sending = False
        self._sync_send_button()
        future.set_result(result)


def _summary_html(loose: list[str], listed: list[str], warnings: tuple[Any, ...]) -> str:
    problems = loose + listed
    if not problems:
        head = f'<div style="color:{_OK_COLOUR}">Valid: ready to export and send.</div>'
    else:
        # Problems that no field shows are always listed; the others while there is room.
        shown = loose + listed[: max(0, SUMMARY_LINES - len(loose))]
        items = "".join(f"<li>{_words(text)}</li>" for text in shown)
        more = len(problems) - len(shown)
        tail = f"<li>… and {more} more, marked beside their fields</li>" if more > 0 else ""
        noun = "problem" if len(problems) == 1 else "problems"
        head = (
            f'<div style="color:{_ERROR_COLOUR}">{len(problems)} {noun} to fix '
            f'(nothing is lost meanwhile):<ul style="margin:0">{items}{tail}</ul></div>'
        )
    if warnings:
        count = len(warnings)
        head += (
            f'<div class="aisoule-warning" style="color:{_WARNING_COLOUR}">{count} '
            f"warning{'s' if count > 1 else ''}: valid, but see the notes beside the fields.</div>"
        )
    return head


def _edit_choice(
    choice: ChoiceDraft,
    *,
    title: str | None = None,
    id: str | None = None,
    description: str | None = None,
) -> None:
    if title is not None:
        choice.title = title
    if id is not None:
        choice.id = id
        choice.id_typed = True
    if description is not None:
        choice.description = description


def _validate(source: Message | Mapping[str, Any] | str | bytes) -> Message:
    """A Message from a Message, a payload dict or JSON text; raises a ValueError if bad."""
    if isinstance(source, Message):
        return source
    if isinstance(source, str | bytes):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"the text is not valid JSON ({error.msg} at line {error.lineno}, column "
                f"{error.colno}); paste the payload exactly as exported"
            ) from None
        if not isinstance(data, dict):
            raise ValueError(
                f"the JSON is {type(data).__name__}, not an object; a message is a JSON "
                'object such as {"to": ..., "type": "interactive", "interactive": {...}}'
            )
        source = data
    if not isinstance(source, Mapping):
        raise TypeError(
            f"cannot load {type(source).__name__}; give a Message, a payload dict or JSON text"
        )
    return Message.model_validate(dict(source))


def _why(error: ValueError) -> str:
    if isinstance(error, ValidationError):
        lines = [
            f"{_join_path(tuple(item['loc'])) or 'message'}: {item['msg']}"
            for item in error.errors(include_url=False)
        ]
        return f"It has {len(lines)} problem(s):\n" + "\n".join(lines)
    return str(error)


def _redact(text: str, key: str) -> str:
    return text.replace(key, "[API key]") if key else text


def _is_api_error(error: Exception) -> bool:
    try:
        from .errors import AisouleError
    except ImportError:  # pragma: no cover - the errors module ships with the package
        return False
    return isinstance(error, AisouleError)
