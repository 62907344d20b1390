"""An organisation's people: created, edited, deactivated and invited by its administrators.

An invitation is a one-time link that expires. It either creates the person when accepted (the
invitee chooses a username) or, for a person an administrator created, sets their password.
Only a digest of the link's secret is stored; the link itself is returned once, to be shown on
the page, printed by the command line and, when e-mail is configured, sent to the invitee.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event, snapshot
from accord.core.models import ApiToken
from accord.core.text import text_input
from accord.orgs.choices import InvitationState, PersonRole
from accord.orgs.models import Invitation, Organisation, Person

logger = logging.getLogger("accord.orgs")

INVITATION_PATH = "/join/{secret}/"
PERSON_FIELDS = ("first_name", "last_name", "email", "role", "title", "is_org_admin")


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and its link's secret: the secret exists only in this object."""

    invitation: Invitation
    secret: str

    @property
    def path(self) -> str:
        return INVITATION_PATH.format(secret=self.secret)

    def link(self, base_url: str | None = None) -> str:
        base = (base_url or settings.ACCORD_BASE_URL).rstrip("/")
        return base + self.path


def invitation_digest(secret: str) -> str:
    # 256 random bits: a plain SHA-256 is enough to keep the stored value useless to a reader.
    return hashlib.sha256(secret.encode()).hexdigest()


def _record(actor: Person | None, verb: str, obj: Person | Invitation, **kwargs: Any) -> None:
    """An event of the person's (or invitation's) organisation, for its own eyes only."""
    record_event(
        actor=actor,
        verb=verb,
        obj=obj,
        organisation=obj.organisation,
        classification=Classification.INTERNAL,
        **kwargs,
    )


def _require_admin(actor: Person, organisation: Organisation) -> None:
    if not (actor.is_active and actor.is_org_admin and actor.organisation_id == organisation.pk):
        raise Forbidden("Only an administrator of the organisation can manage its people.")


def _email(value: str | None, *, required: bool) -> str:
    email = text_input(value, "email", max_length=254, required=required, label="e-mail address")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                f"{email!r} is not an e-mail address.", detail={"field": "email"}
            ) from None
    return email


def _role(value: str | None) -> str:
    role = (value or "").strip()
    if role and role not in PersonRole.values:
        raise InvalidInput(f"Unknown role {role!r}.", detail={"field": "role"})
    return role


def _other_active_admins(person: Person) -> bool:
    return (
        Person.objects.filter(organisation=person.organisation, is_org_admin=True, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    )


def update_person(
    *,
    actor: Person,
    person: Person,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    role: str | None = None,
    title: str | None = None,
    is_org_admin: bool | None = None,
) -> Person:
    """Change what an administrator may change about a colleague (never the username)."""
    assert person.organisation is not None
    _require_admin(actor, person.organisation)
    changes: dict[str, object] = {}
    if first_name is not None:
        changes["first_name"] = text_input(first_name, "first_name", max_length=150)
    if last_name is not None:
        changes["last_name"] = text_input(last_name, "last_name", max_length=150)
    if email is not None:
        changes["email"] = _email(email, required=False)
    if role is not None:
        changes["role"] = _role(role)
    if title is not None:
        changes["title"] = text_input(title, "title", max_length=120)
    if is_org_admin is not None:
        changes["is_org_admin"] = bool(is_org_admin)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = snapshot(locked, changes)
        demoted = changes.get("is_org_admin") is False and locked.is_org_admin
        if demoted and not _other_active_admins(locked):
            raise Conflict("An organisation keeps at least one active administrator.")
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes) or None)
        difference = diff_fields(before, changes)
        if difference:
            record_event(
                actor=actor,
                verb="updated person",
                obj=locked,
                organisation=locked.organisation,
                classification=Classification.INTERNAL,
                changes=difference,
            )
    return locked


