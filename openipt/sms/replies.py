"""What an SMS reply means, and whether a phone number is one we can text: pure, no Django.

A check-in reply is three numbers from 0 to 3 (PHQ-2 questions 1 and 2, then PHQ-9 question 9),
written the way people type them on a basic phone: "1 0 0", "1,0,0", "1-0-0", "100" or with words
around them ("1 0 2 thanks"). Anything else is not an answer: it is kept for a person to read and
the sender gets a short help message. A stop word stops every message to the number at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words gateways and carriers treat as "stop" (English, as carriers and Twilio use them), plus Swahili
# ("acha", "sitisha": stop) and Spanish ("alto", "parar", "baja", "cancelar").
STOP_WORDS = frozenset({
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "opt-out",
    "acha", "sitisha", "simama", "alto", "parar", "para", "baja", "cancelar",
})
# Words that ask for messages again (they work only while staff consent is still recorded).
START_WORDS = frozenset({"start", "unstop", "resume", "anza", "endelea", "alta", "iniciar", "empezar"})

PHONE_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")
_SEPARATORS = re.compile(r"[\s,;.\-/_|:]+")


def normalise_phone(raw: object) -> str | None:
    """The number in E.164 form (+ then country code and number, 8 to 15 digits), or None.

    Spaces, dashes, dots and brackets are allowed between digits; "00" in front is read as "+".
    A number without its country code is refused: we cannot guess the country.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if len(text) > 40:
        return None
    text = re.sub(r"[\s\-.()]", "", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.isascii() or not PHONE_RE.match(text):
        return None
    return text


def mask_phone(phone: str) -> str:
    """The last three digits only, for pages and logs: "…123"."""
    digits = [c for c in phone if c.isdigit()]
    return "…" + "".join(digits[-3:]) if digits else ""


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = re.sub(r"[!?.¡¿]+$", "", folded).strip()
    return re.sub(r"\s+", " ", folded)


def is_stop(text: object) -> bool:
    """True when the whole message is a stop word ("STOP", "stop all", "Acha", "BAJA" ...)."""
    return isinstance(text, str) and _plain(text) in STOP_WORDS


def is_start(text: object) -> bool:
    """True when the whole message asks for messages again ("START", "Anza" ...)."""
    return isinstance(text, str) and _plain(text) in START_WORDS


@dataclass(frozen=True)
class CheckinAnswer:
    """A check-in reply read as answers: PHQ-2 questions 1 and 2, and PHQ-9 question 9."""

    q1: int
    q2: int
    q9: int
    rest: str  # any words sent with the numbers, to be scanned for risk

    @property
    def phq2_total(self) -> int:
        return self.q1 + self.q2

    def answers(self) -> dict[str, int]:
        return {"q1": self.q1, "q2": self.q2, "q9": self.q9}


def parse_checkin(text: object) -> CheckinAnswer | None:
    """Read a check-in reply, or None when it is not exactly three numbers from 0 to 3.

    The numbers come first; words after them are kept in `rest`. "100" (three digits written
    together) is read as 1, 0, 0. Any other number, a fourth number, or a number above 3 is not an answer.
    """
    if not isinstance(text, str):
        return None
    body = unicodedata.normalize("NFKC", text).strip()
    if not body or len(body) > 1000:
        return None
    match = re.match(r"^\s*([0-9][0-9\s,;.\-/_|:]*)(.*)$", body, re.S)
    if match is None:
        return None
    numbers_part, rest = match.group(1), match.group(2).strip()
    tokens = [t for t in _SEPARATORS.split(numbers_part) if t]
    if len(tokens) == 1 and len(tokens[0]) == 3:
        tokens = list(tokens[0])
    if len(tokens) != 3 or any(not t.isdigit() or len(t) != 1 for t in tokens):
        return None
    values = [int(t) for t in tokens]
    if any(v > 3 for v in values):
        return None
    if rest and rest[0].isdigit():
        return None
    return CheckinAnswer(values[0], values[1], values[2], rest)


# Number words a member may write instead of digits (English, Swahili, Spanish, Arabic), 0 to 9.
NUMBER_WORDS = frozenset({
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "none", "nil",
    "sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa",
    "cero", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    "صفر", "واحد", "اثنان", "اثنين", "ثلاثة", "ثلاث",
})


def unreadable_kind(text: object) -> str | None:
    """What a reply that is not an answer (and not STOP or START) may hold, for the person who must read it.

    "answer": it has a number in it (a digit, an Arabic-Indic digit, or a number word such as "two" or "mbili"),
    so it may hold an answer to question 9 that could not be read ("2 1 yes", "two one maybe", "1 0 5").
    "words": words without numbers. None: nothing to read (empty, or only signs and spaces).
    """
    if not isinstance(text, str):
        return None
    body = unicodedata.normalize("NFKC", text).casefold()
    if any(c.isdigit() for c in body):
        return "answer"
    words = re.findall(r"\w+", body)
    if any(word in NUMBER_WORDS for word in words):
        return "answer"
    return "words" if any(any(c.isalpha() for c in word) for word in words) else None
