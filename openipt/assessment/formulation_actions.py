"""The choice of problem area, the formulation (draft, versions, sharing, agreement) and the area's goals.

The formulation is stored only here (`FormulationDraft`, `FormulationVersion`); the courses app reads
the current one through `openipt.courses.formulation`. Choosing the area sets the course's focus
through the courses app's own action (`openipt.courses.actions.set_focus`), so the course page always
shows the chosen area, stage and rationale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.assessment import access, casebuild
from openipt.assessment.actions import (
    AREA_CHOSEN,
    FORMULATION_AGREED,
    FORMULATION_DRAFT_SAVED,
    FORMULATION_DRAFTED,
    FORMULATION_SAVED,
    FORMULATION_SHARED,
    _snapshot,
    forbidden,
    long_text,
)
from openipt.assessment.choices import GRIEF_EVENT_KINDS, SnapshotKind
from openipt.assessment.errors import AssessmentCode
from openipt.assessment.formulation import (
    Formulation,
    FormulationError,
    draft_formulation,
    draft_from_suggestion,
)
from openipt.assessment.models import AreaChoice, FormulationDraft, FormulationVersion, InventorySnapshot
from openipt.assessment.suggest import STAGES
from openipt.assessment.suggest.case import Case, Event, Person
from openipt.assessment.suggest.scorer import Suggestion
from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.courses import actions as course_actions
from openipt.courses import goal_actions
from openipt.courses.models import Course, Goal
from openipt.measures.api import score_points

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client

COURSE_TEXT_LIMIT = course_actions.MAX_TEXT
FOCUS_FIELDS = {"primary_area": "area", "primary_rationale": "rationale", "dispute_stage": "stage",
                "secondary_area": "secondary_area", "secondary_rationale": "secondary_rationale"}


def _course(actor: Actor | None, course_id: int | str) -> Course:
    """Return the course locked, after checking the actor is care staff assigned and the course is open."""
    if actor is None or actor.is_client:
        raise forbidden()
    try:
        return course_actions.course_for_change(actor, course_id)
    except ActionError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise forbidden() from None
        raise


def _set_focus(actor: Actor, course: Course, **changes: str) -> Course:
    """Set the course's focus through the courses app, keeping what is not changed."""
    course = Course.objects.get(pk=course.pk)
    values = {
        "primary_area": course.primary_area, "primary_rationale": course.primary_rationale,
        "dispute_stage": course.dispute_stage, "secondary_area": course.secondary_area,
        "secondary_rationale": course.secondary_rationale,
    }
    values.update(changes)
    if values["secondary_area"] and values["secondary_area"] == values["primary_area"]:
        values["secondary_area"], values["secondary_rationale"] = "", ""
    try:
        course = course_actions.set_focus(actor, course.pk, expected_version=course.version, **values)
    except ActionError as exc:
        if exc.field is not None:
            exc.field = FOCUS_FIELDS.get(exc.field, exc.field)
        raise
    return course


