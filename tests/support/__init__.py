"""Helpers shared by the whole test suite, one module per area.

Data is made through the real actions, the way the product makes it. Fixtures that use these
helpers live in the conftest.py files; plain functions live here, so a test imports them from
one place and never from a conftest.
"""
