"""What other apps call when something a client or clinician did may signal risk.

Each function is called INSIDE the transaction that stores the triggering data, so
a risk signal is stored together with what raised it or not at all (see the hazard
log). The safety app implements them; callers never catch their exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openipt.accounts.actor import Actor
from openipt.clients.models import Assignment
from openipt.safety.rules import evaluate_answers, evaluate_review, evaluate_text


@dataclass(frozen=True)
class SourceLink:
    """How an alert's detail page links to what raised it, for a kind of object another app owns."""

    label: object  # a lazy translation, read when the page is drawn
    url: Callable[[int, str], str]  # url(client id, object id): the page that shows it (and checks access itself)
    # can_open(actor, client id): whether this person may open that page; the link is shown only then
    can_open: Callable[[Actor, int], bool] | None = None


SOURCE_LINKS: dict[str, SourceLink] = {}


def register_source_link(
    source_type: str,
    label: object,
    url: Callable[[int, str], str],
    can_open: Callable[[Actor, int], bool] | None = None,
) -> None:
    """Let alerts raised by objects of `source_type` (a model's label, e.g. "messaging.message") link to them.

    `can_open(actor, client id)` says who may open the linked page; without it the link is shown to
    everyone who sees the alert.
    """
    SOURCE_LINKS[source_type] = SourceLink(label, url, can_open)


def source_link(alert, actor: Actor | None = None) -> tuple[str, str] | None:
    """(label, address) of the object that raised an alert, when its app registered a link and `actor` may open it."""
    link = SOURCE_LINKS.get(alert.source_type or "")
    if link is None or not alert.source_id:
        return None
    if link.can_open is not None and (actor is None or not link.can_open(actor, alert.client_id)):
        return None
    return str(link.label), link.url(alert.client_id, alert.source_id)


# The courses app records a concern as none/low/medium/high; the shipped rule says "moderate".
REVIEW_LEVELS = {"medium": "moderate"}


def _answers(answers) -> dict:
    """Return answers with whole numbers written as text or as 2.0 read as numbers; others are left for the rules to refuse."""
    result = {}
    for key, value in dict(answers or {}).items():
        if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
            value = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        result[str(key)] = value
    return result


def rules_in_force(organisation_id: int):
    """The organisation's risk rules as `raise_for_administration` reads them, for checking many answers at once."""
    from openipt.safety import actions

    return actions.rules_in_force(organisation_id)


def raising_together(organisation_id: int, new_objects=()):
    """A block in which a batch's alerts are raised together (rules read once; see `actions.raising_together`).

    Used as `with raising_together(organisation_id, new_objects) as rules:` inside the batch's transaction;
    `new_objects` are the objects the batch created in it (its responses).
    """
    from openipt.safety import actions

    return actions.raising_together(organisation_id, new_objects)


def expect_alerts(client_ids) -> None:
    """Inside `raising_together`: lock and read at once the clients whose alerts are about to be raised."""
    from openipt.safety import actions

    actions.expect_alerts(client_ids)


def would_raise(ruleset, instrument_code: str, answers) -> bool:
    """Whether `raise_for_administration` would find a risk signal in these answers under `ruleset` (pure).

    A batch of questionnaires reads the rules once and checks every response with this; each response
    for which it says yes goes through `raise_for_administration`, which checks it again and raises.
    """
    return bool(evaluate_answers(ruleset, instrument_code, _answers(answers)))


def raise_for_administration(administration, *, only_items=None, now=None, text: str = "") -> list:
    """Evaluate the risk rules on a questionnaire's answers and raise alerts; return them.

    Called when a questionnaire is completed, and also while it is being filled in with
    `only_items` (the answers just changed), so a safety answer in a questionnaire the client
    never sends still raises an alert. An open alert for the same questionnaire gets the new
    evidence instead of a second alert. `now` is when the answers were given, when that was
    earlier than this moment (a check entered on a tablet without a connection), so the alert's
    escalation counts from then; `text` says so on the alert.
    """
    from openipt.safety import actions

    client = administration.client
    answers = _answers(administration.answers)
    if only_items is not None:
        answers = {key: value for key, value in answers.items() if key in set(only_items)}
        if not answers:
            return []
    signals = evaluate_answers(actions.rules_in_force(client.organisation_id), administration.instrument_code, answers)
    actor = getattr(administration, "actor", None)
    entered_by = getattr(administration, "entered_by", None) if getattr(administration, "entered_by_id", None) else None
    if actor is None and entered_by is not None:
        actor = Actor(entered_by)
    return actions.raise_signals(client, signals, rule_kind="instrument_item", obj=administration, actor=actor, text=text,
                                 now=now)