@transaction.atomic
def choose_area(actor: Actor, course_id: int | str, *, area: str, stage: str, rationale: str, secondary_area: str = "",
                secondary_rationale: str = "", confirm_deficits: bool = False,
                suggestions: Sequence[Suggestion] | None = None) -> AreaChoice:
    """Record the therapist's choice of problem area, whether it followed the suggestion, and set the course's focus."""
    course = _course(actor, course_id)
    area, stage, secondary_area = (area or "").strip(), (stage or "").strip(), (secondary_area or "").strip()
    if area not in {"grief", "role_dispute", "role_transition", "interpersonal_deficits"}:
        raise ActionError(_("Choose one of the four problem areas."), field="area")
    if area == "role_dispute" and stage not in STAGES:
        raise ActionError(_("Choose the stage of the dispute: renegotiation, impasse or dissolution."), field="stage")
    if area != "role_dispute":
        stage = ""
    if suggestions is None:
        suggestions = casebuild.build(course.client).suggestions
    primary = next((s for s in suggestions if s.role == "primary"), None)
    if area == "interpersonal_deficits" and primary is not None and primary.area != area and not confirm_deficits:
        raise ActionError(
            _("The protocol keeps interpersonal deficits for when no other area fits, and the suggestions found "
              "another area. If deficits is still right, tick the box to confirm it."), field="confirm_deficits")
    rationale = long_text(rationale, "rationale", limit=COURSE_TEXT_LIMIT)
    if not rationale:
        raise ActionError(_("Say in your own words why this area fits: what links the low mood to it?"), field="rationale")
    suggested_area = (primary.area or "") if primary else ""  # a primary suggestion always names an area
    suggested_stage = primary.stage.stage if primary and primary.stage else ""
    followed = bool(primary) and area == suggested_area and (area != "role_dispute" or stage == suggested_stage)
    # A new area leaves the agreed formulation behind: it was written for the old area (api.current_formulation).
    changes = {"primary_area": area, "primary_rationale": rationale, "dispute_stage": stage,
               "secondary_area": secondary_area, "secondary_rationale": secondary_rationale.strip()}
    _set_focus(actor, course, **changes)
    choice = AreaChoice.objects.create(
        course=course, area=area, stage=stage, secondary_area=secondary_area, rationale=rationale,
        suggested_area=suggested_area, suggested_stage=suggested_stage,
        suggested_confidence=(primary.confidence or "") if primary else "", followed=followed,
        suggestions=[s.to_dict() for s in suggestions], by=actor.membership, at=timezone.now(),
    )
    audit.record(AREA_CHOSEN.code, actor=actor, client=course.client, obj=choice, details={
        "area": area, "stage": stage, "secondary": secondary_area, "suggested": suggested_area or None,
        "suggested_stage": suggested_stage or None, "followed_suggestion": followed,
        "confidence": choice.suggested_confidence or None})
    return choice


def latest_phq9(client: Client) -> int | None:
    """Return the client's latest PHQ-9 total from the measures app, or None."""
    for _when, total in reversed(list(score_points(client, "phq9") or [])):
        if isinstance(total, (int, float)) and not isinstance(total, bool) and 0 <= total <= 27:
            return int(total)
    return None


def generate(course: Course) -> Formulation:
    """Write a draft formulation from the course's area and stage, the people, events, onset and symptoms."""
    if not course.primary_area:
        raise ActionError(_("Choose a problem area first: the draft explains how the low mood links to it."))
    built = casebuild.build(course.client)
    symptoms: str | int | None = latest_phq9(course.client)
    if symptoms is None:  # the onset note is about when, not how, so it is never pasted in as the symptoms
        symptoms = _("low mood")
    stage = course.dispute_stage or None
    case = built.case
    try:
        match = next((s for s in built.suggestions if s.area == course.primary_area), None) if case else None
        if case is not None and match is not None:
            if stage and match.stage and match.stage.stage != stage:
                match = replace(match, stage=replace(match.stage, stage=stage))
            return draft_from_suggestion(case, match, symptoms)
        people, events = _focus_guess(case, course.primary_area)
        onset = case.onset.date if case and case.onset else None
        return draft_formulation(course.primary_area, symptoms, stage=stage if course.primary_area == "role_dispute" else None,
                                 people=people, events=events, onset=onset)
    except FormulationError as exc:
        raise ActionError(_("A draft cannot be written yet: %(why)s.") % {"why": str(exc)}) from None


def _focus_guess(case: Case | None, area: str) -> tuple[list[Person], list[Event]]:
    """Pick the people and event a draft mentions when the suggester did not centre on the chosen area."""
    if case is None:
        return [], []
    if area == "grief":
        deaths = [e for e in case.timeline if e.kind in GRIEF_EVENT_KINDS]
        if deaths:
            last = deaths[-1]
            return ([case.inventory[last.people[0]]] if last.people else []), [last]
    elif area == "role_dispute":
        rank = {"inner": 0, "middle": 1, "outer": 2}
        ps = sorted((p for p in case.inventory if p.conflicts or p.expectations.match == "no"), key=lambda p: rank[p.ring])
        if ps:
            return [ps[0]], [e for e in case.timeline if e.kind == "dispute" and ps[0].index in e.people][:1]  # when it started
    elif area == "role_transition":
        return [], [e for e in case.timeline if e.kind == "role_change"][-1:]
    elif area == "interpersonal_deficits":
        return [p for p in case.inventory if p.ring in ("inner", "middle") and p.satisfying], []
    return [], []


