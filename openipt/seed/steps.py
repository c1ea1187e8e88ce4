"""Find each app's demo and synthetic-data steps by name, when a seed runs.

An app that adds demo data lists its steps in its own `seed` module: `DEMO_STEPS` for the demo,
`SYNTH_STEPS` for synthetic data, each a tuple of functions that take the world made here. They run
in the order of INSTALLED_APPS, so an app's steps may use what an earlier app made. Nothing imports
these modules at start-up: they are looked up only when `openipt demo` or `openipt synth` runs.
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from typing import Any

from django.apps import apps


def app_steps(name: str) -> list:
    """Return every installed OpenIPT app's steps called `name` ("DEMO_STEPS" or "SYNTH_STEPS"), in app order."""
    steps: list[Any] = []
    for config in apps.get_app_configs():
        module = f"{config.name}.seed"
        if config.name.startswith("openipt.") and find_spec(module) is not None:
            steps.extend(getattr(importlib.import_module(module), name, ()))
    return steps
