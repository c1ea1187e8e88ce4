"""Forms for the safety pages. Checks that need the database or the rules are in the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput, choice_field
from openipt.safety.models import PLAN_SECTIONS, Severity
from openipt.safety.rules import OPERATORS, load_shipped

STATUS_CHOICES = [
    ("open", _("Open (not resolved)")),
    ("unacknowledged", _("Waiting for someone to act")),
    ("acknowledged", _("Acknowledged, not resolved")),
    ("resolved", _("Resolved")),
    ("all", _("All")),
]
SEVERITY_CHOICES = [("", _("Any severity")), ("high", _("High")), ("medium", _("Medium")), ("low", _("Review"))]
OPERATOR_WORDS = {">": _("more than"), ">=": _("at least"), "==": _("exactly"), "!=": _("anything but"),
                  "<": _("less than"), "<=": _("at most")}


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Show"), choices=STATUS_CHOICES, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES, required=False)
    mine = forms.BooleanField(label=_("Only clients assigned to me"), required=False)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=10000,
        error_messages={"required": _("Write what was done (for example: called the client, agreed a safety plan, "
                                      "referred to the crisis team) before resolving.")},
        help_text=_("For example: phoned the client, reviewed risk, updated the safety plan, referred to the crisis team."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reopen = forms.BooleanField(
        label=_("Also reopen the automated practice features for this client (the note above is the reason)"), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is safe to reopen them"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


PLAN_LABELS = {
    "warning_signs": (_("1. My warning signs"), _("Thoughts, feelings or things that happen that tell me a crisis may be starting.")),
    "coping_steps": (_("2. Things I can do on my own"), _("Things that help me feel better or take my mind off things, without anyone else.")),
    "distractions": (_("3. People and places that take my mind off things"), _("People I can be with, and places I can go.")),
    "help_people": (_("4. People I can ask for help"), _("Names and phone numbers of people I trust.")),
    "professionals": (_("5. Professionals and services I can contact"), _("My therapist, my doctor, a crisis line, the nearest emergency service.")),
    "safer_surroundings": (_("6. Making my surroundings safer"), _("Things I can do to keep myself safe, such as giving things that could hurt me to someone else.")),
    "reasons_for_living": (_("7. My reasons for living"), _("The people, things and hopes that matter most to me.")),
}


class PlanReviewForm(forms.Form):
    """The clinician's part: the review date and the means-restriction prompts gone through with the client."""

    review_on = forms.DateField(label=_("Look at the plan again together by"), widget=DateInput(),
                                help_text=_("Sooner when risk is higher. The plan is flagged to you when this date passes."))
    means = forms.MultipleChoiceField(label=_("Making the surroundings safer: what we went through"), required=False,
                                      widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, **kwargs):
        from openipt.safety.plan_review import MEANS

        super().__init__(*args, **kwargs)
        choice_field(self, "means").choices = [(i, staff_text) for i, staff_text, _client in MEANS]


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PLAN_SECTIONS:
            label, help_text = PLAN_LABELS[name]
            self.fields[name] = forms.CharField(label=label, help_text=help_text, required=False, max_length=5000,
                                                widget=forms.Textarea(attrs={"rows": 3}), strip=False)


def policy_choices():
    return [(p.id, f"{p.id}: {p.description}") for p in load_shipped().policies.values()]


class RuleForm(forms.Form):
    instrument = forms.CharField(label=_("Instrument code"), max_length=40,
                                 help_text=_("As the measures app names it, such as phq9, or the code of your own licensed instrument (epds)."),
                                 widget=forms.TextInput(attrs={"list": "instrument-codes", "autocomplete": "off"}))
    item = forms.CharField(label=_("Item"), max_length=40, help_text=_("The item's id, such as q9 or q10."))
    operator = forms.ChoiceField(label=_("Raise an alert when the answer is"),
                                 choices=[(op, OPERATOR_WORDS[op]) for op in OPERATORS])
    threshold = forms.IntegerField(label=_("Threshold"), min_value=-1000, max_value=1000)
    severity = forms.ChoiceField(label=_("Severity"), choices=[(s.value, s.label) for s in Severity], initial="high")
    policy = forms.ChoiceField(label=_("Escalation policy"), choices=policy_choices, initial="standard")
    reason = forms.CharField(label=_("What staff should know"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown on every alert this rule raises, such as: follow up the same day."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SwitchForm(forms.Form):
    reason = forms.CharField(label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class TimingForm(forms.Form):
    """Minutes between steps of one policy; fields step_1.. are added for each step after the first."""

    def __init__(self, policy, current: list[int], *args, **kwargs):
        kwargs.setdefault("prefix", policy.id)
        super().__init__(*args, **kwargs)
        from openipt.safety.present import TARGET_WORDS

        self.policy = policy
        for index, (step, value) in enumerate(zip(policy.steps[1:], current, strict=True), start=1):
            self.fields[f"step_{index}"] = forms.IntegerField(
                label=_("Minutes before telling the %(who)s") % {"who": TARGET_WORDS.get(step.notify, step.notify)},
                help_text=_("Counted from the step before."), min_value=0 if step.after_minutes == 0 else 1,
                max_value=7 * 24 * 60, initial=value,
            )

    def minutes(self) -> list[int]:
        return [self.cleaned_data[f"step_{i}"] for i in range(1, len(self.policy.steps))]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("What clients see, such as the name of a crisis line."))
    language = forms.CharField(label=_("Language"), max_length=12, initial="en",
                               help_text=_("Clients whose language is this see this contact. Clients whose language has no contacts see the English ones."))
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    text_number = forms.CharField(label=_("Text message number"), max_length=40, required=False)
    website = forms.CharField(label=_("Web address"), max_length=200, required=False)
    hours = forms.CharField(label=_("When it is open"), max_length=120, required=False, help_text=_("Such as: every day, day and night."))
    description = forms.CharField(label=_("What it is for"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10, help_text=_("Smaller numbers are shown first."))
    is_active = forms.BooleanField(label=_("Show this contact to clients"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SafeguardingLeadForm(forms.Form):
    """Choose the organisation's safeguarding lead (or nobody: the admins are told instead)."""

    lead = forms.ChoiceField(label=_("Safeguarding lead"), required=False,
                             help_text=_("Told at once about every child safeguarding alert. When nobody is set, the admins are told."))

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "lead").choices = [("", _("Nobody (tell the admins)"))] + [
            (str(m.pk), f"{m.user} ({m.get_role_display()})") for m in choices
        ]
