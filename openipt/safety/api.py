"""What other apps call when something a client or clinician did may signal risk.

Each function is called INSIDE the transaction that stores the triggering data, so
a risk signal is stored together with what raised it or not at all (see the hazard
log). The safety app implements them; callers never catch their exceptions.
"""

from __future__ import annotations


def raise_for_administration(administration) -> list:
    """Evaluate the risk rules on a completed questionnaire and raise alerts; return them."""
    return []


def raise_for_text(*, client, text: str, source: str, obj=None, actor=None) -> list:
    """Scan text a client wrote (worksheet, log, rehearsal message, inventory note) and raise alerts."""
    return []


def raise_for_review(*, client, level: str, text: str, obj=None, actor=None) -> list:
    """Raise an alert from a clinician's risk review (level none/low/medium/high) recorded in a note."""
    return []


def automated_features_paused(client) -> bool:
    """Return True while a high-severity alert is open for the client (rehearsal partners stay paused)."""
    return False
