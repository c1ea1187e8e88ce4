"""The private partner-violence and fear screen of couples IPT: answering, entering, reading, and the start check.

A partner answers once on their own device (the portal); after that only the therapist, alone with
that partner, enters a new screen. A concern raises a safety alert for that partner in the same
transaction and keeps the couples course in its initial phase (the `partner_safety_screen` start
check). Answers are shown to staff only, and every read is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ErrorCode
from openipt.couples import access, screen
from openipt.couples.actions import _own_couple
from openipt.couples.models import Couple, PartnerScreen, ScreenVia
from openipt.courses import access as course_access
from openipt.courses.start_checks import CheckResult
from openipt.courses.start_checks import register as register_check
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.courses.models import Course

SCREEN_SAVED = register("couples.screen_saved", "Partner's private safety screen recorded")
SCREEN_READ = register("couples.screen_read", "Partner's private safety screen answers read")

MAX_NOTE = 2000


def _clean(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    answers = {}
    for q in screen.QUESTIONS:
        value = data.get(q.id)
        if value not in screen.VALID:
            raise ActionError(_("Please choose an answer to this question."), field=q.id)
        answers[q.id] = value
    note = data.get("note")
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > MAX_NOTE:
        raise ActionError(_("Please keep this under %(n)d characters.") % {"n": MAX_NOTE}, field="note")
    return answers, note


def _save(actor: Actor, couple: Couple, partner: Client, answers: dict[str, Any], note: str, via: str) -> PartnerScreen:
    concern = bool(screen.concerns(answers))
    row = PartnerScreen.objects.create(
        couple=couple, partner=partner, answers=answers, concern=concern, note=note, via=via,
        entered_by=actor.membership if via == ScreenVia.THERAPIST else None, at=timezone.now())
    audit.record(SCREEN_SAVED.code, actor=actor, client=partner, obj=row,
                 details={"couple": couple.pk, "via": via, "concern": concern})

    level = screen.alert_level(answers)
    if concern:
        found = ", ".join(screen.question_text(q) for q in screen.concerns(answers))
        safety_api.raise_for_review(
            client=partner, level=level, obj=row, actor=actor,
            text=_("Couples IPT private safety screen: a concern about the relationship (%(found)s). Couples IPT "
                   "is on hold. Talk with this partner alone about their safety, and offer individual IPT.")
            % {"found": found})
    if note:
        safety_api.raise_for_text(client=partner, text=note, source="couples.screen", obj=row, actor=actor)
    return row


@transaction.atomic
def answer_own_screen(actor: Actor, data: dict[str, Any]) -> PartnerScreen:
    """A partner answers their own private screen on their own device; once per couples course."""
    client, couple = _own_couple(actor)
    if PartnerScreen.objects.filter(couple=couple, partner=client).exists():
        raise ActionError(_("You have already answered these questions. If something has changed, please tell your "
                            "therapist when you are alone with them."))
    answers, note = _clean(data)
    return _save(actor, couple, client, answers, note, ScreenVia.PORTAL)


@transaction.atomic
def enter_screen(actor: Actor, couple_id: int | str, partner_id: int | str, data: dict[str, Any], *, alone: bool) -> PartnerScreen:
    """The therapist enters a partner's screen while alone with that partner."""
    couple = access.get_couple(actor, couple_id)
    if couple is None:
        raise ActionError(_("That couples course was not found."), code=ErrorCode.NOT_FOUND)
    if not course_access.can_change_course(actor, couple.course):
        raise PermissionDenied
    if not couple.course.is_open:
        raise ActionError(_("This course has ended."))
    partner = _partner(couple, partner_id)
    if not alone:
        raise ActionError(_("Ask these questions only when you are alone with this partner, then tick the box."),
                          field="alone")
    answers, note = _clean(data)
    return _save(actor, couple, partner, answers, note, ScreenVia.THERAPIST)


def _partner(couple: Couple, partner_id: int | str) -> Client:
    for partner in (couple.partner_one, couple.partner_two):
        if str(partner.pk) == str(partner_id):
            return partner
    raise ActionError(_("That person is not a partner in this course."), code=ErrorCode.NOT_FOUND)


def latest_screens(couple: Couple) -> dict[int, PartnerScreen]:
    """The latest screen of each partner, keyed by client id (no answers are shown by this alone)."""
    latest = {}
    for row in PartnerScreen.objects.filter(couple=couple).order_by("at", "pk"):
        latest[row.partner_id] = row
    return latest


def has_concern(couple: Couple) -> bool:
    return any(row.concern for row in latest_screens(couple).values())


def read_screens(actor: Actor, couple: Couple, partner: Client) -> list[PartnerScreen]:
    """A partner's screens, newest first, for staff; the read is audited."""
    rows = list(PartnerScreen.objects.filter(couple=couple, partner=partner).select_related("entered_by__user")
                .order_by("-at", "-pk"))
    with transaction.atomic():
        audit.record(SCREEN_READ.code, actor=actor, client=partner, obj=couple,
                     details={"screens": [r.pk for r in rows]})
    return rows


def client_in_concern(client: Client) -> bool:
    """True unless both partners' latest private screens are answered and clear.

    Material about leaving a partner stays closed from the start of a couples course until both
    screens are clear, not only after a concern: if it disappeared when one partner answered, the
    other partner would learn from that change that the private answers raised a concern.
    """
    couple = access.client_couple(client)
    if couple is None:
        return False
    latest = latest_screens(couple)
    both = {couple.partner_one_id, couple.partner_two_id}
    return set(latest) != both or any(row.concern for row in latest.values())


@register_check("partner_safety_screen")
def partner_safety_screen(course: Course) -> CheckResult:
    """Both partners answered the private screen and neither raised a concern."""
    title = _("Private safety screen of each partner")
    couple = Couple.objects.filter(course_id=course.pk).select_related("partner_one", "partner_two").first()
    if couple is None:
        return CheckResult("partner_safety_screen", title, False, _(
            "add the second partner first; then each partner answers a few private questions about safety in the "
            "relationship."), reverse("couples:link", args=[course.pk]), _("Add the second partner"))
    url = reverse("couples:screens", args=[couple.pk])
    latest = latest_screens(couple)
    if any(row.concern for row in latest.values()):
        return CheckResult("partner_safety_screen", title, False, _(
            "a partner's private screen raised a concern about safety in the relationship, so couples IPT should not "
            "go ahead. Offer each partner individual IPT instead, and talk with that partner alone about their "
            "safety and safety plan."), url, _("Open the screens"))
    waiting = [p.display_name for p in (couple.partner_one, couple.partner_two) if p.pk not in latest]
    if waiting:
        return CheckResult("partner_safety_screen", title, False, _(
            "not answered yet by %(names)s. Ask each partner to answer in their own portal, or ask the questions when "
            "you are alone with them and enter the answers.") % {"names": " and ".join(waiting)}, url,
            _("Open the screens"))
    return CheckResult("partner_safety_screen", title, True, url=url, link_text=_("Open the screens"))
