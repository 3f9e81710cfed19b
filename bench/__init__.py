"""Benchmarks: the real server under bounded load, with figures recorded in RESULTS.md."""
