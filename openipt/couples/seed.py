"""Demo data for couples IPT (filled in below)."""

from __future__ import annotations


def add_demo_couple(world) -> None:
    return None
