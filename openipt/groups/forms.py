"""Forms for the group pages; the actions do the checking that matters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Role, Site
from openipt.core.forms import DateInput, choice_field
from openipt.groups.models import (
    OFFLINE_DAYS_DEFAULT,
    OFFLINE_DAYS_MAX,
    OFFLINE_DAYS_MIN,
    SESSIONS_MAX,
    SESSIONS_MIN,
    SIZE_MAX,
    SIZE_MIN,
    Outcome,
    Weekday,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from openipt.accounts.actor import Actor

YES_NO = [("", _("Choose")), ("yes", _("Yes")), ("no", _("No"))]
ANSWERS = [("", "—"), ("0", _("0 Not at all")), ("1", _("1 Several days")), ("2", _("2 More than half the days")),
           ("3", _("3 Nearly every day"))]


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=120)
    min_members = forms.IntegerField(label=_("Fewest members to start a group"), min_value=SIZE_MIN, max_value=SIZE_MAX,
                                     initial=SIZE_MIN)
    max_members = forms.IntegerField(label=_("Most members in a group"), min_value=SIZE_MIN, max_value=SIZE_MAX,
                                     initial=SIZE_MAX)
    sessions_default = forms.IntegerField(label=_("Group sessions"), min_value=SESSIONS_MIN, max_value=SESSIONS_MAX,
                                          initial=SESSIONS_MIN)
    last_join_session = forms.IntegerField(
        label=_("Nobody new joins after session"), min_value=0, max_value=SESSIONS_MAX, initial=2,
        help_text=_("0 means nobody joins once the group has started."))
    require_signoff = forms.BooleanField(label=_("A facilitator needs a competency sign-off to lead a group alone"),
                                         required=False)
    offline_days = forms.IntegerField(
        label=_("Days a tablet may go without a connection"), min_value=OFFLINE_DAYS_MIN, max_value=OFFLINE_DAYS_MAX,
        initial=OFFLINE_DAYS_DEFAULT, required=False,
        help_text=_("A facilitator's tablet that has not synced for longer removes its copy of the groups. "
                    "Changes not yet sent stay on it."))


def _staff_choices(
    organisation_id: int, roles: Iterable[str], blank: StrOrPromise
) -> list[tuple[int | str, StrOrPromise]]:
    rows = (Membership.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True)
            .select_related("user").order_by("user__display_name", "user__username"))
    return [("", blank)] + [(m.pk, f"{m.user} ({m.get_role_display()})") for m in rows]


class GroupDetailsForm(forms.Form):
    """What an admin may change once a group is set up."""

    name = forms.CharField(label=_("Group name"), max_length=120)
    facilitator = forms.TypedChoiceField(label=_("Facilitator"), coerce=int)
    co_facilitator = forms.TypedChoiceField(label=_("Co-facilitator (optional)"), coerce=int, required=False,
                                            empty_value=None)
    supervisor = forms.TypedChoiceField(label=_("Supervisor"), coerce=int)
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 initial="10:00")
    session_minutes = forms.IntegerField(label=_("Minutes per session"), min_value=30, max_value=180, initial=90)
    language = forms.CharField(label=_("Language"), max_length=60)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.CharField(label=_("Video link (if it meets online)"), max_length=300, required=False)

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        org = actor.organisation_id
        leaders = (Role.FACILITATOR, Role.THERAPIST, Role.SUPERVISOR)
        choice_field(self, "facilitator").choices = _staff_choices(org, leaders, _("Choose"))
        choice_field(self, "co_facilitator").choices = _staff_choices(org, leaders, _("Nobody"))
        choice_field(self, "supervisor").choices = _staff_choices(org, (Role.SUPERVISOR,), _("Choose"))


class GroupForm(GroupDetailsForm):
    """Setting up a group: its details, and the schedule its sessions are made from."""

    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int)
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=Weekday.choices, coerce=int,
                                     initial=Weekday.TUESDAY)
    start_date = forms.DateField(label=_("First session on or after"), widget=DateInput())
    sessions = forms.IntegerField(label=_("Number of group sessions"), min_value=SESSIONS_MIN, max_value=SESSIONS_MAX,
                                  required=False, help_text=_("Leave empty to use the programme's number."))
    site = forms.TypedChoiceField(label=_("Site (optional)"), coerce=int, required=False, empty_value=None,
                                  help_text=_("The sessions are set at the start time in the site's time zone."))

    field_order = ["programme", "name", "site", "facilitator", "co_facilitator", "supervisor", "weekday", "start_time",
                   "start_date", "sessions", "session_minutes", "language", "location", "video_link"]

    def __init__(self, *args, actor: Actor, programmes, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        choice_field(self, "programme").choices = [("", _("Choose"))] + [(p.pk, p.name) for p in programmes]
        sites = Site.objects.filter(organisation_id=actor.organisation_id, is_active=True).order_by("name", "pk")
        choice_field(self, "site").choices = [("", _("No site"))] + [
            (s.pk, f"{s.name} ({s.time_zone})") for s in sites]


class GroupEditForm(GroupDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionMoveForm(forms.Form):
    day = forms.DateField(label=_("New day"), widget=DateInput())
    time = forms.TimeField(label=_("New start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class MeetingForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Who you met"), coerce=int)
    held_on = forms.DateField(label=_("Day you met"), widget=DateInput())
    mood_link = forms.CharField(label=_("How their low mood and what happens with people are linked"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    problem_area = forms.ChoiceField(label=_("Problem area"), required=False)
    problem_words = forms.CharField(label=_("The problem in their own words"), max_length=500, required=False)
    goal = forms.CharField(label=_("One goal for the group"), max_length=500, required=False)
    current_plan = forms.ChoiceField(label=_("Do they have a plan to end their life now?"), choices=YES_NO)
    recent_attempt = forms.ChoiceField(label=_("Have they tried to end their life in the last 3 months?"), choices=YES_NO)
    outcome = forms.ChoiceField(label=_("The invitation"), required=False,
                                choices=[("", _("Choose"))] + list(Outcome.choices))
    referral = forms.CharField(label=_("Referral or help arranged"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Other notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, clients, areas, items, kind, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "client").choices = [("", _("Choose"))] + [(c.pk, f"{c.display_name} ({c.record_number})") for c in clients]
        choice_field(self, "problem_area").choices = [("", _("Not chosen yet"))] + [(a.id, a.name) for a in areas]
        self.phq_fields = []
        for n, item in enumerate(items, start=1):
            name = f"q{n}"
            self.fields[name] = forms.ChoiceField(label=f"{n}. {item.text}", choices=ANSWERS, required=False)
            self.phq_fields.append(name)
        if kind != "pre_group":
            del self.fields["outcome"]

    @staticmethod
    def yes_no(value):
        return {"yes": True, "no": False}.get(value)


class ReportForm(forms.Form):
    went_well = forms.CharField(label=_("What went well"), widget=forms.Textarea(attrs={"rows": 3}))
    was_hard = forms.CharField(label=_("What was hard"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    concerns = forms.CharField(label=_("Members you are worried about, and why"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    help_wanted = forms.CharField(label=_("What you would like help with"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply to the facilitator"), widget=forms.Textarea(attrs={"rows": 4}))


class CoLeaderForm(forms.Form):
    """A signed-off co-facilitator for a group led alone after a withdrawn sign-off (HAZ-041)."""

    co_facilitator = forms.TypedChoiceField(
        label=_("Co-facilitator"), coerce=int,
        error_messages={"required": _("Choose who joins the group as co-facilitator."),
                        "invalid_choice": _("Choose one of the listed people who are signed off to lead a group.")},
        help_text=_("Only people signed off to lead a group are listed. They join the group's members' care teams."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, people: Iterable[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "co_facilitator").choices = [("", _("Choose"))] + [
            (m.pk, f"{m.user} ({m.get_role_display()})") for m in people]


class HoldDecisionForm(forms.Form):
    """What a supervisor decides about a group led alone after a withdrawn sign-off (HAZ-041)."""

    decision = forms.ChoiceField(label=_("What happens now"), widget=forms.RadioSelect, choices=[
        ("pause", _("Pause the group's remaining sessions until a signed-off leader joins")),
        ("continue", _("Let the group continue with its leader alone, for now")),
    ])
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("The facilitator sees this, and so does the next supervisor."))
    review_on = forms.DateField(label=_("Look at it again on (needed to continue)"), required=False,
                                widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)
