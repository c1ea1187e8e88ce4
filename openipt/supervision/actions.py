"""Every change in supervision: rating a session, the clinician's reply, competency sign-offs.

Each function takes the Actor first, checks permission, runs in a transaction and records an
audit event. Refusals are ActionError (shown beside the field) or ConflictError (someone else
rated the same session first).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError
from openipt.protocol import default_protocol
from openipt.protocol.model import FidelityChecklist
from openipt.supervision import access, api, scoring, targets
from openipt.supervision.models import Competency, FidelityRating, Overall, RatingReply, SignOff
from openipt.supervision.queries import competency as competency_queries

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership
    from openipt.protocol import Protocol
    from openipt.protocol.model import FidelityChecklist

RATED = register("fidelity.rated", "Session fidelity rated")
REPLIED = register("fidelity.replied", "Fidelity comment read or answered")
SIGNED_OFF = register("competency.signed_off", "Competency signed off")
WITHDRAWN = register("competency.withdrawn", "Competency sign-off withdrawn")
RATING_VIEWED = register("fidelity.viewed", "Fidelity rating viewed")

MAX_TEXT = 5000
OVERALL_VALUES = tuple(Overall.values)
NOT_HELD = gettext_noop("This session has not taken place (it is still scheduled, or was cancelled or missed), so there is nothing to rate.")


def checklist_for(target: targets.Target) -> tuple[FidelityChecklist, str]:
    """Return (checklist, version) for a target's phase and format; the group-only items only for groups."""
    protocol = default_protocol()
    if target.checklist_id:
        checklist = _named_checklist(protocol, target.checklist_id, target.format_id)
    else:
        checklist = protocol.fidelity_checklist(target.phase, target.format_id)
    version = ",".join(f"{p.id}:{p.version}" for p in protocol.packs if p.version)[:40]
    return checklist, version


def _named_checklist(protocol: Protocol, checklist_id: str, format_id: str) -> FidelityChecklist:
    """Return a checklist by its id with the items that apply to the format; KeyError when it does not exist."""
    for checklist in protocol.fidelity_checklists():
        if checklist.id == checklist_id:
            items = tuple(i for i in checklist.items if not i.formats or format_id in i.formats)
            return FidelityChecklist(checklist.id, checklist.phase, checklist.title, items, checklist.formats)
    raise KeyError(checklist_id)


