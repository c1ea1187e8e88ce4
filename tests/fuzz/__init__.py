"""Helpers for tests/test_fuzz.py: hostile values, a small HTML form reader and the driver that sends them."""
