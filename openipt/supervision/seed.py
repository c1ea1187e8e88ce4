"""Demo and synthetic supervision data (filled in below)."""

from __future__ import annotations


def add_demo_supervision(world) -> None:
    return None


def add_synthetic_supervision(world) -> None:
    return None
