"""Organisations, the people in them, programs, membership and NDAs."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from accord.orgs.choices import (
    ConnectionStatus,
    InvitationState,
    MemberRole,
    NdaStatus,
    OrganisationKind,
    PersonRole,
    ProgramStatus,
)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_seller(self) -> bool:
        return self.kind in OrganisationKind.sellers()


class Person(AbstractUser):
    """A user. Every person belongs to exactly one organisation (none only for superusers)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    role = models.CharField(max_length=30, choices=PersonRole.choices, blank=True)
    title = models.CharField(max_length=120, blank=True)
    is_org_admin = models.BooleanField(
        default=False, help_text="Manages the organisation's people and reviews its access log."
    )
    can_sign_agreements = models.BooleanField(
        default=False,
        help_text="Signs statements of work on the organisation's behalf (an authorised signer).",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="An IANA time zone (Europe/Berlin): when the person's days begin and end, for "
        "due dates and digests. Empty: the workspace's time zone.",
    )
    # Part of the session hash: raising it ends every session of the person at once.
    session_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs the password hash into each session; adding the version lets
        # deactivation end every session without touching the password.
        key_salt = "accord.orgs.models.Person.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_version}", secret=secret, algorithm="sha256"
        ).hexdigest()


class Program(models.Model):
    """One product shared between its OEM owner and partner organisations, person by person."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programs")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    description_shared = models.BooleanField(
        default=False,
        help_text="Show the description to the program's suppliers and distributors too. "
        "It often names the other partners, so it is kept from them unless the owner says so.",
    )
    status = models.CharField(
        max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DEVELOPMENT
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived programs are kept for the record, read-only."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="program_code_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ProgramPartner(models.Model):
    """An organisation taking part in a program (the EMS building it, suppliers, distributors)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    responsibility = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organisation"], name="program_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.program}"


class ProgramMember(models.Model):
    """Need-to-know is granted person by person, never to a whole organisation."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    added_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="program_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.program}"


def nda_document_path(instance: Nda, filename: str) -> str:
    # Never the uploaded name: it is kept in document_name for the download, not as a path.
    return f"ndas/{instance.pk or 'new'}/{secrets.token_hex(16)}.pdf"


class Nda(models.Model):
    """A mutual NDA between two organisations. In force between effective and expiry dates."""

    reference = models.CharField(max_length=80)
    title = models.CharField(max_length=200, blank=True)
    party_a = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField()
    expiry_date = models.DateField(null=True, blank=True, help_text="Empty: no fixed end.")
    status = models.CharField(max_length=20, choices=NdaStatus.choices, default=NdaStatus.ACTIVE)
    programs = models.ManyToManyField(Program, related_name="ndas", blank=True)
    covers_all_programs = models.BooleanField(
        default=False, help_text="Covers every program shared between the two parties."
    )
    document = models.FileField(upload_to=nda_document_path, blank=True, max_length=200)
    document_name = models.CharField(
        max_length=200, blank=True, help_text="The signed document's file name as uploaded."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "reference"]
        verbose_name = "NDA"
        constraints = [
            models.CheckConstraint(
                condition=~Q(party_a=models.F("party_b")), name="nda_two_distinct_parties"
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(expiry_date__gte=models.F("effective_date")),
                name="nda_expiry_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.party_a} / {self.party_b}"

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status == NdaStatus.ACTIVE
            and self.effective_date <= day
            and (self.expiry_date is None or self.expiry_date >= day)
        )


class Connection(models.Model):
    """Two organisations that agreed to work together on Accord: either may then add the other
    to its programs, and see the other's people when choosing program members.

    An organisation's administrator creates a partner organisation (connected at once) or
    invites one that is already on Accord; the invitee's administrators accept or decline.
    """

    inviter = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    invitee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING
    )
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["inviter", "invitee"], name="connection_unique"),
            models.CheckConstraint(
                condition=~Q(inviter=models.F("invitee")), name="connection_two_organisations"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inviter} ↔ {self.invitee}"

    def other(self, organisation_id: int) -> Organisation:
        return self.invitee if self.inviter_id == organisation_id else self.inviter


class Invitation(models.Model):
    """A one-time link to join an organisation: the invitee chooses a username (unless the
    invitation is for a person an administrator already created) and sets a password.

    Only a SHA-256 digest of the link's secret is stored; the link is shown once.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        help_text="Set when the person exists already: accepting sets their password.",
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=30, choices=PersonRole.choices, blank=True)
    title = models.CharField(max_length=120, blank=True)
    is_org_admin = models.BooleanField(default=False)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.organisation}"

    def state_on(self, now: dt.datetime) -> str:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING
