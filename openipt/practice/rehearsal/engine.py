"""The scripted rehearsal partner: a pure function from a conversation so far to the next reply.

Role play in IPT rehearses a hard conversation and then switches roles. Here the whole state
is rebuilt from (scenario, personalisation, the client's messages so far, role) every time,
with no hidden memory and no randomness, so a transcript can be cut at any turn and replayed
("what if I had said...") and the same words always get the same answer. Every client
message gets the analyser's feedback, read in the client's language (`language`: Spanish and
Swahili messages soften or provoke the other person as English ones do; a language with no
analyser takes the neutral path). The partner is automated and every reply says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..analyser import Analysis, analyse
from .scenario import Scenario

Role = Literal["client", "switched"]
ROLES = ("client", "switched")
AUTOMATED_LABEL = "Automated practice partner"
PAUSE_TEXT = ("Let's pause the practice here. What you wrote sounds serious, and it matters more than "
              "this exercise. Please tell your therapist, or if you are in danger now, call your local "
              "emergency number.")
Screen = Callable[[str], bool]
_HOSTILE = frozenset({"threat_ultimatum", "name_calling", "blame_you_statement", "mind_reading",
                      "always_never", "sarcasm"})


@dataclass(frozen=True)
class Turn:
    """One message in a transcript: said by the client or by the partner."""

    speaker: Literal["client", "partner"]
    text: str


@dataclass(frozen=True)
class Personalisation:
    """Who the other person is and the client's own words for the situation."""

    name: str | None = None
    relationship: str | None = None
    situation: str | None = None

    @classmethod
    def from_person(cls, name: str | None = None, alias: str | None = None,
                    relationship: str | None = None, situation: str | None = None) -> Personalisation:
        """Build from an interpersonal-inventory person; the alias wins over the name."""
        return cls(name=alias or name, relationship=relationship, situation=situation)


@dataclass(frozen=True)
class PartnerReply:
    """The partner's next line, with the feedback on the client's last message."""

    text: str
    speaker: str
    node: str
    mood: str
    reaction: str | None
    ended: bool
    feedback: Analysis | None
    model_feedback: Analysis | None = None
    turn: int = 0
    paused: bool = False  # True: the practice stopped because a message may be about harm
    source: str = "script"
    automated: bool = True
    label: str = AUTOMATED_LABEL
    note: str = ""


@dataclass(frozen=True)
class Exchange:
    """One client message, the feedback on it, and the partner's answer."""

    client: str
    feedback: Analysis
    reply: PartnerReply


def _clean(value: str | None, limit: int) -> str | None:
    """Keep personal text printable, brace-free, single-spaced and short."""
    if not value:
        return None
    text = "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.replace("{", "(").replace("}", ")").split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text or None


def fill(text: str, scenario: Scenario, person: Personalisation | None = None) -> str:
    """Replace {name}, {relationship} and {situation} with personal or default values."""
    person = person or Personalisation()
    values = {
        "name": _clean(person.name, 40) or scenario.other_name,
        "relationship": _clean(person.relationship, 40) or scenario.other_relationship,
        "situation": _clean(person.situation, 200) or scenario.situation,
    }
    if values["name"].casefold() == values["relationship"].casefold():  # "Dad, your dad" says it twice
        text = re.sub(r"\{name\},\s+your\s+\{relationship\}", "{name}", text)
    return re.sub(r"\{(name|relationship|situation)\}", lambda m: values[m.group(1)], text)


def reaction_for(analysis: Analysis) -> str:
    """Map the analyser's findings to how the other person reacts."""
    found = analysis.patterns
    if found & _HOSTILE:
        return "defensive"
    if "stonewalling" in found:
        return "cold"
    if found & {"acknowledging_other", "inviting_question"}:
        return "engaged"
    if "specific_request" in found and found & {"i_statement", "naming_feeling"}:
        return "softer"
    return "neutral"


def client_messages(transcript: Sequence[Turn | str]) -> list[str]:
    """Return the client's messages in order (a plain string counts as a client message)."""
    out: list[str] = []
    for turn in transcript:
        if isinstance(turn, str):
            out.append(turn)
        elif isinstance(turn, Turn) and turn.speaker == "client":
            out.append(turn.text if isinstance(turn.text, str) else str(turn.text))
    return out


