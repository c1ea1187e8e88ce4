"""Changes to how a person signs in: two-factor set-up and reset, recovery codes, password reset.

Like accounts.actions, each function runs in a transaction and records its audit event in it.
Pages that anyone may open (a password-reset request) record the address in the event's details,
because there is no signed-in person to record.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from openipt.accounts import access
from openipt.accounts.actor import Actor, Origin
from openipt.accounts.errors import AccountsCode
from openipt.accounts.models import Membership, RecoveryCode, User
from openipt.audit import actions as audit
from openipt.audit import registry
from openipt.audit.registry import register
from openipt.core.db import CompiledOnce
from openipt.core.errors import ActionError, ErrorCode

PASSWORD_RESET_REQUESTED = register("auth.password_reset_requested", "Password reset requested")
PASSWORD_RESET = register("auth.password_reset", "Password changed with a reset link")
RECOVERY_CODES_CREATED = register("auth.recovery_codes_created", "Two-factor recovery codes made")
RECOVERY_CODE_USED = register("auth.recovery_code_used", "Two-factor recovery code used")
MFA_RESET = register("auth.mfa_reset", "Two-factor sign-in reset by an admin")

RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that cannot be mistaken for each other: about 79 bits, so the stored
# SHA-256 cannot be reversed by trying every code.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16
MAX_IDENTIFIER = 254


def clean_text(value: object, limit: int) -> str:
    """Return typed text safe to store and show, at most `limit` characters.

    Control characters that no keyboard types (NUL among them, which PostgreSQL refuses) become
    U+FFFD, so the audit log still shows that something odd was sent; line breaks and tabs stay.
    """
    if not isinstance(value, str):
        return ""
    kept = "".join(
        "\ufffd" if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" else ch for ch in value[: limit * 2]
    )
    return kept.strip()[:limit]


def _organisations(user: User) -> list[int]:
    return list(access.active_memberships(user).values_list("organisation_id", flat=True))


# --- two-factor sign-in ---------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    """Return the person's working authenticator, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_to_set_up(user: User) -> TOTPDevice:
    """Return the authenticator the person is setting up, made unconfirmed on their first visit.

    Nothing is recorded in the audit log until it is confirmed (`confirm_authenticator`).
    """
    found = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return found or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _confirmed_device(shape: None, *, user: int) -> QuerySet[TOTPDevice, int]:
    found: QuerySet[TOTPDevice, int] = TOTPDevice.objects.filter(user_id=user, confirmed=True).values_list(
        "pk", flat=True)[:1]
    return found


# Asked on every page a signed-in person opens: its SQL is compiled once per process.
_CONFIRMED_DEVICE = CompiledOnce(_confirmed_device)


def second_step_needed(user: User) -> bool:
    """Whether this person must give a second factor before using OpenIPT (the organisation's rule aside)."""
    if user.two_factor_setup_required:
        return True
    return bool(_CONFIRMED_DEVICE.rows(None, user=user.pk))


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def normalise_recovery_code(value: str) -> str | None:
    """Return a typed recovery code without spaces, hyphens or capitals, or None if it cannot be one."""
    text = "".join(ch for ch in (value or "")[:64].lower() if ch not in " -\t")
    if len(text) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in text):
        return None
    return text