def raise_for_answers(*, client, instrument_code: str, answers: dict, obj=None, actor: Actor | None = None, text: str = "",
                      now=None) -> list:
    """Evaluate the risk rules on answers that could not be stored as a questionnaire, and raise alerts.

    For answers refused for another reason (a group symptom check for someone who has just left
    the group): the safety answer still reaches staff.
    """
    from openipt.safety import actions

    signals = evaluate_answers(actions.rules_in_force(client.organisation_id), instrument_code, _answers(answers))
    return actions.raise_signals(client, signals, rule_kind="instrument_item", obj=obj, text=text, actor=actor, now=now)


# A follow-up that is not a risk rule's verdict (a safety question that could not be read) is looked at today when
# it may hold an answer, at the next contact otherwise: the shipped "prompt" and "review" policies.
FOLLOW_UP_POLICIES = {"medium": "prompt", "low": "review"}


def raise_follow_up(*, client, rule_id: str, severity: str, reason: str, source: str, item: str, value: str,
                    obj=None, text: str = "", now=None) -> list:
    """Raise a follow-up alert about a safety question nobody could read (in the caller's transaction); return it.

    Reused from the paper PHQ-9 whose question 9 was left blank (`openipt/measures/safety_items.py`): an alert
    is what such a task needs, as it shows to the care team, escalates when nobody looks and stays open until a
    person acts. An open follow-up for the same rule and object gets the new words as evidence, not a second alert.
    `severity` is "medium" (look today) or "low" (look at the next contact).
    """
    from openipt.safety import actions
    from openipt.safety.rules.model import Evidence, Signal

    signal = Signal(rule_id=rule_id[:80], severity=severity, policy=FOLLOW_UP_POLICIES[severity], reason=reason,
                    evidence=(Evidence(kind="answer", item=item, value=value),), source=source)
    return actions.raise_signals(client, [signal], rule_kind="instrument_item", obj=obj, text=text, now=now)


def raise_for_text(*, client, text: str, source: str, obj=None, actor: Actor | None = None,
                   language: str | None = None) -> list:
    """Scan text a client wrote (worksheet, log, rehearsal message, inventory note) and raise alerts.

    The text is read with the English patterns, the patterns of the writer's language and those of
    any shipped language whose words appear. The writer's language is `language` when given (a
    group's language for a staff report), otherwise the client's preferred language. When the
    detector has no patterns for that language and found nothing, a low "read this" alert asks a
    person to read the text (one per object while it is open: a worksheet saved ten times is one).
    """
    from openipt.safety import actions
    from openipt.safety.ruleset import rules_for

    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text.strip():
        return []
    source = (source or "text").strip().lower()[:40] or "text"
    writer = language if language is not None else getattr(client, "preferred_language", "") or ""
    signals = evaluate_text(rules_for(client.organisation_id), text, source, language=writer)
    return actions.raise_signals(client, signals, rule_kind="free_text", obj=obj, text=text, actor=actor)


def text_signals_risk(organisation_id: int, text: str, source: str = "text", language: str | None = None) -> bool:
    """Return True when `text` would raise an alert under the organisation's rules (nothing is stored).

    With `language` (the writer's language), text in a language the detector cannot read counts:
    it raises a "read this" alert.
    """
    from openipt.safety.ruleset import rules_for

    if not isinstance(text, str) or not text.strip():
        return False
    return bool(evaluate_text(rules_for(organisation_id), text, (source or "text").strip().lower()[:40] or "text",
                              language=language))


