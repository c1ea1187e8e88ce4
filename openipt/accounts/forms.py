"""Forms for signing in, two-factor codes, invitations and account administration."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Role


class LoginForm(AuthenticationForm):
    """Username and password, with messages written for people rather than developers."""

    error_messages = {
        "invalid_login": _("That username and password do not match. Check them and try again."),
        "inactive": _("This account has been deactivated. Ask your organisation's admin."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )

    def clean_token(self):
        value = self.cleaned_data["token"].replace(" ", "")
        if not value.isdigit() or len(value) != 6:
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return value


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CLIENT]


class InviteStaffForm(forms.Form):
    """Invite a new member of staff."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    supervisor = forms.TypedChoiceField(
        label=_("Supervisor"), required=False, coerce=int, empty_value=None,
        help_text=_("For therapists and facilitators: who oversees their work."),
    )

    def __init__(self, *args, supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", _("None"))] + [(m.pk, str(m.user)) for m in supervisors]


class InviteClientForm(forms.Form):
    """Invite a client to the portal."""

    email = forms.EmailField(label=_("Client's e-mail address"))


class ChangeMembershipForm(forms.Form):
    """Change a member's role or supervisor."""

    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    supervisor = forms.TypedChoiceField(label=_("Supervisor"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", _("None"))] + [(m.pk, str(m.user)) for m in supervisors]


class AcceptInvitationForm(forms.Form):
    """Choose a username and password when accepting an invitation."""

    display_name = forms.CharField(label=_("Your name"), max_length=150, help_text=_("How others will see you."))
    username = forms.CharField(
        label=_("Username"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("At least 10 characters; not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are different. Type the same password twice."))
        return data


class OrganisationSecurityForm(forms.Form):
    """Organisation-wide security choices."""

    require_staff_mfa = forms.BooleanField(
        label=_("Staff must use two-factor sign-in (an authenticator app)"), required=False
    )
