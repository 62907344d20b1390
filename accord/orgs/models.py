"""Organisations, the people in them, programs, membership and NDAs."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accord.orgs.choices import MemberRole, NdaStatus, OrganisationKind, PersonRole, ProgramStatus


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

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="program_code_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


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
    return f"ndas/{instance.pk or 'new'}/{filename}"


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
    document = models.FileField(upload_to=nda_document_path, blank=True)
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
