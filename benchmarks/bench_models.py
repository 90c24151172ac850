"""Validation and import cost of the models."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from aisoule_widgets import Message
from benchmarks.payloads import largest_list
from benchmarks.timing import Figure, side_by_side

IMPORT_RUNS = 15
DEPENDENCIES = "import pydantic, httpx, jinja2, ipywidgets"
FULL_USE = "import aisoule_widgets as a; a.Message, a.render_preview, a.Client, a.MessageBuilder"


def figures() -> list[Figure]:
    return [_validate(), *_imports()]


def _validate() -> Figure:
    payload = largest_list()
    text = json.dumps(payload)
    Message.model_validate(payload)  # warm: pydantic builds nothing lazily after this

    ours, baseline = side_by_side(
        lambda: Message.model_validate(payload).to_payload(), lambda: json.loads(text)
    )
    return Figure(
        area="models",
        what="validate + to_payload(), largest legal list",
        value=ours * 1e6,
        unit="µs",
        target="< 50 µs",
        ok=ours < 50e-6,
        baseline=f"json.loads of it: {baseline * 1e6:.3g} µs",
        ratio=ours / baseline,
    )


def _wall(code: str) -> float:
    start = _now()
    subprocess.run([sys.executable, "-c", code], check=True)
    return _now() - start


def _now() -> float:
    import time

    return time.perf_counter()


def _imports() -> list[Figure]:
    # Fresh interpreters, alternated so that load on the machine hits all sides alike.
    samples: dict[str, list[float]] = {"ours": [], "full": [], "deps": []}
    codes = {
        "ours": "import aisoule_widgets",
        "full": FULL_USE,
        "deps": DEPENDENCIES,
    }
    for _ in range(IMPORT_RUNS):
        for name, code in codes.items():
            samples[name].append(_wall(code))
    ours, full, deps = (statistics.median(samples[k]) for k in ("ours", "full", "deps"))
    return [
        Figure(
            area="package",
            what='python -c "import aisoule_widgets"',
            value=ours * 1e3,
            unit="ms",
            target="ratio <= 1.15",
            ok=ours / deps <= 1.15,
            baseline=f"its 4 dependencies alone: {deps * 1e3:.3g} ms",
            ratio=ours / deps,
        ),
        Figure(
            area="package",
            what="import + first use of models, preview, client, builder",
            value=full * 1e3,
            unit="ms",
            target="ratio <= 1.15",
            ok=full / deps <= 1.15,
            baseline=f"its 4 dependencies alone: {deps * 1e3:.3g} ms",
            ratio=full / deps,
        ),
    ]
