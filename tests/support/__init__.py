"""Test support: real databases started by the tests, and data factories."""