def deactivate_person(*, actor: Person, person: Person) -> Person:
    """The person can no longer sign in: every session ends and every API token is revoked at
    once (sessions carry Person.session_version, which this raises)."""
    assert person.organisation is not None
    _require_admin(actor, person.organisation)
    if person.pk == actor.pk:
        raise Conflict("You cannot deactivate yourself: ask another administrator.")
    now = timezone.now()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if not locked.is_active:
            raise Conflict(f"{locked} is already deactivated.")
        if locked.is_org_admin and not _other_active_admins(locked):
            raise Conflict("An organisation keeps at least one active administrator.")
        Person.objects.filter(pk=locked.pk).update(
            is_active=False, session_version=F("session_version") + 1
        )
        revoked = ApiToken.objects.filter(person=locked, revoked_at__isnull=True).update(
            revoked_at=now
        )
        Invitation.objects.filter(
            person=locked, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        locked.refresh_from_db()
        _record(
            actor,
            "deactivated person",
            locked,
            changes={"username": locked.username, "tokens_revoked": revoked},
        )
    return locked


def set_signing_right(*, actor: Person | None, person: Person, allowed: bool) -> Person:
    """Name (or stop naming) the person an authorised signer of their organisation's statements
    of work. Their organisation's administrators decide, for anyone of it, themselves included
    (the first administrator of a new organisation grants it to themselves); `actor` None is
    the loader's. Asking for what is already so changes nothing and records nothing."""
    assert person.organisation is not None
    if actor is not None:
        _require_admin(actor, person.organisation)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.can_sign_agreements == allowed:
            return locked
        if allowed and not locked.is_active:
            raise Conflict(f"{locked} is deactivated: reactivate them first.")
        Person.objects.filter(pk=locked.pk).update(can_sign_agreements=allowed)
        locked.can_sign_agreements = allowed
        _record(
            actor,
            "granted signing right" if allowed else "withdrew signing right",
            locked,
            changes={"can_sign_agreements": [not allowed, allowed]},
        )
    return locked


def reactivate_person(*, actor: Person, person: Person) -> Person:
    """Let a deactivated person sign in again. Their old sessions and tokens stay ended."""
    assert person.organisation is not None
    _require_admin(actor, person.organisation)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.is_active:
            raise Conflict(f"{locked} is active already.")
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        _record(
            actor,
            "reactivated person",
            locked,
            changes={"username": locked.username},
        )
    return locked


def _issue(
    *,
    actor: Person | None,
    organisation: Organisation,
    person: Person | None,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
    title: str = "",
    is_org_admin: bool = False,
) -> IssuedInvitation:
    """Write the invitation (inside the caller's transaction) and e-mail it after commit."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    # A new invitation to the same address replaces the one still pending ("send it again").
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        person=person,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        title=title,
        is_org_admin=is_org_admin,
        digest=invitation_digest(secret),
        created_by=actor,
        expires_at=now + dt.timedelta(days=settings.ACCORD_INVITATION_DAYS),
    )
    record_event(
        actor=actor,
        verb="invited",
        obj=invitation,
        organisation=organisation,
        classification=Classification.INTERNAL,
        changes={
            "email": email,
            "person": person.username if person else None,
            "is_org_admin": is_org_admin,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    issued = IssuedInvitation(invitation, secret)
    if settings.ACCORD_EMAIL_ENABLED:
        transaction.on_commit(lambda: _send_invitation(issued, actor))
    return issued


def _send_invitation(issued: IssuedInvitation, actor: Person | None) -> None:
    invitation = issued.invitation
    inviter = f"{actor} of {actor.organisation}" if actor else "Accord"
    expires = invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"{inviter} invites you to join {invitation.organisation} on Accord.\n\n"
        f"Open this link to choose your password (it works once, until {expires}):\n"
        f"{issued.link()}\n"
    )
    try:
        send_mail(
            f"Join {invitation.organisation} on Accord",
            body,
            None,  # DEFAULT_FROM_EMAIL
            [invitation.email],
        )
    except Exception:  # the link is on the page and in the CLI output: e-mail is a courtesy
        logger.exception("Could not e-mail the invitation %s", invitation.pk)


def _issue_for(actor: Person | None, person: Person) -> IssuedInvitation:
    """A link for a person who exists already: accepting it sets their password."""
    assert person.organisation is not None
    return _issue(
        actor=actor,
        organisation=person.organisation,
        person=person,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        role=person.role,
        title=person.title,
        is_org_admin=person.is_org_admin,
    )


def invite_person(
    *,
    actor: Person,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
    title: str = "",
    is_org_admin: bool = False,
) -> IssuedInvitation:
    """Invite someone to the actor's organisation: they choose a username when they accept."""
    organisation = actor.organisation
    if organisation is None:
        raise Forbidden("Only people of an organisation can invite.")
    _require_admin(actor, organisation)
    email = _email(email, required=True)
    fields = {
        "first_name": text_input(first_name, "first_name", max_length=150),
        "last_name": text_input(last_name, "last_name", max_length=150),
        "role": _role(role),
        "title": text_input(title, "title", max_length=120),
    }
    with transaction.atomic():
        if Person.objects.filter(
            organisation=organisation, email__iexact=email, is_active=True
        ).exists():
            raise Conflict(f"Someone with the e-mail address {email} is already in {organisation}.")
        return _issue(
            actor=actor,
            organisation=organisation,
            person=None,
            email=email,
            is_org_admin=bool(is_org_admin),
            **fields,
        )


def add_person(
    *,
    actor: Person | None,
    organisation: Organisation,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
    title: str = "",
    is_org_admin: bool = False,
    invited_by: Person | None = None,
) -> tuple[Person, IssuedInvitation]:
    """Create a person without a password, and the one-time link with which they set it.
    `invited_by`: who the invitation names when the actor is the system (a partner
    organisation's first administrator, created by another organisation's administrator)."""
    from accord.orgs.services import create_person

    if actor is not None:
        _require_admin(actor, organisation)
    email = _email(email, required=True)
    with transaction.atomic():
        person = create_person(
            actor=actor,
            organisation=organisation,
            username=text_input(username, "username", max_length=150, required=True),
            password=None,
            first_name=text_input(first_name, "first_name", max_length=150),
            last_name=text_input(last_name, "last_name", max_length=150),
            email=email,
            role=_role(role),
            title=text_input(title, "title", max_length=120),
            is_org_admin=is_org_admin,
        )
        issued = _issue_for(actor or invited_by, person)
    return person, issued


def reissue_invitation(*, actor: Person, person: Person) -> IssuedInvitation:
    """A new link for a person who has not set a password yet (or lost the link)."""
    assert person.organisation is not None
    _require_admin(actor, person.organisation)
    person = Person.objects.select_related("organisation").get(pk=person.pk)
    if not person.is_active:
        raise Conflict(f"{person} is deactivated: reactivate them first.")
    if person.has_usable_password():
        raise Conflict(f"{person} has set a password already.")
    if not person.email:
        raise InvalidInput(f"{person} has no e-mail address.", detail={"field": "email"})
    with transaction.atomic():
        return _issue_for(actor, person)


def revoke_invitation(*, actor: Person, invitation: Invitation) -> Invitation:
    _require_admin(actor, invitation.organisation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = locked.state_on(timezone.now())
        if state != InvitationState.PENDING:
            raise Conflict(f"This invitation is {InvitationState(state).label.lower()} already.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        _record(
            actor,
            "revoked invitation",
            locked,
            changes={"email": locked.email},
        )
    return locked


def invitation_for_secret(secret: str) -> Invitation:
    """The invitation a link names: NotFound for an unknown link, Conflict (with the reason)
    for one that was used, revoked or has expired."""
    if not secret or len(secret) > 100:
        raise NotFound("This invitation link is not valid.")
    invitation = (
        Invitation.objects.select_related("organisation", "person", "created_by__organisation")
        .filter(digest=invitation_digest(secret))
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    state = invitation.state_on(timezone.now())
    if state == InvitationState.ACCEPTED:
        raise Conflict("This invitation link has been used already: sign in instead.")
    if state == InvitationState.REVOKED:
        raise Conflict("This invitation was withdrawn. Ask your administrator for a new link.")
    if state == InvitationState.EXPIRED:
        raise Conflict("This invitation link has expired. Ask your administrator for a new one.")
    return invitation


def accept_invitation(
    *,
    secret: str,
    password: str,
    username: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Person:
    """Sign-up: the person is created (or, if an administrator created them, gets their
    password) and the link is spent, in one transaction."""
    from accord.orgs.services import create_person

    with transaction.atomic():
        invitation = invitation_for_secret(secret)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state_on(timezone.now()) != InvitationState.PENDING:
            raise Conflict("This invitation link has been used already: sign in instead.")
        person = invitation.person
        candidate = person or Person(
            username=username,
            email=invitation.email,
            first_name=first_name or invitation.first_name,
            last_name=last_name or invitation.last_name,
        )
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), detail={"field": "password"}) from None
        if person is None:
            person = create_person(
                actor=None,
                organisation=invitation.organisation,
                username=text_input(username, "username", max_length=150, required=True),
                password=password,
                first_name=text_input(
                    first_name or invitation.first_name, "first_name", max_length=150
                ),
                last_name=text_input(
                    last_name or invitation.last_name, "last_name", max_length=150
                ),
                email=invitation.email,
                role=invitation.role,
                title=invitation.title,
                is_org_admin=invitation.is_org_admin,
            )
        else:
            person = Person.objects.select_for_update().get(pk=person.pk)
            if not person.is_active:
                raise Conflict("This account is deactivated. Ask your administrator.")
            person.set_password(password)
            person.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.person = person
        invitation.save(update_fields=["accepted_at", "person"])
        _record(
            person,
            "accepted invitation",
            invitation,
            changes={"username": person.username},
        )
    return person
