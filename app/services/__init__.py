"""Use cases: each loads what it needs, calls the scoring core, persists, and commits once."""
