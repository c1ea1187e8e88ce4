"""Who may rate, read and sign off.

A supervisor rates the sessions of the staff they supervise; an admin those of any care staff in
the organisation; therapists and facilitators read the ratings of their own sessions; clients
never see any of it. Targets (sessions) are resolved through the owning app's access rules, so a
session outside one's reach answers 404 before any of these checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.models import CARE_ROLES, Membership, Role
from openipt.supervision.models import CompetencyAssessment, CompetencyFlag, FidelityRating, SignOff

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

RATED_ROLES = (Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR)


def _pk(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def is_overseer(actor: Actor | None) -> bool:
    """Supervisors and admins see the dashboard and sign-off pages."""
    return actor is not None and actor.role in (Role.SUPERVISOR, Role.ADMIN)


def supervised_members(actor: Actor | None) -> QuerySet[Membership]:
    """Return the staff this actor oversees: a supervisor's supervisees, or all care staff for an admin."""
    if actor is None:
        return Membership.objects.none()
    base = Membership.objects.filter(organisation_id=actor.organisation_id, is_active=True, role__in=RATED_ROLES)
    if actor.role == Role.ADMIN:
        return base
    if actor.role == Role.SUPERVISOR:
        return base.filter(supervisor_id=actor.membership.pk)
    return Membership.objects.none()


def can_rate(actor: Actor, rated_membership_id) -> bool:
    """A supervisor may rate their supervisees; an admin any care staff in the organisation; nobody themselves."""
    pk = _pk(rated_membership_id)
    if pk is None or not is_overseer(actor) or pk == actor.membership.pk:
        return False
    return supervised_members(actor).filter(pk=pk).exists()


def can_sign_off(actor: Actor, membership) -> bool:
    return (
        membership is not None
        and membership.organisation_id == actor.organisation_id
        and membership.role in CARE_ROLES
        and membership.pk != actor.membership.pk
        and supervised_members(actor).filter(pk=membership.pk).exists()
    )


def visible_ratings(actor: Actor | None) -> QuerySet[FidelityRating]:
    """Ratings the actor may read: of their own sessions, and (overseers) of the staff they oversee."""
    if actor is None or actor.role == Role.CLIENT:
        return FidelityRating.objects.none()
    base = FidelityRating.objects.filter(organisation_id=actor.organisation_id)
    mine = base.filter(rated_id=actor.membership.pk)
    if actor.role == Role.ADMIN:
        return base
    if actor.role == Role.SUPERVISOR:
        return base.filter(rated_id__in=supervised_members(actor).values("pk")) | mine
    return mine


def get_rating(actor: Actor, rating_id) -> FidelityRating | None:
    pk = _pk(rating_id)
    if pk is None:
        return None
    return visible_ratings(actor).filter(pk=pk).select_related("rater__user", "rated__user").first()


def my_ratings(actor: Actor | None) -> QuerySet[FidelityRating]:
    """The current ratings of the actor's own sessions, newest first, with replies."""
    if actor is None or actor.role == Role.CLIENT:
        return FidelityRating.objects.none()
    return (
        FidelityRating.objects.filter(organisation_id=actor.organisation_id, rated_id=actor.membership.pk, is_current=True)
        .select_related("rater__user", "reply")
        .order_by("-rated_at", "-pk")
    )


def visible_signoffs(actor: Actor) -> QuerySet[SignOff]:
    return SignOff.objects.filter(
        organisation_id=actor.organisation_id, membership__in=supervised_members(actor)
    ).select_related("membership__user", "signed_by__user", "withdrawn_by__user", "followed_up_by__user")


def get_member(actor: Actor, membership_id) -> Membership | None:
    pk = _pk(membership_id)
    if pk is None:
        return None
    return supervised_members(actor).filter(pk=pk).select_related("user").first()


# ---- competency assessments


def can_see_own_competency(actor: Actor | None) -> bool:
    """Staff who can be assessed (facilitators, therapists, supervisors) see their own complete assessments; nobody
    sees another person's there (the page has no id in it)."""
    return actor is not None and actor.membership is not None and actor.role in RATED_ROLES


def can_assess(actor: Actor, trainee_id) -> bool:
    """Whoever may rate a clinician's sessions may assess their competency: their supervisor, or an admin."""
    return can_rate(actor, trainee_id)


def visible_assessments(actor: Actor | None) -> QuerySet[CompetencyAssessment]:
    """Assessments of the staff the actor oversees, less those the actor is to rate blind: a first rating that
    names the actor as second rater stays hidden from them until their own rating of it is saved."""
    if actor is None or not is_overseer(actor):
        return CompetencyAssessment.objects.none()
    pending = blind_to(actor)
    return (
        CompetencyAssessment.objects.filter(organisation_id=actor.organisation_id,
                                            trainee__in=supervised_members(actor))
        .exclude(pk__in=pending.values("pk"))
    )


def blind_to(actor: Actor | None) -> QuerySet[CompetencyAssessment]:
    """First ratings naming the actor as second rater that they have not rated yet: nothing drawn from their levels
    (the levels, the lowest level, a harmful-item flag, a rule shortfall) may reach the actor until they have."""
    if actor is None or actor.membership is None:
        return CompetencyAssessment.objects.none()
    return CompetencyAssessment.objects.filter(second_rater_id=actor.membership.pk, second_ratings__isnull=True)


def get_assessment(actor: Actor, assessment_id) -> CompetencyAssessment | None:
    pk = _pk(assessment_id)
    if pk is None:
        return None
    return visible_assessments(actor).filter(pk=pk).select_related("trainee__user", "rater__user",
                                                                   "second_rater__user").first()


def blind_assessment(actor: Actor, assessment_id) -> CompetencyAssessment | None:
    """A first rating the actor is named to rate second and has not rated yet (its levels are not for them)."""
    pk = _pk(assessment_id)
    if pk is None or actor is None or not is_overseer(actor):
        return None
    return (
        CompetencyAssessment.objects.filter(pk=pk, organisation_id=actor.organisation_id, first__isnull=True,
                                            second_rater_id=actor.membership.pk, second_ratings__isnull=True,
                                            trainee__in=supervised_members(actor))
        .select_related("trainee__user").first()
    )


def visible_flags(actor: Actor | None) -> QuerySet[CompetencyFlag]:
    """Harmful-item flags of the staff the actor oversees."""
    if actor is None or not is_overseer(actor):
        return CompetencyFlag.objects.none()
    return CompetencyFlag.objects.filter(
        organisation_id=actor.organisation_id, trainee__in=supervised_members(actor)
    ).exclude(assessment__in=blind_to(actor).values("pk"))
