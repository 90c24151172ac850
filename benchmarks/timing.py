"""Timing helpers shared by the bench modules: medians, interleaved side-by-side pairs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

ROUNDS = 15  # samples per side; each sample is the mean of `number` calls


@dataclass(frozen=True)
class Figure:
    """One row of the table: what was measured, its median, and the side-by-side baseline."""

    area: str
    what: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: str = ""
    ratio: float | None = None


def per_call(fn: Callable[[], object], number: int) -> float:
    """Mean seconds per call over `number` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def autonumber(fn: Callable[[], object], budget: float = 0.02) -> int:
    """How many calls make one sample last about `budget` seconds."""
    number = 1
    while per_call(fn, number) * number < budget and number < 1_000_000:
        number *= 2
    return number


def median(fn: Callable[[], object], *, rounds: int = ROUNDS) -> float:
    number = autonumber(fn)
    return statistics.median(per_call(fn, number) for _ in range(rounds))


def side_by_side(
    subject: Callable[[], object], baseline: Callable[[], object], *, rounds: int = ROUNDS
) -> tuple[float, float]:
    """Median seconds per call of both, sampled alternately so load hits both alike."""
    number = max(autonumber(subject), autonumber(baseline))
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        a.append(per_call(subject, number))
        b.append(per_call(baseline, number))
    return statistics.median(a), statistics.median(b)
