"""The `consent` start check: a course does not leave its initial phase without each person's current consent.

Every format lists `consent` under `start_checks` (openipt/protocol/content/en/formats.yaml). The
check asks about everyone taking part in the course (`openipt.courses.participants`: the client, and
partner two of a couples course; each group member has a course of their own):

- a person whose latest consent event is a withdrawal holds the course, whatever the setting: they
  said stop, and treatment does not go on until they agree again;
- when the organisation's setting "Consent required before a course starts" is on, each person must
  have signed the current version of the form;
- otherwise the check passes.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from openipt.clients.models import Client
from openipt.consent.queries import records
from openipt.courses.models import Course
from openipt.courses.participants import participant_ids
from openipt.courses.start_checks import CheckResult, register, register_preload

CHECK_ID = "consent"


def _preload(courses: list[Course]) -> None:
    """Read the consent of every course's client, and the setting, in a fixed number of queries (group rosters)."""
    by_org: dict[int, list[Course]] = {}
    for course in courses:
        by_org.setdefault(course.organisation_id, []).append(course)
    for organisation_id, some in by_org.items():
        required = records.required_before_start(organisation_id)
        ids = [c.client_id for c in some]
        found = records.statuses(ids, organisation_id)
        names = dict(Client.objects.filter(pk__in=ids).values_list("pk", "given_name"))
        for course in some:
            course._consent = (required, found, names)  # type: ignore[attr-defined]  # read back by consent_check


def _when(status: records.Status) -> str:
    return formats.date_format(status.latest.at, "j F Y") if status.latest is not None else ""


@register(CHECK_ID)
def consent_check(course: Course) -> CheckResult:
    title = _("Consent")
    preloaded = getattr(course, "_consent", None)
    ids = participant_ids(course)
    if preloaded is not None and set(ids) <= set(preloaded[1]):
        required, found, names = preloaded
    else:
        required = records.required_before_start(course.organisation_id)
        found = records.statuses(ids, course.organisation_id)
        names = dict(Client.objects.filter(pk__in=ids).values_list("pk", "given_name"))
    withdrawn = [pk for pk in ids if found[pk].withdrawn]
    url = reverse("consent:client", args=[course.client_id])
    if withdrawn:
        pk = withdrawn[0]
        return CheckResult(
            CHECK_ID,
            title,
            False,
            _(
                "%(name)s took back their consent on %(day)s. Treatment does not start until you have talked with them "
                "and they agree again."
            )
            % {"name": names.get(pk, ""), "day": _when(found[pk])},
            reverse("consent:client", args=[pk]),
            _("See their consent"),
        )
    if required:
        waiting = [pk for pk in ids if not found[pk].is_current]
        if waiting:
            pk = waiting[0]
            if len(waiting) == 1:
                detail = _(
                    "%(name)s has not signed the current consent form. Your organisation asks for it before a "
                    "course starts: they can sign in the portal, or you can record a paper form."
                ) % {"name": names.get(pk, "")}
            else:
                detail = _(
                    "%(one)s and %(two)s have not signed the current consent form. Your organisation asks for "
                    "it before a course starts: each can sign in the portal, or you can record a paper form."
                ) % {"one": names.get(waiting[0], ""), "two": names.get(waiting[1], "")}
            return CheckResult(
                CHECK_ID, title, False, detail, reverse("consent:client", args=[pk]), _("See their consent")
            )
    return CheckResult(CHECK_ID, title, True, url=url, link_text=_("See their consent"))


register_preload(_preload)