def rate(actor: Actor, kind: str, target_id: int | str, *, answers: dict[str, Any], comment: str = "", expected_version: int | None = None,
         overall: int | None = None) -> FidelityRating:
    """Rate a session's fidelity. A session already rated gets a new version; the old one stays as history.

    `expected_version` is the version the rater saw when they opened the form (0 for none); a
    different current version means someone else rated it meanwhile, and a ConflictError is raised.
    """
    target = targets.resolve(actor, kind, target_id)
    if not access.can_rate(actor, target.rated_membership_id):
        raise PermissionDenied
    if not target.held:
        raise ActionError(_(NOT_HELD))
    try:
        checklist, version = checklist_for(target)
    except KeyError:
        raise ActionError(_("There is no fidelity checklist for this phase.")) from None
    item_ids = [item.id for item in checklist.items]
    cleaned = scoring.clean_answers(answers or {}, item_ids)
    if not cleaned:
        raise ActionError(_("Answer the checklist before saving: choose yes, partly, no or not applicable for each item."),
                          field="answers")
    missing = [item for item in checklist.items if item.id not in cleaned]
    if missing:
        raise ActionError(
            _("Answer every item (choose “not applicable” if it did not apply to this session). Missing: %(item)s")
            % {"item": missing[0].text},
            field=f"item_{missing[0].id}",
        )
    try:
        applicable, percent = scoring.score(cleaned)
    except scoring.NothingToScore:
        raise ActionError(_("At least one item must apply to the session; all were marked not applicable."),
                          field="answers") from None
    if overall is not None and (isinstance(overall, bool) or not isinstance(overall, int) or overall not in OVERALL_VALUES):
        raise ActionError(_("Choose an overall rating from the list."), field="overall")
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise ActionError(_("Keep the comment under %(n)d characters.") % {"n": MAX_TEXT}, field="comment")
    try:
        with transaction.atomic():
            current = (
                FidelityRating.objects.select_for_update()
                .filter(target_kind=kind, target_id=int(target_id), is_current=True)
                .first()
            )
            seen = current.version if current else 0
            if expected_version is not None and int(expected_version) != seen:
                raise ConflictError(
                    _("Someone else rated this session while you were filling in the form. Their rating is shown "
                      "below; your answers are kept — save again to add yours as a new version."),
                    current=current,
                )
            if current is not None:
                FidelityRating.objects.filter(pk=current.pk).update(is_current=False)
            rating = FidelityRating.objects.create(
                organisation_id=actor.organisation_id,
                target_kind=kind,
                target_id=int(target_id),
                target_label=target.label[:200],
                target_url=target.url[:300],
                phase=target.phase,
                format_id=target.format_id,
                checklist_id=checklist.id,
                checklist_version=version,
                items=[{"id": i.id, "text": i.text} for i in checklist.items],
                answers=cleaned,
                applicable=applicable,
                score_percent=percent,
                comment=comment,
                overall=overall,
                rater=actor.membership,
                rated_id=target.rated_membership_id,
                version=seen + 1,
                is_current=True,
                rated_at=timezone.now(),
                session_at=target.session_at,
            )
            audit.record(RATED.code, actor=actor, obj=rating,
                         details={"kind": kind, "target": int(target_id), "score": percent, "version": rating.version,
                                  "overall": overall})
    except IntegrityError:
        latest = FidelityRating.objects.filter(target_kind=kind, target_id=int(target_id), is_current=True).first()
        raise ConflictError(
            _("Someone else saved a rating of this session at the same moment. Their rating is shown below; your "
              "answers are kept — save again to add yours as a new version."),
            current=latest,
        ) from None
    return rating


def reply(actor: Actor, rating_id: int | str, *, text: str = "") -> RatingReply:
    """Mark a rating's comment as read and, once, reply to it. Only the rated clinician may."""
    rating = access.get_rating(actor, rating_id)
    if rating is None:
        raise ActionError(_("That rating was not found."))
    if rating.rated_id != actor.membership.pk:
        raise PermissionDenied
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ActionError(_("Keep the reply under %(n)d characters.") % {"n": MAX_TEXT}, field="text")
    now = timezone.now()
    with transaction.atomic():
        existing = RatingReply.objects.select_for_update().filter(rating=rating).first()
        if existing is None:
            existing = RatingReply.objects.create(rating=rating, by=actor.membership, read_at=now,
                                                  text=text, replied_at=now if text else None)
        elif text:
            if existing.text:
                raise ActionError(_("You have already replied to this rating; a reply can be sent once."), field="text")
            existing.text, existing.replied_at = text, now
            existing.save(update_fields=["text", "replied_at"])
        audit.record(REPLIED.code, actor=actor, obj=rating, details={"replied": bool(text)})
    return existing


def record_view(actor: Actor, rating: FidelityRating) -> None:
    with transaction.atomic():
        audit.record(RATING_VIEWED.code, actor=actor, obj=rating)


