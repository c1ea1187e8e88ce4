"""Telephone numbers set aside for fiction, which can never reach a real service.

The demo's crisis contacts use only these numbers (docs/clinical/sources.md, "Demo telephone
numbers"), and a contact whose number is in one of these ranges is shown without a tap-to-call
or tap-to-text link and labelled as a demo number, so nobody in distress taps a number that
goes nowhere, and a demo can never ring a real crisis line or emergency service.

Ranges: the UK's drama numbers from Ofcom (01632 960000-960999, 07700 900000-900999, also written
with +44 and without the leading 0) and North America's 555-0100 to 555-0199 (with or without
+1 and an area code).
"""

from __future__ import annotations

import re

_UK = (("1632", "960"), ("7700", "900"))  # national number without the leading 0: prefix, then a 3-digit block


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number or "")


def is_fictional(number: str | None) -> bool:
    """True when `number` is in a range reserved for fiction (drama numbers, 555-01xx)."""
    if not number or not isinstance(number, str):
        return False
    if re.search(r"[^\d\s()+.\-]", number):
        return False  # letters or other signs: not a plain telephone number
    digits = _digits(number)
    national = None
    if number.strip().startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        national = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        national = digits[1:]
    if national is not None and len(national) == 10:
        for prefix, block in _UK:
            if national.startswith(prefix + block):
                return True
    us = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(us) in (7, 10):
        line = us[-7:]
        return line.startswith("5550") and 100 <= int(line[3:]) <= 199
    return False