def _draft(course: Course, actor: Actor) -> FormulationDraft:
    draft = FormulationDraft.objects.select_for_update().filter(course=course).first()
    if draft is None:
        draft = FormulationDraft.objects.create(course=course, text="", version=0, updated_by=actor.membership,
                                                updated_at=timezone.now())
    return draft


@transaction.atomic
def generate_draft(actor: Actor, course_id: int | str, *, replace_text: bool = False) -> tuple[FormulationDraft, Formulation, bool]:
    """Generate a draft; it fills an empty working text, or replaces it when asked. Returns (draft, generated, used)."""
    course = _course(actor, course_id)
    made = generate(course)
    draft = _draft(course, actor)
    used = replace_text or not draft.text.strip()
    if used:
        draft.text = made.client_text
        draft.staff_text = made.staff_text
        draft.version += 1
        draft.updated_by = actor.membership
        draft.updated_at = timezone.now()
        draft.save()
    audit.record(FORMULATION_DRAFTED.code, actor=actor, client=course.client, obj=draft,
                 details={"area": course.primary_area, "stage": course.dispute_stage, "used": used})
    return draft, made, used


@transaction.atomic
def autosave_draft(actor: Actor, course_id: int | str, *, text: str, expected_version: int) -> FormulationDraft:
    """Keep the working text while the therapist types; a newer save by someone else is a conflict."""
    course = _course(actor, course_id)
    draft = _draft(course, actor)
    if expected_version != draft.version:
        raise ConflictError(_("Someone else saved this formulation while you were typing. Your text stays here and in "
                              "this browser. Press “Save as a new version” to see both."), current=draft)
    text = long_text(text, "text")
    if text != draft.text:
        draft.text = text
        draft.version += 1
        draft.updated_by = actor.membership
        draft.updated_at = timezone.now()
        draft.save()
        audit.record(FORMULATION_DRAFT_SAVED.code, actor=actor, client=course.client, obj=draft,
                     details={"characters": len(text)})
    return draft


@transaction.atomic
def save_version(actor: Actor, course_id: int | str, *, text: str, expected_version: int) -> tuple[FormulationVersion, bool]:
    """Save the working text as a new version (kept for ever). Returns (version, created)."""
    course = _course(actor, course_id)
    draft = _draft(course, actor)
    text = long_text(text, "text")
    if expected_version != draft.version and text != draft.text:
        raise ConflictError(_("Someone else saved this formulation while you were editing. Their text is shown; yours "
                              "is kept in the box. Combine the two and save again."), current=draft)
    if not text:
        raise ActionError(_("Write the formulation before saving it, or press “Write a draft for me”."), field="text")
    latest = FormulationVersion.objects.filter(course=course).order_by("-number").first()
    if latest is not None and latest.text == text and latest.area == course.primary_area and latest.stage == course.dispute_stage:
        return latest, False
    number = (FormulationVersion.objects.filter(course=course).aggregate(m=Max("number"))["m"] or 0) + 1
    version = FormulationVersion.objects.create(
        course=course, number=number, text=text, staff_text=draft.staff_text, area=course.primary_area,
        stage=course.dispute_stage, saved_by=actor.membership, saved_at=timezone.now(),
    )
    draft.text = text
    draft.version += 1
    draft.updated_by = actor.membership
    draft.updated_at = timezone.now()
    draft.save()
    audit.record(FORMULATION_SAVED.code, actor=actor, client=course.client, obj=version,
                 details={"number": number, "area": version.area, "characters": len(text)})
    return version, True


def _latest(course: Course) -> FormulationVersion | None:
    return FormulationVersion.objects.select_for_update().filter(course=course).order_by("-number").first()


def _no_area() -> ActionError:
    return ActionError(_("Choose a problem area before sharing the formulation: it explains how the low mood links "
                         "to that area. Open “Suggestions and choice of area” first."), code=AssessmentCode.NO_AREA)


def _share(actor: Actor, course: Course, version: FormulationVersion) -> FormulationVersion:
    if not course.primary_area:
        raise _no_area()
    if version.area != course.primary_area or version.stage != course.dispute_stage:
        raise ActionError(_("The problem area changed after this version was saved. Check the text, save it as a new "
                            "version, then share it."), code=AssessmentCode.STALE_AREA)
    if version.shared_at is None:
        version.shared_at = timezone.now()
        version.shared_by = actor.membership
        version.save(update_fields=["shared_at", "shared_by"])
        audit.record(FORMULATION_SHARED.code, actor=actor, client=course.client, obj=version,
                     details={"number": version.number, "area": version.area})
    return version