def _format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def issue_recovery_codes(user: User, *, actor: Actor | None = None) -> list[str]:
    """Replace the person's recovery codes with new ones, returned once (only their hashes are kept)."""
    if confirmed_device(user) is None:
        raise ActionError("Turn on two-factor sign-in first; recovery codes come with it.")
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_code(code)) for code in codes])
    audit.record(RECOVERY_CODES_CREATED.code, actor=actor, obj=user, system_label=user.username, details={"count": len(codes)})
    return [_format_code(code) for code in codes]


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def use_recovery_code(user: User, typed: str, *, actor: Actor | None = None) -> int | None:
    """Use up one recovery code: return how many are left, or None if the code is not one of theirs (or was used)."""
    code = normalise_recovery_code(typed)
    if code is None:
        return None
    used = RecoveryCode.objects.filter(user=user, code_hash=_hash_code(code), used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if used != 1:
        return None
    left = recovery_codes_left(user)
    audit.record(RECOVERY_CODE_USED.code, actor=actor, obj=user, system_label=user.username, details={"left": left})
    return left


@transaction.atomic
def confirm_authenticator(user: User, device: TOTPDevice, *, actor: Actor | None = None) -> list[str]:
    """Switch on a newly set-up authenticator and return the person's first recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if user.two_factor_setup_required:
        User.objects.filter(pk=user.pk).update(two_factor_setup_required=False)
        user.two_factor_setup_required = False
    audit.record(registry.MFA_ENABLED.code, actor=actor, system_label=user.username)
    return issue_recovery_codes(user, actor=actor)


@transaction.atomic
def reset_two_factor(actor: Actor, membership_id: int, *, reason: str) -> Membership:
    """Remove a colleague's authenticator and recovery codes; they set up a new one at their next sign-in."""
    if not access.can_manage_people(actor):
        raise ActionError("You do not have permission to do that.", code=ErrorCode.FORBIDDEN)
    membership = access.visible_memberships(actor).filter(pk=membership_id).first()
    if membership is None:
        raise ActionError("That person is not in this organisation.", code=ErrorCode.NOT_FOUND)
    if membership.user_id == actor.user.pk:
        raise ActionError(
            "You cannot reset your own two-factor sign-in here. Use one of your recovery codes, or ask another admin.",
            field="reason",
        )
    elsewhere = Membership.objects.filter(user_id=membership.user_id, is_active=True).exclude(
        organisation_id=actor.organisation_id).exists()
    if elsewhere:
        # One login serves every organisation the person works in: removing its second factor here
        # would remove it there too, where this admin has no say.
        raise ActionError(
            "This person also signs in to another organisation with the same login, so their two-factor sign-in "
            "cannot be reset from here alone. They can use one of their recovery codes; otherwise ask the site's "
            "operator to reset it with the agreement of each organisation.", field="reason")
    reason = clean_text(reason, 500)
    if not reason:
        raise ActionError("Say why you are resetting it (for example, how they asked and why).", field="reason")
    user = User.objects.select_for_update().get(pk=membership.user_id)
    had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not had and not user.two_factor_setup_required:
        raise ActionError(f"{user} has not set up two-factor sign-in, so there is nothing to reset.", field="reason")
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    user.two_factor_setup_required = True
    user.save(update_fields=["two_factor_setup_required"])
    audit.record(MFA_RESET.code, actor=actor, obj=membership, details={"user": user.username, "reason": reason})
    return membership


# --- password reset by e-mail ---------------------------------------------------------------


@dataclass(frozen=True)
class ResetLink:
    """Whom to e-mail a reset link, and the link's two parts (never stored)."""

    user: User
    uid: str
    token: str


def request_password_reset(identifier: str, *, ip: str | None) -> list[ResetLink]:
    """Make reset links for the accounts a username or e-mail address names (none if it names none).

    The caller answers the same way whatever this returns, so the page does not reveal who has an account.
    """
    typed = clean_text(identifier, MAX_IDENTIFIER)
    users = []
    if typed:
        users = list(
            User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed), is_active=True)
            .exclude(email="")
            .filter(memberships__is_active=True)
            .distinct()
            .order_by("pk")[:5]
        )
    links = []
    with transaction.atomic():
        if not users:
            audit.record(
                PASSWORD_RESET_REQUESTED.code, system_label="anonymous",
                details={"typed": typed[:150], "account_found": False, "ip": ip},
            )
        for user in users:
            if not user.has_usable_password():
                continue
            organisation_ids: list[int | None] = [*_organisations(user)] or [None]
            for organisation_id in organisation_ids:
                audit.record(
                    PASSWORD_RESET_REQUESTED.code, system_label="anonymous", organisation_id=organisation_id, obj=user,
                    details={"user": user.username, "account_found": True, "ip": ip},
                )
            links.append(ResetLink(user, urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)))
    return links


def user_for_reset_link(uid: str, token: str) -> User | None:
    """Return the person a reset link is for while it still works (an hour, until the password changes)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid or "")))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token or ""):
        return None
    return user


def reset_password(uid: str, token: str, password: str, *, origin: Origin | None = None) -> User:
    """Set a new password through a reset link, once; every other session of the person ends."""
    with transaction.atomic():
        found = user_for_reset_link(uid, token)
        user = User.objects.select_for_update().filter(pk=found.pk).first() if found else None
        if user is None or not default_token_generator.check_token(user, token):
            raise ActionError("This link has expired or was already used. Ask for a new one.", code=AccountsCode.INVALID_LINK)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages), field="new_password") from None
        user.set_password(password)
        user.save(update_fields=["password"])
        memberships = list(access.active_memberships(user).select_related("user"))
        for membership in memberships:
            audit.record(PASSWORD_RESET.code, actor=Actor(membership, origin or Origin()), obj=user)
        if not memberships:
            audit.record(PASSWORD_RESET.code, obj=user, system_label=user.username,
                         details={"ip": origin.ip if origin else None})
    return user
