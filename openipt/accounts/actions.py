"""Every change to organisations, logins, memberships and invitations.

Each function is transactional and writes its audit event in the same
transaction. Views and commands call these; nothing else saves these models.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts import access
from openipt.accounts.errors import AccountsCode
from openipt.accounts.models import (
    CARE_ROLES,
    Invitation,
    Membership,
    Organisation,
    Role,
    TranslationSignOff,
    User,
)
from openipt.accounts.queries import (
    CONTENT_CONTEXT,
    content_languages,
    piece_id,
    unreviewed_content,
    unreviewed_translations,
)
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core import events
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.i18n import catalogues

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client

ORG_CREATED = register("org.created", "Organisation created")
ORG_SETTINGS = register("org.settings_changed", "Organisation settings changed")
MEMBER_ADDED = register("member.added", "Person added to the organisation")
MEMBER_DEACTIVATED = register("member.deactivated", "Account deactivated")
MEMBER_REACTIVATED = register("member.reactivated", "Account reactivated")
MEMBER_CHANGED = register("member.changed", "Role or supervisor changed")
INVITE_SENT = register("invite.sent", "Invitation created")
INVITE_ACCEPTED = register("invite.accepted", "Invitation accepted")
INVITE_REVOKED = register("invite.revoked", "Invitation revoked")
TRANSLATIONS_SIGNED = register("translation.signed_off", "Translations signed off by a reviewer")
CONTENT_SIGNED = register("translation.content_signed_off", "Translated content (guides, plans, reading) signed off")
LANGUAGE_CHOSEN = register("user.language_chosen", "Person chose the language of their screens")


def _require(predicate: Callable[[Actor], bool], actor: Actor, message: str = "You do not have permission to do that.") -> None:
    if not predicate(actor):
        raise ActionError(message, code=ErrorCode.FORBIDDEN)


@transaction.atomic
def create_organisation(name: str, slug: str, *, kind: str = "clinic", record_prefix: str = "C") -> Organisation:
    """Create an organisation (used by setup commands, not by any web page)."""
    if Organisation.objects.filter(slug=slug).exists():
        raise ActionError(f"An organisation with the short name {slug!r} already exists.", field="slug")
    org = Organisation.objects.create(name=name, slug=slug, kind=kind, record_prefix=record_prefix)
    audit.record(ORG_CREATED.code, organisation_id=org.pk, obj=org, details={"name": name})
    return org


@transaction.atomic
def create_user(username: str, password: str | None, *, display_name: str = "", email: str = "") -> User:
    """Create a login; the password is checked against the password rules."""
    username = username.strip()
    if not username:
        raise ActionError("Choose a username.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError("That username is taken. Choose another.", field="username")
    user = User(username=username, display_name=display_name.strip(), email=email.strip())
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages), field="password") from None
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def add_member(
    organisation: Organisation,
    user: User,
    role: str,
    *,
    supervisor: Membership | None = None,
    actor: Actor | None = None,
) -> Membership:
    """Give a person a role in an organisation."""
    if role not in Role.values:
        raise ActionError(f"Unknown role {role!r}.", field="role")
    if supervisor is not None and (supervisor.organisation_id != organisation.pk or supervisor.role != Role.SUPERVISOR):
        raise ActionError("The supervisor must be a supervisor in this organisation.", field="supervisor")
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ActionError(f"{user} already belongs to {organisation}.", field="email")
    membership = Membership.objects.create(user=user, organisation=organisation, role=role, supervisor=supervisor)
    audit.record(
        MEMBER_ADDED.code, actor=actor, organisation_id=organisation.pk, obj=membership,
        details={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def set_membership_active(actor: Actor, membership_id: int, active: bool) -> Membership:
    """Deactivate or reactivate someone's membership in the admin's organisation."""
    _require(access.can_manage_people, actor)
    membership = access.visible_memberships(actor).select_for_update(of=("self",)).filter(pk=membership_id).first()
    if membership is None:
        raise ActionError("That person is not in this organisation.", code=ErrorCode.NOT_FOUND)
    if membership.pk == actor.membership.pk and not active:
        raise ActionError("You cannot deactivate your own account. Ask another admin.")
    if membership.is_active == active:
        return membership
    membership.is_active = active
    membership.deactivated_at = None if active else timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    audit.record(
        (MEMBER_REACTIVATED if active else MEMBER_DEACTIVATED).code, actor=actor, obj=membership,
        details={"user": membership.user.username},
    )
    return membership


@transaction.atomic
def change_membership(actor: Actor, membership_id: int, *, role: str, supervisor_id: int | None) -> Membership:
    """Change someone's role or supervisor."""
    _require(access.can_manage_people, actor)
    membership = access.visible_memberships(actor).select_for_update(of=("self",)).filter(pk=membership_id).first()
    if membership is None:
        raise ActionError("That person is not in this organisation.", code=ErrorCode.NOT_FOUND)
    if role not in Role.values:
        raise ActionError("Choose a role.", field="role")
    if membership.role == Role.CLIENT or role == Role.CLIENT:
        if role != membership.role:
            raise ActionError("Client accounts and staff accounts cannot be turned into each other.", field="role")
    if membership.pk == actor.membership.pk and role != Role.ADMIN:
        raise ActionError("You cannot remove your own admin role. Ask another admin.", field="role")
    supervisor = None
    if supervisor_id:
        supervisor = access.supervisors(actor).filter(pk=supervisor_id).first()
        if supervisor is None:
            raise ActionError("Choose a supervisor from this organisation.", field="supervisor")
        if supervisor.pk == membership.pk:
            raise ActionError("Nobody supervises themself.", field="supervisor")
    old = {"role": membership.role, "supervisor": membership.supervisor_id}
    new_supervisor = supervisor.pk if supervisor is not None and role in CARE_ROLES else None
    # Who may see which clients is about to change: told before the change is written (in this transaction), so
    # the listeners (the API's changes feed) can read who saw the clients until now.
    if old["supervisor"] != new_supervisor:  # the supervisors who see (or no longer see) their clients
        events.emit(events.EventType.ACCESS_CHANGED, organisation_id=membership.organisation_id,
                    occurred_at=timezone.now(),
                    data={"supervisee_id": membership.pk, "change": "supervisor",
                          "staff_ids": [pk for pk in (old["supervisor"], new_supervisor) if pk]})
    if old["role"] != role:  # what the person themselves may see changed (a supervisor's supervisees, an admin's all)
        events.emit(events.EventType.ACCESS_CHANGED, organisation_id=membership.organisation_id,
                    occurred_at=timezone.now(),
                    data={"change": "role", "staff_ids": [membership.pk],
                          "everyone": Role.ADMIN in (old["role"], role)})
    membership.role = role
    membership.supervisor = supervisor if role in CARE_ROLES else None
    membership.save(update_fields=["role", "supervisor", "updated_at"])
    audit.record(
        MEMBER_CHANGED.code, actor=actor, obj=membership,
        details={"from": old, "to": {"role": role, "supervisor": membership.supervisor_id}},
    )
    return membership


