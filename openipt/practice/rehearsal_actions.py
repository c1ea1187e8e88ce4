"""Practice conversations: start one, send a message, restart from a turn, switch roles.

The partner's reply is worked out before the database transaction (a language model may take
seconds), then the client's message, its safety check and the reply are stored together. Before
every partner turn the safety app is asked whether automated features are paused for the client;
if so, the message is kept but no partner answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openipt.assessment import api as assessment_api
from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.core.sealed import unseal
from openipt.couples.api import ENDING_STAGE, ending_material_blocked
from openipt.practice import access
from openipt.practice.actions import (
    REHEARSAL_MESSAGE,
    REHEARSAL_STARTED,
    own_client_or_refuse,
    risk_screen,
    screen_text,
    text_value,
)
from openipt.practice.models import PartnerKind, Rehearsal, RehearsalRole, RehearsalTurn
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.practice.rehearsal.engine import PartnerReply, Personalisation, Role
    from openipt.practice.rehearsal.llm import ModelSettings
    from openipt.practice.rehearsal.scenario import Scenario
    from openipt.practice.rehearsal.translations import Translations
    from openipt.protocol.pieces import Piece

MAX_MESSAGE = 1000
MAX_STEPS = 20


@lru_cache(maxsize=1)
def scenarios() -> dict[str, Scenario]:
    """Return the shipped rehearsal scenarios, loaded and checked once."""
    from openipt.practice.rehearsal import load_scenarios

    return load_scenarios()


def scenario_of(rehearsal: Rehearsal) -> Scenario | None:
    return scenarios().get(rehearsal.scenario_id)


def reader_language(lang: str | None = None) -> str:
    """The language a scenario is shown in: the one the page is in (the client's own), as its primary code."""
    return (lang or get_language() or "en").split("-")[0].lower()


@lru_cache(maxsize=1)
def translations() -> Translations:
    """The shipped scenario translations (scenarios/<lang>/), loaded and checked once."""
    from openipt.practice.rehearsal.translations import load_translations

    return load_translations(scenarios())


@lru_cache(maxsize=64)
def _localised(scenario_id: str, lang: str) -> tuple[Scenario, frozenset[str]]:
    from openipt.practice.rehearsal.translations import localise

    return localise(scenarios()[scenario_id], translations().for_scenario(lang, scenario_id))


def scenario_in(scenario_id: str, lang: str | None = None) -> tuple[Scenario, frozenset[str]] | None:
    """The scenario in the reader's language and the keys of its pieces shown in English (none for English)."""
    if scenario_id not in scenarios():
        return None
    lang = reader_language(lang)
    if lang == "en":
        return scenarios()[scenario_id], frozenset()
    return _localised(scenario_id, lang)


def pause_text(lang: str | None = None) -> tuple[str, bool]:
    """What the partner says when it pauses the practice, in the reader's language, and whether it is English."""
    from openipt.practice.rehearsal import PAUSE_TEXT

    lang = reader_language(lang)
    found = translations().pause.get(lang) if lang != "en" else None
    return (found, False) if found else (PAUSE_TEXT, lang != "en")


@lru_cache(maxsize=16)
def scenario_pieces(lang: str) -> dict[str, Piece]:
    """Every piece of the scenarios with its translation in `lang` (for the sign-off page and the status count)."""
    from openipt.practice.rehearsal.translations import pieces

    return pieces(scenarios(), translations(), reader_language(lang))


def person_of(rehearsal: Rehearsal) -> Personalisation:
    from openipt.practice.rehearsal import Personalisation

    return Personalisation(name=rehearsal.person_name or None, relationship=rehearsal.person_relationship or None,
                           situation=rehearsal.situation or None)


def inventory_people(client: Client) -> list[dict[str, Any]]:
    """The people in the client's interpersonal inventory (from the assessment app), or [] if none."""
    get = getattr(assessment_api, "inventory_people", None)
    if get is None:
        return []
    try:
        people = get(client) or []
    except Exception:  # noqa: BLE001 - the free-text fallback always works
        return []
    return [p for p in people if isinstance(p, dict) and p.get("id") is not None and p.get("name")]


def paused_for(client: Client) -> bool:
    return bool(safety_api.automated_features_paused(client))


def pause_cause(client: Client) -> str | None:
    """Why the practice partner is paused ("answer", "review" or "words"), or None when it is not."""
    return safety_api.pause_cause(client)


def model_settings_for(organisation_id: int) -> ModelSettings | None:
    """Return ModelSettings when the organisation has switched the language-model partner on, else None."""
    from openipt.practice.rehearsal.llm import ModelSettings

    found = access.partner_settings(organisation_id)
    if found is None or not found.enabled:
        return None
    try:
        return ModelSettings(url=found.url, model=found.model_name, api_key=unseal(found.api_key) or None,
                             timeout=float(found.timeout_seconds))
    except ValueError:  # a bad address, or a key sealed under another secret key (Unreadable): the scripted partner
        return None


def _scenario(rehearsal: Rehearsal) -> Scenario:
    """The scenario of a rehearsal _own_rehearsal returned (it refuses one whose scenario is gone), in the
    client's language where it is translated."""
    found = scenario_in(rehearsal.scenario_id)
    assert found is not None
    return found[0]


def _in_language(reply: PartnerReply) -> PartnerReply:
    """The reply as the client's language needs it: the pause line translated, the feedback's "not available in
    this language" words in the page's language; no analyser notes on a modelled line in another language (the
    translated model lines are not checked by the analyser)."""
    from dataclasses import replace

    from openipt.practice.feedback_words import in_page_language

    if reply.paused:
        reply = replace(reply, text=pause_text()[0])
    if reply.feedback is not None and not reply.feedback.supported:
        reply = replace(reply, feedback=in_page_language(reply.feedback))
    if reader_language() != "en" and reply.model_feedback is not None:
        reply = replace(reply, model_feedback=None)
    return reply


def _localised_or(scenario: Scenario) -> Scenario:
    found = scenario_in(scenario.id)
    return found[0] if found is not None else scenario


def _enabled_or_refuse(client: Client) -> None:
    if not access.settings_for(client).rehearsal_enabled:
        raise ActionError(_("Your therapist has turned practice conversations off for now. You can talk to them about it."),
                          code="off")


def _paused_error() -> ActionError:
    return ActionError(_("The practice partner is resting for now. Your therapist will be in touch."), code="paused")


def _add_turn(rehearsal: Rehearsal, number: int, step: int, speaker: str, text: str, **extra: Any) -> RehearsalTurn:
    return RehearsalTurn.objects.create(rehearsal=rehearsal, number=number, step=step, speaker=speaker, text=text,
                                        at=timezone.now(), **extra)


def _partner_extra(reply: PartnerReply) -> dict[str, Any]:
    source = "pause" if reply.paused else reply.source
    extra: dict[str, Any] = {"source": source, "note": reply.note[:300], "mood": reply.mood[:20], "reaction": (reply.reaction or "")[:20]}
    if reply.model_feedback is not None:
        extra["feedback"] = reply.model_feedback.to_dict()
    return extra


@transaction.atomic
def start_rehearsal(actor: Actor, scenario_id: str, *, person_id: object = None, name: str = "", relationship: str = "",
                    situation: str = "") -> Rehearsal:
    """Start a practice conversation, personalised with an inventory person or the client's own words."""
    from openipt.practice.rehearsal import Personalisation, opening

    client = own_client_or_refuse(actor)
    _enabled_or_refuse(client)
    scenario = scenarios().get(scenario_id or "")
    if scenario is None:
        raise ActionError(_("Choose a conversation to practise."), field="scenario")

    if scenario.stage == ENDING_STAGE and ending_material_blocked(client):
        raise ActionError(_("This practice is not open for you now. Please talk with your therapist about it first."),
                          field="scenario")
    if paused_for(client):
        raise _paused_error()
    name = text_value(name, "name", limit=100)
    relationship = text_value(relationship, "relationship", limit=100)
    situation = text_value(situation, "situation", limit=300)
    if person_id not in (None, ""):
        people = {str(p.get("id")): p for p in inventory_people(client)}
        person = people.get(str(person_id))
        if person is None:
            raise ActionError(_("Choose someone from the list, or write their name below."), field="person")
        name = name or str(person.get("name") or "")[:100]
        relationship = relationship or str(person.get("relationship") or "")[:100]
        person_id = int(person["id"]) if str(person.get("id", "")).isdecimal() else None
    else:
        person_id = None
    partner = PartnerKind.MODEL if model_settings_for(client.organisation_id) else PartnerKind.SCRIPT
    rehearsal = Rehearsal.objects.create(client=client, scenario_id=scenario.id, role=RehearsalRole.CLIENT,
                                         partner=partner, person_id=person_id, person_name=name,
                                         person_relationship=relationship, situation=situation)
    first = _in_language(opening(_localised_or(scenario), Personalisation(name or None, relationship or None,
                                                                          situation or None)))
    _add_turn(rehearsal, 0, 0, "partner", first.text, **_partner_extra(first))
    screen_text(client=client, text="\n".join(t for t in (name, relationship, situation) if t),
                source="practice.rehearsal", obj=rehearsal, actor=actor)
    audit.record(REHEARSAL_STARTED.code, actor=actor, client=client, obj=rehearsal,
                 details={"scenario": scenario.id, "partner": partner, "role": rehearsal.role})
    return rehearsal


def _own_rehearsal(actor: Actor, rehearsal_id: int | str) -> tuple[Client, Rehearsal]:
    client = own_client_or_refuse(actor)
    rehearsal = access.get_rehearsal(actor, rehearsal_id)
    if rehearsal is None or rehearsal.client_id != client.pk:
        raise ActionError(_("This practice conversation is not yours."), code=ErrorCode.FORBIDDEN)
    if scenario_of(rehearsal) is None:
        raise ActionError(_("This practice conversation is no longer available. Start a new one."))
    return client, rehearsal


def _branch(actor: Actor, client: Client, source: Rehearsal, *, role: str, keep_before_step: int | None) -> Rehearsal:
    from openipt.practice.rehearsal import opening

    copy = Rehearsal.objects.create(
        client=client, scenario_id=source.scenario_id, role=role, partner=source.partner, person_id=source.person_id,
        person_name=source.person_name, person_relationship=source.person_relationship, situation=source.situation,
        parent=source, from_step=keep_before_step, steps=max(0, (keep_before_step or 1) - 1))
    if keep_before_step is None:
        first = _in_language(opening(_scenario(source), person_of(source), cast("Role", role)))
        _add_turn(copy, 0, 0, "partner", first.text, **_partner_extra(first))
    else:
        kept = [t for t in source.turns.all() if t.step < keep_before_step]
        RehearsalTurn.objects.bulk_create([
            RehearsalTurn(rehearsal=copy, number=t.number, step=t.step, speaker=t.speaker, text=t.text, source=t.source,
                          note=t.note, mood=t.mood, reaction=t.reaction, feedback=t.feedback, at=t.at) for t in kept])
    audit.record(REHEARSAL_STARTED.code, actor=actor, client=client, obj=copy,
                 details={"scenario": copy.scenario_id, "from": source.pk, "from_step": keep_before_step, "role": role})
    return copy


@transaction.atomic
def restart_from(actor: Actor, rehearsal_id: int | str, step: Any) -> Rehearsal:
    """Start a copy of a conversation kept up to (not including) the client's message `step`."""
    client, rehearsal = _own_rehearsal(actor, rehearsal_id)
    _enabled_or_refuse(client)
    try:
        step = int(step)
    except (TypeError, ValueError):
        step = 0
    if not 1 <= step <= rehearsal.steps:
        raise ActionError(_("Choose one of your messages to go back to."))
    return _branch(actor, client, rehearsal, role=rehearsal.role, keep_before_step=step)


@transaction.atomic
def switch_roles(actor: Actor, rehearsal_id: int | str) -> Rehearsal:
    """Start the same conversation with the roles swapped: the partner plays the client."""
    client, rehearsal = _own_rehearsal(actor, rehearsal_id)
    _enabled_or_refuse(client)
    if paused_for(client):
        raise _paused_error()
    role = RehearsalRole.SWITCHED if rehearsal.role == RehearsalRole.CLIENT else RehearsalRole.CLIENT
    return _branch(actor, client, rehearsal, role=role, keep_before_step=None)


@dataclass
class Sent:
    rehearsal: Rehearsal
    paused: bool
    reply: RehearsalTurn | None


def _reply_for(rehearsal: Rehearsal, turns: list[RehearsalTurn], text: str) -> PartnerReply:
    """Work out the partner's next line (the model's when configured, else the script's)."""
    from openipt.practice.rehearsal import Turn, next_reply
    from openipt.practice.rehearsal.llm import model_reply

    scenario, person, role = _scenario(rehearsal), person_of(rehearsal), cast("Role", rehearsal.role)
    language = rehearsal.client.preferred_language  # the language the client writes in, for the analyser
    transcript = [Turn(cast(Literal["client", "partner"], t.speaker), t.text) for t in turns] + [Turn("client", text)]
    settings = model_settings_for(rehearsal.client.organisation_id) if rehearsal.partner == PartnerKind.MODEL else None
    if settings is None:
        reply = next_reply(scenario, person, transcript, role, risk_screen(language), language)
        if rehearsal.partner == PartnerKind.MODEL and not reply.paused:
            from dataclasses import replace

            reply = replace(reply, note="The language-model partner is switched off, so a scripted reply is shown.")
        return _in_language(reply)
    # The language-model partner is told to answer in English and its replies are checked in English, so it gets
    # the English scenario; a reader of another language sees its lines marked as English (issue 17: not done yet).
    english = scenario_of(rehearsal) or scenario
    return _in_language(model_reply(english, person, transcript, settings, risk_screen(language), role, language))


def send_message(actor: Actor, rehearsal_id: int | str, text: object, *, expected_steps: object) -> Sent:
    """Store the client's message with its feedback and the partner's reply (none while paused)."""
    client, rehearsal = _own_rehearsal(actor, rehearsal_id)
    _enabled_or_refuse(client)
    text = text_value(text, "text", required=_("Write a message first. Even a few words are fine."), limit=MAX_MESSAGE)
    if rehearsal.ended:
        raise ActionError(_("This conversation has come to an end. Switch roles, go back to one of your messages, or "
                            "start a new one."), field="text")
    if rehearsal.steps >= MAX_STEPS:
        raise ActionError(_("This conversation is very long now. Go back to one of your messages, or start a new one."),
                          field="text")
    if expected_steps != rehearsal.steps:
        raise ConflictError(_("This conversation moved on in another window. Your message is still in the box; "
                              "read the latest lines and send it again."))
    turns = list(rehearsal.turns.all())
    paused = paused_for(client)
    reply = None if paused else _reply_for(rehearsal, turns, text)
    with transaction.atomic():
        locked = Rehearsal.objects.select_for_update().get(pk=rehearsal.pk)
        if locked.steps != expected_steps:
            raise ConflictError(_("This conversation moved on in another window. Your message is still in the box; "
                                  "read the latest lines and send it again."))
        number = (turns[-1].number if turns else 0) + 1
        step = locked.steps + 1
        feedback = reply.feedback.to_dict() if reply is not None and reply.feedback is not None else {}
        mine = _add_turn(locked, number, step, "client", text, feedback=feedback)
        screen_text(client=client, text=text, source="practice.rehearsal", obj=mine, actor=actor)
        paused = paused or paused_for(client)  # the message itself may have paused automated features
        answer = None
        if not paused and reply is not None:
            answer = _add_turn(locked, number + 1, step, "partner", reply.text, **_partner_extra(reply))
            locked.ended = bool(reply.ended and not reply.paused)
        locked.steps = step
        locked.save(update_fields=["steps", "ended", "updated_at"])
        audit.record(REHEARSAL_MESSAGE.code, actor=actor, client=client, obj=locked, details={
            "step": step, "paused": paused, "source": answer.source if answer else "",
            "reaction": answer.reaction if answer else ""})
    return Sent(locked, paused, answer)
