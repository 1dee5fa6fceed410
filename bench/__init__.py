"""Benchmark of the magnesium integration against Home Assistant's own helpers.

``python -m bench`` (``scripts/bench``) runs a real Home Assistant in this process with real
storage in a temporary folder and prints a table of ratios measured in the same run; the test
suite runs a small variant (``tests/test_bench.py``).
"""
