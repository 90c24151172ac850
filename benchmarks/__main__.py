"""Runs every bench module and prints one table."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks.timing import Figure


def _format(value: float, unit: str) -> str:
    return f"{value:.3g} {unit}" if unit else f"{value:.3g}"


def main() -> int:
    figures: list[Figure] = []
    here = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"benchmarks.{info.name}")
            print(f"running {info.name} ...", file=sys.stderr, flush=True)
            figures.extend(module.figures())
    header = ("area", "measure", "median", "baseline (same run)", "ratio", "target", "ok")
    rows = [
        (
            f.area,
            f.what,
            _format(f.value, f.unit),
            f.baseline,
            "" if f.ratio is None else f"{f.ratio:.2f}",
            f.target,
            "yes" if f.ok else "NO",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = " | ".join
    print(line(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
