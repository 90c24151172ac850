"""`make bench`: one table of the speed and memory figures the issues ask for.

Each `bench_*.py` module here has a `figures()` function returning `Figure`s. Ratios are
measured side by side in the same run (the two sides interleaved), because the machines
are shared and noisy; absolute numbers are medians.
"""
