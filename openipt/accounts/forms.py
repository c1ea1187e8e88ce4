"""Forms for signing in, two-factor codes, invitations and account administration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Role
from openipt.accounts.signin_actions import clean_text, normalise_recovery_code
from openipt.core.forms import choice_field


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

    def clean_username(self):
        # Django sets the length limit on this field after building it, so it is never checked;
        # an over-long name would reach the lockout table (255 characters) and fail there.
        username = self.cleaned_data.get("username") or ""
        field = self.fields["username"]
        too_long = isinstance(field, forms.CharField) and field.max_length is not None and len(username) > field.max_length
        if too_long or clean_text(username, 1000) != username.strip():
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username

    def full_clean(self):
        super().full_clean()
        # A username no account can have (a NUL character, thousands of characters) is answered
        # like any other wrong sign-in, without looking it up.
        typed = self.data.get("username") if self.is_bound else None
        if typed and "username" in self.errors:
            del self.errors["username"]
            self.add_error(None, forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login"))
            data = cast(QueryDict, self.data).copy()  # a bound form's data is a QueryDict (a dict in some tests)
            data["username"] = clean_text(typed, 150)
            self.data = data


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app or, where allowed, one of the person's recovery codes."""

    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def __init__(self, *args, recovery_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed
        if recovery_allowed:
            self.fields["token"].label = _("Code")
            self.fields["token"].help_text = _(
                "The 6 digits your authenticator app shows, or one of your recovery codes if you do not have your phone."
            )
        else:
            self.fields["token"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})

    def clean_token(self):
        raw = self.cleaned_data["token"]
        value = raw.replace(" ", "")
        if value.isdigit() and len(value) == 6:
            self.kind = "totp"
            return value
        if self.recovery_allowed and normalise_recovery_code(raw):
            self.kind = "recovery"
            return raw
        if self.recovery_allowed:
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows, or a recovery code."))
        raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))


class PasswordResetRequestForm(forms.Form):
    """Ask for a password-reset link."""

    identifier = forms.CharField(
        label=_("Your username or e-mail address"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class NewPasswordForm(forms.Form):
    """Choose a new password (checked against the password rules when it is saved)."""

    new_password = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords are different. Type the same password twice."))
        return data


class ResetTwoFactorForm(forms.Form):
    """An admin resets a colleague's second factor, saying why."""

    reason = forms.CharField(
        label=_("Why are you resetting it?"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log. For example: lost phone, confirmed by a call on 12 March."),
    )


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CLIENT]


class InviteStaffForm(forms.Form):
    """Invite a new member of staff."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    supervisor = forms.TypedChoiceField(
        label=_("Supervisor"), required=False, coerce=int, empty_value=None,
        help_text=_("For therapists and facilitators: who oversees their work."),
    )

    def __init__(self, *args: Any, supervisors: Iterable[Membership] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "supervisor").choices = [("", _("None"))] + [(m.pk, str(m.user)) for m in supervisors]


class InviteClientForm(forms.Form):
    """Invite a client to the portal."""

    email = forms.EmailField(label=_("Client's e-mail address"))


class ChangeMembershipForm(forms.Form):
    """Change a member's role or supervisor."""

    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    supervisor = forms.TypedChoiceField(label=_("Supervisor"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "supervisor").choices = [("", _("None"))] + [(m.pk, str(m.user)) for m in supervisors]


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
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are different. Type the same password twice."))
        return data


class OrganisationSecurityForm(forms.Form):
    """Organisation-wide security choices."""

    require_staff_mfa = forms.BooleanField(
        label=_("Staff must use two-factor sign-in (an authenticator app)"), required=False
    )
