"""Rounds that run themselves: the cadence, and scheduled opening and closing by the worker."""
