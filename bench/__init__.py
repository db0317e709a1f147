"""Benchmark of the register against a plain SQLite table with the same columns.

Run ``python -m bench --help`` for the options; :mod:`bench.run` has the workloads.
"""
