"""The builder on the largest legal list: one keystroke, what it sends to the page, building it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import comm
from comm.base_comm import BaseComm

from aisoule_widgets import MessageBuilder
from aisoule_widgets.preview import render_preview
from benchmarks.payloads import largest_list
from benchmarks.timing import ROUNDS, Figure, side_by_side

KEYSTROKE_TARGET = 10e-3  # seconds, validate + render + set
KEYSTROKE_RATIO_TARGET = 2.0  # against render_preview alone
BUILD_TARGET = 150e-3  # seconds, build and display


class _CountingComm(BaseComm):
    """Records the comm messages the kernel would send to the page: (model id, method)."""

    sent: list[tuple[str, str]] = []  # noqa: RUF012 - one log for every comm

    def publish_msg(self, msg_type: str, data: Any = None, **keys: Any) -> None:
        if msg_type == "comm_msg" and data:
            _CountingComm.sent.append((self.comm_id, data.get("method", "")))


@contextmanager
def _counting() -> Iterator[list[tuple[str, str]]]:
    real = comm.create_comm
    comm.create_comm = _CountingComm
    _CountingComm.sent.clear()
    try:
        yield _CountingComm.sent
    finally:
        comm.create_comm = real


def _type(control: Any, value: str) -> None:
    """What the page sends when the user types in a control."""
    state = {"method": "update", "state": {"value": value}, "buffer_paths": []}
    control._handle_msg({"content": {"data": state}, "buffers": []})


def _keystrokes(control: Any) -> Any:
    """A keystroke that changes the last character each time, so every one is an edit."""
    stem = control.value[:-1]
    letters = iter("ab" * 10_000_000)
    return lambda: _type(control, stem + next(letters))


def figures() -> list[Figure]:
    payload = largest_list()
    render_preview(payload)  # warm: the template compiles once, on first use

    builder = MessageBuilder(payload)
    keystroke = _keystrokes(builder._body.control)
    ours, render = side_by_side(keystroke, lambda: render_preview(payload))
    assert builder.message is not None, "the bench must measure a valid message"

    with _counting() as sent:
        counted = MessageBuilder(payload)
        body = counted._body.control
        sent.clear()
        _type(body, body.value[:-1])  # a backspace: the counter changes too
        updates = [model for model, method in sent if method == "update"]
        echoes = [model for model, method in sent if method == "echo_update"]
        expected = {counted._body.counter.model_id, counted._preview.model_id}
        counted.close()

    build = _build_and_display(payload)
    builder.close()
    return [
        Figure(
            area="builder",
            what="keystroke in the body of the largest list -> new preview HTML",
            value=ours * 1e3,
            unit="ms",
            target="< 10 ms, ratio < 2",
            ok=ours < KEYSTROKE_TARGET and ours / render < KEYSTROKE_RATIO_TARGET,
            baseline=f"render_preview() alone: {render * 1e3:.3g} ms",
            ratio=ours / render,
        ),
        Figure(
            area="builder",
            what="widget state messages to the page per keystroke",
            value=len(updates),
            unit="",
            target="the changed fields + preview",
            ok=set(updates) == expected and len(updates) == len(expected),
            baseline=f"body counter + preview = 2; plus {len(echoes)} echo of the typed value",
        ),
        Figure(
            area="builder",
            what="build and display a builder holding the largest list",
            value=build * 1e3,
            unit="ms",
            target="< 150 ms",
            ok=build < BUILD_TARGET,
        ),
    ]


def _build_and_display(payload: dict[str, Any]) -> float:
    """Median seconds to build a loaded builder and produce its display bundle."""
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        builder = MessageBuilder(payload)
        builder._repr_mimebundle_()
        samples.append(time.perf_counter() - start)
        builder.close()  # not timed: frees the comms before the next sample
    return statistics.median(samples)
