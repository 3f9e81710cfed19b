"""Imports and exports: paper and legacy answers in, long-format and results files out."""