def _speaker(scenario: Scenario, person: Personalisation | None, role: Role) -> str:
    if role == "switched":
        return "You (played by the practice partner)"
    return fill("{name}", scenario, person)


def opening(scenario: Scenario, person: Personalisation | None = None, role: Role = "client") -> PartnerReply:
    """Return the partner's first line (in "switched", the first modelled line)."""
    speaker = _speaker(scenario, person, role)
    if role == "switched":
        line = fill(scenario.switch.lines[0], scenario, person)
        return PartnerReply(line, speaker, "switch:0", "calm", None, False, None, analyse(line))
    return PartnerReply(fill(scenario.opening, scenario, person), speaker, "opening", "neutral", None, False, None)


def _pause(scenario: Scenario, person: Personalisation | None, role: Role, feedback: Analysis,
           turn: int, message: str) -> Exchange:
    reply = PartnerReply(PAUSE_TEXT, AUTOMATED_LABEL, "pause", "calm", None, True, feedback, turn=turn,
                         paused=True)
    return Exchange(message, feedback, reply)


def _replay_client(scenario: Scenario, person: Personalisation | None,
                   messages: Sequence[str], screen: Screen | None = None, language: str | None = None) -> list[Exchange]:
    out: list[Exchange] = []
    branches = scenario.start
    visits: dict[str, int] = {}
    node = None
    for turn, message in enumerate(messages, start=1):
        feedback = analyse(message, screen=screen, language=language)
        if feedback.held or (out and out[-1].reply.paused):
            out.append(_pause(scenario, person, "client", feedback, turn, message))
            continue
        reaction = reaction_for(feedback)
        if node is None or not node.end:
            node = scenario.nodes[branches[reaction]]
            branches = node.next
        visits[node.id] = visits.get(node.id, 0) + 1
        line = fill(node.say[(visits[node.id] - 1) % len(node.say)], scenario, person)
        reply = PartnerReply(line, _speaker(scenario, person, "client"), node.id, node.mood, reaction,
                             node.end, feedback, turn=turn)
        out.append(Exchange(message, feedback, reply))
    return out


def _replay_switched(scenario: Scenario, person: Personalisation | None,
                     messages: Sequence[str], screen: Screen | None = None,
                     language: str | None = None) -> list[Exchange]:
    script = scenario.switch
    out: list[Exchange] = []
    position = 0  # index of the last modelled line already said
    calming = 0
    ended = False
    for turn, message in enumerate(messages, start=1):
        feedback = analyse(message, screen=screen, language=language)
        if feedback.held or (out and out[-1].reply.paused):
            out.append(_pause(scenario, person, "switched", feedback, turn, message))
            continue
        reaction = reaction_for(feedback)
        if ended or position + 1 >= len(script.lines):
            ended, node, line = True, "switch:end", script.ending
        elif reaction in ("defensive", "cold"):
            node, line = f"switch:calm:{calming % len(script.after_hurtful)}", \
                script.after_hurtful[calming % len(script.after_hurtful)]
            calming += 1
        else:
            position += 1
            node, line = f"switch:{position}", script.lines[position]
        text = fill(line, scenario, person)
        reply = PartnerReply(text, _speaker(scenario, person, "switched"), node, "calm", reaction, ended,
                             feedback, analyse(text), turn=turn)
        out.append(Exchange(message, feedback, reply))
    return out


def replay(scenario: Scenario, person: Personalisation | None, transcript: Sequence[Turn | str],
           role: Role = "client", screen: Screen | None = None, language: str | None = None) -> list[Exchange]:
    """Rebuild the whole conversation: each client message with its feedback and the reply.

    `screen` (optional, e.g. the risk detector; True means the text may be about harm) and the
    analyser's own "hold" phrases pause the practice from that message on. `language` is the
    language the client writes in (English when not given): it chooses the analyser's patterns.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    messages = client_messages(transcript)
    if role == "switched":
        return _replay_switched(scenario, person, messages, screen, language)
    return _replay_client(scenario, person, messages, screen, language)


def next_reply(scenario: Scenario, person: Personalisation | None, transcript: Sequence[Turn | str],
               role: Role = "client", screen: Screen | None = None, language: str | None = None) -> PartnerReply:
    """Return the partner's next line and the feedback on the client's last message (read in `language`)."""
    exchanges = replay(scenario, person, transcript, role, screen, language)
    if not exchanges:
        return opening(scenario, person, role)
    return exchanges[-1].reply