def raise_for_review(*, client, level: str, text: str, obj=None, actor: Actor | None = None) -> list:
    """Raise an alert from a clinician's risk review (level none/low/medium/high) recorded in a note."""
    from openipt.safety import actions
    from openipt.safety.ruleset import rules_for

    level = (level or "none").strip().lower()
    signals = evaluate_review(rules_for(client.organisation_id), REVIEW_LEVELS.get(level, level))
    return actions.raise_signals(client, signals, rule_kind="risk_review", obj=obj, text=text or "", actor=actor)


def automated_features_paused(client) -> bool:
    """Return True while a high-severity alert is open for the client (rehearsal partners stay paused).

    A pause starts when a high-severity alert is raised and lasts until care staff reopen the
    features with a reason (see `actions.reopen_automation`); resolving the alert alone does not
    reopen them, so the decision is always a person's.
    """
    from openipt.safety.models import AutomationPause

    if client is None or getattr(client, "pk", None) is None:
        return False
    return AutomationPause.objects.filter(client_id=client.pk, lifted_at__isnull=True).exists()


def pause_cause(client) -> str | None:
    """What started the client's open pause: "answer" (a questionnaire), "review" (a session note) or "words"; None if none."""
    from openipt.safety.models import AutomationPause

    if client is None or getattr(client, "pk", None) is None:
        return None
    kind = (AutomationPause.objects.filter(client_id=client.pk, lifted_at__isnull=True)
            .order_by("-started_at").values_list("alert__rule_kind", flat=True).first())
    if kind is None:
        return None
    return {"instrument_item": "answer", "risk_review": "review"}.get(kind, "words")


def open_alert_counts_by_staff(membership_ids) -> dict[int, int]:
    """Return {membership id: open alerts on the clients assigned to them}, in one query."""
    from django.db.models import Count

    from openipt.safety.models import OPEN

    ids = [int(i) for i in membership_ids]
    counts = dict.fromkeys(ids, 0)
    rows = (Assignment.objects.filter(staff_id__in=ids, client__risk_alerts__status__in=[s.value for s in OPEN])
            .values("staff_id").annotate(n=Count("client__risk_alerts")).values_list("staff_id", "n"))
    counts.update(dict(rows))
    return counts


# Names a group's language may be written as, beyond its code and its English name.
_OWN_NAMES = {
    "kiswahili": "sw", "espanol": "es", "castellano": "es", "oluganda": "lg", "ganda": "lg",
    "af soomaali": "so", "soomaali": "so", "francais": "fr", "deutsch": "de", "portugues": "pt",
}


def language_for_name(name: str) -> str:
    """The language whose risk patterns read text written in a language given by code or name.

    "Kiswahili" -> "sw", "Spanish" -> "es", "es" -> "es". A name listing several languages
    ("English and Luganda") gives the first one the risk check cannot read, when there is one, so
    that such text goes to a person; a name OpenIPT does not know is returned as it is (folded),
    which the risk check cannot read either. Blank gives "" (English).
    """
    import re
    import unicodedata

    from django.utils import translation

    from openipt.core.languages import CLIENT_LANGUAGES
    from openipt.safety.riskdetect import can_read

    folded = "".join(c for c in unicodedata.normalize("NFKD", str(name or "").casefold()) if not unicodedata.combining(c))
    folded = " ".join(folded.split())[:40]
    if not folded:
        return ""
    with translation.override("en"):
        names = {str(label).casefold(): code for code, label in CLIENT_LANGUAGES}
    names.update(_OWN_NAMES)
    codes = {code for code, _label in CLIENT_LANGUAGES}
    if folded in codes:
        return folded
    if folded in names:
        return names[folded]
    found: list[str] = []
    for word in re.findall(r"[a-z]+", folded):
        code = names.get(word) or (word if word in codes and len(folded) <= 12 else None)
        if code and code not in found:
            found.append(code)
    unreadable = [code for code in found if not can_read(code)]
    return (unreadable or found or [folded])[0]