def sign_off(actor: Actor, membership_id: int | str, *, competency: str, signed_on: date | None = None, note: str = "") -> SignOff:
    """Sign a clinician off as competent; a supervisor for their supervisees, an admin for any care staff."""
    if not access.is_overseer(actor):
        raise PermissionDenied
    member = access.get_member(actor, membership_id)
    if member is None or not access.can_sign_off(actor, member):
        raise ActionError(_("Choose someone you supervise."), field="membership")
    if competency not in Competency.values:
        raise ActionError(_("Choose a competency from the list."), field="competency")
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ActionError(_("The date cannot be in the future."), field="signed_on")
    if competency == Competency.GROUP_LEAD:
        _check_competency_rule(actor, member)
    note = (note or "").strip()[:MAX_TEXT]
    try:
        with transaction.atomic():
            made = SignOff.objects.create(organisation_id=actor.organisation_id, membership=member, competency=competency,
                                          signed_by=actor.membership, signed_on=signed_on, note=note,
                                          created_at=timezone.now())
            audit.record(SIGNED_OFF.code, actor=actor, obj=made, details={"membership": member.pk, "competency": competency})
    except IntegrityError:
        raise ActionError(
            _("%(name)s is already signed off for this. Withdraw the current sign-off first if it needs redoing.")
            % {"name": member.user},
            field="competency",
        ) from None
    return made


def shortfall_sentences(ready: competency_queries.Readiness) -> list[str]:
    """What the programme's rule still needs, one plain sentence each."""
    out = []
    for flag in ready.open_flags:
        out.append(_("“%(item)s” was rated potentially harmful and nobody has recorded what was done about it yet.")
                   % {"item": flag.item_title})
    for short in ready.shortfalls:
        title = ready.item_title(short.item_id)
        if short.code == "no_assessment":
            out.append(_("There is no competency assessment on “%(tool)s” yet.") % {"tool": ready.tool.title})
        elif short.code == "not_rated":
            out.append(_("“%(item)s” was not rated in the latest assessment.") % {"item": title})
        elif short.code == "harmful":
            out.append(_("“%(item)s” is at level 1 (potentially harmful) in the latest assessment.") % {"item": title})
        else:
            out.append(_("“%(item)s” is at level %(level)s; the programme asks for level %(min)s or more.")
                       % {"item": title, "level": short.level, "min": ready.rule.min_level})
    return out


def _check_competency_rule(actor: Actor, member: Membership) -> None:
    """Refuse a group-lead sign-off that the programme's competency rule does not allow, saying everything missing."""
    ready = competency_queries.readiness(actor.organisation_id, member.pk)
    if ready.ready:
        return
    if access.blind_to(actor).filter(trainee_id=member.pk).exists():
        # The reasons would tell a blind second rater the first rater's levels: they rate first.
        raise ActionError(
            _("%(name)s cannot be signed off to lead a group alone yet. An observation of them is waiting for your "
              "second rating: save it on the competency page, then you will see what is missing.")
            % {"name": member.user},
            field="membership",
        )
    reasons = shortfall_sentences(ready)
    raise ActionError(
        _("%(name)s cannot be signed off to lead a group alone yet. %(reasons)s")
        % {"name": member.user, "reasons": " ".join(reasons)},
        field="membership",
    )


def withdraw_sign_off(actor: Actor, signoff_id: int | str, *, reason: str) -> SignOff:
    """Withdraw a live sign-off, with a reason; the row stays as history."""
    if not access.is_overseer(actor):
        raise PermissionDenied
    pk = access._pk(signoff_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why the sign-off is withdrawn."), field="reason")
    with transaction.atomic():
        signoff = access.visible_signoffs(actor).select_for_update(of=("self",)).filter(pk=pk).first() if pk else None
        if signoff is None:
            raise ActionError(_("That sign-off was not found."))
        if signoff.withdrawn_at is not None:
            raise ActionError(_("This sign-off was already withdrawn."), field="reason")
        signoff.withdrawn_at = timezone.now()
        signoff.withdrawn_by = actor.membership
        signoff.withdrawn_reason = reason[:MAX_TEXT]
        signoff.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit.record(WITHDRAWN.code, actor=actor, obj=signoff, details={"membership": signoff.membership_id})
        if signoff.competency == Competency.GROUP_LEAD:
            api.group_lead_withdrawn(actor, signoff)  # groups holds the groups they still lead alone (HAZ-041)
    return signoff