@transaction.atomic
def set_require_mfa(actor: Actor, required: bool) -> Organisation:
    """Require (or stop requiring) two-factor sign-in for staff."""
    _require(access.can_manage_people, actor)
    org = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    org.require_staff_mfa = required
    org.save(update_fields=["require_staff_mfa", "updated_at"])
    audit.record(ORG_SETTINGS.code, actor=actor, obj=org, details={"require_staff_mfa": required})
    return org


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and its secret token (shown once, never stored)."""

    invitation: Invitation
    token: str


@transaction.atomic
def invite(actor: Actor, *, email: str, role: str, supervisor_id: int | None = None, client: Client | None = None) -> IssuedInvitation:
    """Create an invitation link for a new member of staff or a client."""
    _require(access.can_manage_people, actor)
    email = (email or "").strip()
    if not email:
        raise ActionError("Enter the e-mail address to send the invitation to.", field="email")
    if role not in Role.values:
        raise ActionError("Choose a role.", field="role")
    if role == Role.CLIENT:
        if client is None or client.organisation_id != actor.organisation_id:
            raise ActionError("Choose the client record this login is for.", field="client")
        if client.user_id is not None:
            raise ActionError("This client already has a portal login.", field="client")
    elif client is not None:
        raise ActionError("Only client invitations are linked to a client record.", field="client")
    supervisor = None
    if supervisor_id:
        supervisor = access.supervisors(actor).filter(pk=supervisor_id).first()
        if supervisor is None:
            raise ActionError("Choose a supervisor from this organisation.", field="supervisor")
    pending = Invitation.objects.filter(
        organisation_id=actor.organisation_id, email__iexact=email, accepted_at__isnull=True,
        revoked_at__isnull=True, expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ActionError("There is already an open invitation for this address. Revoke it first.", field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation_id=actor.organisation_id,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        invited_by=actor.membership,
        supervisor=supervisor if role in CARE_ROLES else None,
        client=client,
    )
    audit.record(INVITE_SENT.code, actor=actor, obj=invitation, client=client, details={"role": role})
    return IssuedInvitation(invitation, token)


@transaction.atomic
def revoke_invitation(actor: Actor, invitation_id: int) -> Invitation:
    """Stop an unused invitation from working."""
    _require(access.can_manage_people, actor)
    invitation = access.visible_invitations(actor).select_for_update(of=("self",)).filter(pk=invitation_id).first()
    if invitation is None:
        raise ActionError("That invitation does not exist.", code=ErrorCode.NOT_FOUND)
    if invitation.accepted_at:
        raise ActionError("That invitation was already used; deactivate the account instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit.record(INVITE_REVOKED.code, actor=actor, obj=invitation)
    return invitation


class InvitationProblem(ActionError):
    """An invitation link that cannot be used, with the reason for the person holding it."""


def find_invitation(token: str) -> Invitation:
    """Return the invitation for a token, or explain why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "client").filter(token_hash=_hash_token(token or "")).first()
    )
    if invitation is None:
        raise InvitationProblem("This invitation link is not valid. Check that you copied all of it.", code=AccountsCode.INVITATION_UNKNOWN)
    when = timezone.localtime
    if invitation.accepted_at:
        raise InvitationProblem(
            f"This invitation was already used on {when(invitation.accepted_at):%d %b %Y}. "
            "Sign in with the username you chose then.",
            code=AccountsCode.INVITATION_USED,
        )
    if invitation.revoked_at:
        raise InvitationProblem(
            f"This invitation was withdrawn by {invitation.organisation}. Ask them for a new one.", code=AccountsCode.INVITATION_REVOKED
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationProblem(
            f"This invitation expired on {when(invitation.expires_at):%d %b %Y}. "
            f"Ask {invitation.organisation} to send a new one.",
            code=AccountsCode.INVITATION_EXPIRED,
        )
    return invitation


# Called, in the same transaction, with (invitation, new user) when an invitation is accepted. The clients
# app, which sits above accounts, registers here to link a client's portal login to the client record.
INVITATION_LISTENERS: list[Callable[[Invitation, User], None]] = []


def add_invitation_listener(listener: Callable[[Invitation, User], None]) -> None:
    """Call `listener` whenever an invitation is accepted (register from AppConfig.ready)."""
    if listener not in INVITATION_LISTENERS:
        INVITATION_LISTENERS.append(listener)


def accept_invitation(token: str, *, username: str, password: str, display_name: str = "") -> Membership:
    """Use an invitation: create the login and join the organisation, once."""
    with transaction.atomic():
        invitation = find_invitation(token)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at:
            raise InvitationProblem("This invitation was already used. Sign in instead.", code=AccountsCode.INVITATION_USED)
        user = create_user(username, password, display_name=display_name, email=invitation.email)
        try:
            membership = add_member(invitation.organisation, user, invitation.role, supervisor=invitation.supervisor)
        except IntegrityError:
            raise ActionError("Could not join the organisation; try again.") from None
        for listener in INVITATION_LISTENERS:
            listener(invitation, user)
        locked.accepted_at = timezone.now()
        locked.accepted_membership = membership
        locked.save(update_fields=["accepted_at", "accepted_membership", "updated_at"])
        audit.record(
            INVITE_ACCEPTED.code, organisation_id=invitation.organisation_id, obj=locked,
            client=invitation.client, system_label=user.username,
        )
    return membership


@transaction.atomic
def set_language(actor: Actor, code: object) -> User:
    """Set the language of the acting person's own screens ("" = their organisation's or preferred language)."""
    value = code if isinstance(code, str) else ""
    if value and value not in {c for c, _name in settings.LANGUAGES}:
        raise ActionError(_("Choose one of the languages in the list."), field="language")
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    user.language = value
    user.save(update_fields=["language"])
    audit.record(LANGUAGE_CHOSEN.code, actor=actor, obj=user, details={"language": value})
    return user


@transaction.atomic
def sign_off_translations(actor: Actor, lang: object, entry_ids: list[str] | None) -> int:
    """Sign off unreviewed translations in a language: the ones named, or all of them (entry_ids None).

    Returns how many were signed. Recorded in the audit log with the English texts signed.
    """
    _require(access.can_review_translations, actor)
    if not isinstance(lang, str) or lang not in catalogues.LANGUAGES:
        raise ActionError(_("Choose a language from the list."), field="language")
    waiting = unreviewed_translations(lang)
    chosen = waiting if entry_ids is None else [e for e in waiting if catalogues.entry_id(e) in set(entry_ids)]
    if not chosen:
        raise ActionError(_("Choose at least one translation to sign off."))
    now = timezone.now()
    TranslationSignOff.objects.bulk_create([
        TranslationSignOff(language=lang, msgctxt=e.msgctxt or "", msgid=e.msgid, msgid_hash=catalogues.digest(e.msgid),
                           msgstr_hash=catalogues.digest(catalogues.translation_text(e)), signed_by=actor.membership,
                           signed_at=now)
        for e in chosen], ignore_conflicts=True)
    audit.record(TRANSLATIONS_SIGNED.code, actor=actor, details={
        "language": lang, "count": len(chosen), "whole_pack": entry_ids is None,
        "msgids": [e.msgid[:80] for e in chosen[:50]]})
    return len(chosen)


@transaction.atomic
def sign_off_content(actor: Actor, lang: object, piece_ids: list[str] | None) -> int:
    """Sign off a content pack's unreviewed pieces in a language: the ones named, or all of them (piece_ids None).

    Each sign-off is for the exact English and translated wording: a piece that changes later is unreviewed
    again. Returns how many were signed; recorded in the audit log with the pieces' keys.
    """
    _require(access.can_review_translations, actor)
    if not isinstance(lang, str) or lang not in content_languages():
        raise ActionError(_("Choose a language from the list."), field="language")
    waiting = unreviewed_content(lang)
    wanted = None if piece_ids is None else set(piece_ids)
    chosen = waiting if wanted is None else [p for p in waiting if piece_id(p) in wanted]
    if not chosen:
        raise ActionError(_("Choose at least one translation to sign off."))
    now = timezone.now()
    TranslationSignOff.objects.bulk_create([
        TranslationSignOff(language=lang, msgctxt=(CONTENT_CONTEXT + p.key)[:200], msgid=p.english,
                           msgid_hash=catalogues.digest(p.english), msgstr_hash=catalogues.digest(p.translation),
                           signed_by=actor.membership, signed_at=now)
        for p in chosen], ignore_conflicts=True)
    audit.record(CONTENT_SIGNED.code, actor=actor, details={
        "language": lang, "count": len(chosen), "whole_pack": piece_ids is None,
        "pieces": [p.key for p in chosen[:100]]})
    return len(chosen)
