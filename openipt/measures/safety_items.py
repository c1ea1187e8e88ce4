"""Safety questions of a questionnaire that were left blank, and safety questions asked with another one.

A blank safety question is not the same as "no risk" (HAZ-022): the total may still be
estimated from the other answers, but the result says the question was not answered and a
follow-up task for the clinician is raised as a safety alert. A safety alert is the mechanism
reused because it already is what the task needs: it shows on the caseload, the client's record
and the banner of every page for the care team, it escalates when nobody looks, and it stays
open until a person acknowledges it and resolves it with a note of what they did.

The group's quick PHQ-2 also asks PHQ-9 question 9, stored as an unscored item of the PHQ-2
(`LINKED`): an answer above 0 raises the same alert as question 9 of a PHQ-9.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from openipt.accounts.actor import Actor
from openipt.measures.engine import Instrument
from openipt.safety import actions as safety_actions
from openipt.safety import api as safety_api
from openipt.safety.rules.model import Evidence, Signal

# (instrument, item) answered with the same words as another instrument's safety item: the
# answer goes through that instrument's risk rules.
LINKED = {("phq2", "q9"): ("phq9", "q9")}

UNANSWERED_SEVERITY = "medium"
UNANSWERED_POLICY = "prompt"  # look today: the assigned clinician now, the supervisor after 4 hours


def safety_item_ids(inst: Instrument) -> set[str]:
    return {s.item for s in inst.safety_items}


def unanswered(inst: Instrument, answers: dict) -> list[str]:
    """The instrument's safety items with no answer in `answers`."""
    answers = answers or {}
    return [s.item for s in inst.safety_items if answers.get(s.item) is None]


def unanswered_words(inst: Instrument) -> str:
    """What the result says when a safety question was not answered."""
    if inst.code in ("phq9", "phq2"):
        return _("The suicide question was not answered (question 9).")
    return _("The safety question was not answered.")


def _actor_of(administration):
    if getattr(administration, "entered_by_id", None):
        return Actor(administration.entered_by)
    return None


def raise_unanswered(administration, inst: Instrument, items: list[str], *, client, now=None) -> list:
    """Raise a follow-up alert for each safety question left blank (in the caller's transaction), as of `now`."""
    if not items:
        return []
    signals = [Signal(
        rule_id=f"{inst.code}_{item}_unanswered", severity=UNANSWERED_SEVERITY, policy=UNANSWERED_POLICY,
        reason=_("%(name)s question %(item)s (the question about suicide and self-harm) was not answered. "
                 "Ask the client about it today if you can, at the latest at the next contact, and write down "
                 "what they said.") % {"name": inst.short_name, "item": item.lstrip("q")},
        evidence=(Evidence(kind="answer", item=item, value="not answered"),), source=inst.code)
        for item in items]
    return safety_actions.raise_signals(client, signals, rule_kind="instrument_item", obj=administration,
                                        actor=_actor_of(administration), now=now)


def raise_linked(administration, inst: Instrument, *, client, only_items=None, now=None, text: str = "") -> list:
    """Pass a linked safety answer (PHQ-2 question 9) to the risk rules of the instrument it comes from.

    `now` and `text`: when the answer was given and a note saying so, for answers that arrive late (a tablet).
    """
    alerts = []
    for (code, item), (target, target_item) in LINKED.items():
        if code != inst.code or (only_items is not None and item not in set(only_items)):
            continue
        value = (administration.answers or {}).get(item)
        if value is None:
            continue
        alerts += safety_api.raise_for_answers(client=client, instrument_code=target, answers={target_item: value},
                                               obj=administration, actor=_actor_of(administration), now=now,
                                               text=text)
    return alerts
