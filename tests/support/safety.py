"""Shared helpers for the safety tests: raise alerts through the real hooks at a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from openipt.safety import api, notify
from openipt.safety.actions import raise_signals
from openipt.safety.rules import evaluate_text
from openipt.safety.ruleset import rules_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORRYING = "Some days I feel like everyone would be better off without me."


def at(minutes: float) -> datetime:
    """Return the fixed clock's time this many minutes after T0."""
    return T0 + timedelta(minutes=minutes)


def raise_text(client, text: str = WORRYING, *, source: str = "practice.worksheet", when=T0, obj=None, actor=None):
    """Raise alerts for a text as the hook does, at a fixed time."""
    signals = evaluate_text(rules_for(client.organisation_id), text, source)
    return raise_signals(client, signals, rule_kind="free_text", obj=obj, text=text, actor=actor, now=when)


class FakeAdministration(SimpleNamespace):
    """The shape the measures app hands to raise_for_administration (its own model has these attributes)."""


def administration(client, code: str, answers: dict, pk: int = 1):
    return FakeAdministration(client=client, course=None, session=None, instrument_code=code, answers=answers,
                              uuid=f"uuid-{pk}", pk=pk)


def raise_answers(client, code: str, answers: dict, pk: int = 1):
    return api.raise_for_administration(administration(client, code, answers, pk))


def run(minutes: float):
    """Run the scheduled job as if it were T0 + minutes."""
    return notify.run_due(at(minutes))
