"""Hostile values: a fixed list for every run, and random ones for `make fuzz`.

Each value is something a person (or a broken client, or an attacker) can put in a form field or a query
string. The site must answer each with a clear error or a normal page, never a server error.
"""

from __future__ import annotations

import random

LONG = "x" * 100_000

# name -> value; the name is what a failure report shows.
HOSTILE: dict[str, str] = {
    "nul": "a\x00b",
    "long": LONG,
    "empty": "",
    "spaces": "   \t ",
    "unicode": "\u202eevil\u202c \u200f\u200e \U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308 "
               "e\u0301\u0301\u0301\u0308\u0327 Z\u0337\u0321a\u0335l\u0338g\u0336o",  # RTL marks, emoji, combining
    "injection": "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>'; DROP TABLE clients; -- "
                 "{{ 7|add:7 }}{% now 'Y' %}%(n)s%s",
    "path": "../../../../etc/passwd",
    "url": "https://evil.example/",
    "minus_one": "-1",
    "zero": "0",
    "huge": "1" + "0" * 30,
    "many_digits": "9" * 5000,
    "float_overflow": "1e309",
    "nan": "NaN",
    "infinity": "Infinity",
    "fraction": "0.5",
    "other_digits": "\u00b2\u0663",  # a superscript two and an Arabic-Indic three: str.isdigit() says yes
    "date_min": "0001-01-01",
    "date_max": "9999-12-31",
    "date_invalid": "2026-02-30",
    "datetime_min": "0001-01-01T00:00",
    "datetime_max": "9999-12-31T23:59",
    "year_5": "99999-01-01",
    "time_invalid": "25:61",
}

# Values whose fate cannot depend on the database: a form's own Python checks refuse them (a fraction or a
# superscript digit for a whole number, an impossible date or time) or they are stored as any other text would
# be (spaces, a path, an address). CI's second run, on PostgreSQL (OPENIPT_DATABASE_TESTS_ONLY=1), leaves them out
# of the typed-into-every-field rounds, since the SQLite run sent them to every form already; every value that can
# reach the database differently (NUL, huge and long values, extreme dates, NaN and infinity, text with marks and
# emoji, injection) is sent on both databases. `make fuzz` sends everything on either.
DATABASE_NEUTRAL = {"spaces", "path", "url", "fraction", "other_digits", "date_invalid", "datetime_min", "time_invalid"}


def typed_values(database_tests_only: bool) -> dict[str, str]:
    """The fixed values typed into every visible field: all of them, or on the second database those that can
    reach it differently."""
    if not database_tests_only:
        return HOSTILE
    return {name: value for name, value in HOSTILE.items() if name not in DATABASE_NEUTRAL}


# The few that reach past type checks to where raw strings are used: sent to hidden fields and query strings.
QUERY = ["nul", "long", "unicode", "injection", "path", "url", "minus_one", "huge", "many_digits", "float_overflow", "nan",
         "date_min", "date_max", "datetime_max", "date_invalid", "empty"]
HIDDEN = ["nul", "long", "minus_one", "huge", "many_digits", "float_overflow", "nan", "date_max", "empty", "injection"]

# Query-string names that pages read (every name in a request.GET look-up in openipt/, and common ones).
QUERY_NAMES = ["page", "q", "next", "partner", "sort", "status", "show", "version", "identifiable", "a", "b", "v",
               "together", "from", "to", "session", "per_item", "instrument", "format", "client", "course", "group",
               "kind", "date", "month", "year", "role", "tab"]


def random_value(rng: random.Random) -> str:
    """A random hostile string: pieces of the fixed list joined with random characters and numbers."""
    pieces = list(HOSTILE.values())
    parts = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.35:
            value = rng.choice(pieces)
            parts.append(value if len(value) < 1000 else value[: rng.randint(0, 5000)])
        elif roll < 0.55:
            parts.append(str(rng.choice([-1, 1]) * rng.randint(0, 10 ** rng.randint(1, 40))))
        elif roll < 0.7:
            parts.append(f"{rng.randint(-5, 10050):04d}-{rng.randint(0, 14):02d}-{rng.randint(0, 33):02d}"
                         + rng.choice(["", "T00:00", "T23:59", " 12:00", "T99:99"]))
        else:
            parts.append("".join(chr(rng.choice([rng.randint(1, 0x7f), rng.randint(0x80, 0xd7ff),
                                                 rng.randint(0xe000, 0x10ffff)])) for _ in range(rng.randint(0, 40))))
    return rng.choice(["", " "]).join(parts)