@transaction.atomic
def share_latest(actor: Actor, course_id: int | str) -> FormulationVersion:
    """Share the latest saved version with the client (portal and print); refused before an area is chosen."""
    course = _course(actor, course_id)
    version = _latest(course)
    if not course.primary_area:
        raise _no_area()
    if version is None:
        raise ActionError(_("Save the formulation first, then share it."), field="text")
    return _share(actor, course, version)


def _check_agreed_on(on: date | None, version: FormulationVersion) -> date:
    today = timezone.localdate()
    if on is None:
        raise ActionError(_("Enter the date the client agreed."), field="agreed_on")
    if on > today:
        raise ActionError(_("The client cannot have agreed on a date in the future. Enter today or an earlier date."),
                          field="agreed_on")
    written = timezone.localdate(version.saved_at)
    if on < written:
        raise ActionError(_("This version was written on %(date)s, so the client cannot have agreed it earlier.")
                          % {"date": written.strftime("%d/%m/%Y")}, field="agreed_on")
    return on


def _after_agreement(actor: Actor, course: Course, version: FormulationVersion) -> None:
    if not InventorySnapshot.objects.filter(client=course.client, kind=SnapshotKind.START).exists():
        _snapshot(actor, course.client, SnapshotKind.START, _("When the formulation was agreed"))


@transaction.atomic
def record_agreement(actor: Actor, course_id: int | str, *, on: date | None) -> FormulationVersion:
    """Record, for the client, that they agreed the latest version (shared now if it was not yet)."""
    course = _course(actor, course_id)
    version = _latest(course)
    if version is None:
        raise ActionError(_("Save and share the formulation first, then record the client's agreement."))
    on = _check_agreed_on(on, version)
    version = _share(actor, course, version)
    version.agreed_on = on
    version.agreed_by_client = False
    version.agreement_recorded_by = actor.membership
    version.agreement_recorded_at = timezone.now()
    version.save()
    _after_agreement(actor, course, version)
    audit.record(FORMULATION_AGREED.code, actor=actor, client=course.client, obj=version,
                 details={"number": version.number, "on": on, "by_client": False})
    return version


@transaction.atomic
def client_agrees(actor: Actor, version_id: int | str) -> FormulationVersion:
    """The client agrees, in the portal, with the formulation shared with them."""
    version = access.get_shared_version(actor, version_id)
    if version is None:
        raise ActionError(_("This is not a formulation shared with you. Go back to your page and try again."),
                          code=ErrorCode.FORBIDDEN)
    version = FormulationVersion.objects.select_for_update().select_related("course__client").get(pk=version.pk)
    newer = FormulationVersion.objects.filter(course=version.course, number__gt=version.number,
                                              shared_at__isnull=False).exists()
    if newer:
        raise ActionError(_("Your therapist has shared a newer version. Read that one first."))
    if version.agreed_on is None:
        version.agreed_on = timezone.localdate()
        version.agreed_by_client = True
        version.agreement_recorded_by = actor.membership
        version.agreement_recorded_at = timezone.now()
        version.save()
        _after_agreement(actor, version.course, version)
        audit.record(FORMULATION_AGREED.code, actor=actor, client=version.course.client, obj=version,
                     details={"number": version.number, "on": version.agreed_on, "by_client": True})
    return version


@transaction.atomic
def add_area_goals(actor: Actor, course_id: int | str, given: Iterable[object] | None) -> list[Goal]:
    """Add goals for the course's problem area through the courses app's goal action."""
    course = _course(actor, course_id)
    if not course.primary_area:
        raise ActionError(_("Choose a problem area first; the goals come from it."))
    texts = [" ".join(str(t).split()) for t in (given or []) if str(t).strip()]
    if not texts:
        raise ActionError(_("Tick at least one goal, or write your own."), field="goals")
    existing = {g.casefold() for g in course.goals.values_list("text", flat=True)}
    made: list[Goal] = []
    for text in dict.fromkeys(texts):
        if text.casefold() in existing:
            continue
        made.append(goal_actions.add_goal(actor, course.pk, text=text, area=course.primary_area))
    if not made:
        raise ActionError(_("These goals are already on the course."), field="goals")
    return made
