"""The instruments whose questions safety rules may name, given by the measures app.

Measures sits above safety (it raises alerts through safety), so safety does not import it:
MeasuresConfig.ready() registers its instrument catalogue here. Until one is registered,
`instrument_catalogue()` raises LookupError and safety shows item codes and accepts any item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_LOADERS: list[Callable] = []


def register_instrument_catalogue(load: Callable) -> None:
    """Register the function that returns the instrument catalogue (measures' `load_instruments`)."""
    _LOADERS[:] = [load]


def instrument_catalogue() -> Any:
    """Return the registered instrument catalogue; raise LookupError when no app offers one."""
    if not _LOADERS:
        raise LookupError("no instrument catalogue is registered")
    return _LOADERS[0]()
