"""OpenIPT's rehearsal partner: practise a hard conversation, then switch roles.

The scripted partner (`engine`) is pure and deterministic and reacts to what the
communication analyser finds in each message. Scenarios are YAML data (`scenarios/`),
checked on load. An optional language-model partner (`llm`) is off by default and always
falls back to the script when its output is unsafe, empty, malformed, slow or missing.
"""

from .engine import (
    AUTOMATED_LABEL,
    PAUSE_TEXT,
    ROLES,
    Exchange,
    PartnerReply,
    Personalisation,
    Turn,
    client_messages,
    fill,
    next_reply,
    opening,
    reaction_for,
    replay,
)
from .scenario import (
    AREAS,
    MOODS,
    PLACEHOLDERS,
    REACTIONS,
    STAGES,
    Node,
    Scenario,
    SwitchScript,
    load_scenario,
    load_scenarios,
    parse_scenario_text,
)

__all__ = [
    "AREAS", "AUTOMATED_LABEL", "MOODS", "PAUSE_TEXT", "PLACEHOLDERS", "REACTIONS", "ROLES", "STAGES", "Exchange", "Node",
    "PartnerReply", "Personalisation", "Scenario", "SwitchScript", "Turn", "client_messages", "fill",
    "load_scenario", "load_scenarios", "next_reply", "opening", "parse_scenario_text", "reaction_for",
    "replay",
]
