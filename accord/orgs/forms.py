"""Forms of the program and NDA pages. Choices always come from access.py querysets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.core.forms import AccordForm
from accord.orgs.choices import MemberRole, OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Organisation, Person, Program

NDA_STATES = {
    "in_force": "In force",
    "expired": "Expired",
    "terminated": "Terminated",
    "not_yet_effective": "Not yet effective",
}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        title = f", {person.title}" if person.title else ""
        return f"{person} ({person.organisation}{title})"


class AddMemberForm(AccordForm):
    person = PersonChoiceField(
        queryset=Person.objects.none(),
        label="Person",
        empty_label="Choose a person…",
        help_text="People of the owner and of the partner organisations who are not members yet.",
    )
    role = forms.ChoiceField(
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        label="Role",
        help_text="Program managers come from the owning organisation.",
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates  # type: ignore[attr-defined]


class ProgramFilterForm(AccordForm):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ProgramStatus.choices], required=False, label="Status"
    )
    show = forms.ChoiceField(
        choices=[("", "Current programs"), ("archived", "Archived programs"), ("all", "All")],
        required=False,
        label="Show",
    )


class NdaFilterForm(AccordForm):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Reference or party"}),
    )
    state = forms.ChoiceField(
        choices=[("", "Any status"), *NDA_STATES.items()], required=False, label="Status"
    )


# Workspace management -------------------------------------------------------------------------

ROLE_CHOICES = [("", "No particular role"), *PersonRole.choices]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class PersonForm(AccordForm):
    """A colleague, as an administrator adds or edits them (the username is set once)."""

    username = forms.CharField(
        max_length=150,
        label="Username",
        help_text="What they sign in with: letters, digits and @ . + - _ (cannot change later).",
    )
    email = forms.EmailField(max_length=254, label="E-mail")
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label="Role")
    title = forms.CharField(max_length=120, required=False, label="Job title")
    is_org_admin = forms.BooleanField(
        required=False,
        label="Administrator",
        help_text="Manages the organisation's people, partners and NDAs, and reviews its "
        "access log.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]


class InvitationForm(AccordForm):
    email = forms.EmailField(max_length=254, label="E-mail")
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label="Role")
    title = forms.CharField(max_length=120, required=False, label="Job title")
    is_org_admin = forms.BooleanField(required=False, label="Administrator")


class SignupForm(AccordForm):
    """Accepting an invitation: a username (unless an administrator chose it) and a password."""

    username = forms.CharField(
        max_length=150, label="Username", help_text="Letters, digits and @ . + - _ only."
    )
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only digits, not a common password.",
    )
    password_again = forms.CharField(
        label="Password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, username_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if username_fixed:
            del self.fields["username"]
            del self.fields["first_name"]
            del self.fields["last_name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class PartnerOrganisationForm(AccordForm):
    name = forms.CharField(max_length=200, label="Organisation name")
    kind = forms.ChoiceField(choices=OrganisationKind.choices, label="Kind")
    country = forms.CharField(
        max_length=2, required=False, label="Country", help_text="ISO code, e.g. MY, DE, US."
    )
    website = forms.URLField(max_length=200, required=False, label="Website", assume_scheme="https")
    admin_username = forms.CharField(
        max_length=150, label="Their administrator's username", help_text="Letters, digits, @.+-_"
    )
    admin_email = forms.EmailField(max_length=254, label="Their administrator's e-mail")
    admin_first_name = forms.CharField(max_length=150, required=False, label="First name")
    admin_last_name = forms.CharField(max_length=150, required=False, label="Last name")


class InviteOrganisationForm(AccordForm):
    accord_id = forms.CharField(
        max_length=80,
        label="Their Accord ID",
        help_text="Shown on their organisation page; ask their administrator.",
    )
    message = forms.CharField(max_length=500, required=False, label="Message")


class ProgramForm(AccordForm):
    code = forms.CharField(
        max_length=40,
        label="Code",
        help_text="Short and unique in your organisation, e.g. EBX2 (cannot change later).",
    )
    name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(
        max_length=10_000, required=False, label="Description", widget=forms.Textarea({"rows": 4})
    )
    status = forms.ChoiceField(
        choices=ProgramStatus.choices, initial=ProgramStatus.DEVELOPMENT, label="Status"
    )
    description_shared = forms.BooleanField(
        required=False,
        label="Suppliers and distributors read the description",
        help_text="Otherwise only your organisation and service partners (the EMS) read it.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class PartnerAddForm(AccordForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        empty_label="Choose an organisation…",
        help_text="Organisations connected with yours (Partners page) that are not partners yet.",
    )
    responsibility = forms.CharField(
        max_length=200,
        required=False,
        label="Responsibility",
        help_text="e.g. EMS: PCBA and box build",
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = candidates  # type: ignore[attr-defined]


class NdaForm(AccordForm):
    """Registering (all fields) or amending (expiry, programs, document) an NDA."""

    reference = forms.CharField(max_length=80, label="Reference", help_text="e.g. NDA-HAL-MER-26")
    title = forms.CharField(max_length=200, required=False, label="Title")
    counterparty = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Other party",
        empty_label="Choose an organisation…",
    )
    effective_date = forms.DateField(label="Effective from", widget=DATE_INPUT)
    expiry_date = forms.DateField(
        required=False, label="Expires on", widget=DATE_INPUT, help_text="Empty: no fixed end."
    )
    covers_all_programs = forms.BooleanField(
        required=False,
        label="Covers every program shared between the two parties",
    )
    programs = forms.ModelMultipleChoiceField(
        queryset=Program.objects.none(),
        required=False,
        label="Programs covered",
        widget=forms.CheckboxSelectMultiple,
    )
    document = forms.FileField(
        required=False,
        label="Signed document (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(
        self,
        *args: Any,
        counterparties: QuerySet[Any] | None,
        programs: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programs"].queryset = programs  # type: ignore[attr-defined]
        if counterparties is None:  # amending: the parties and the dates stay
            for name in ("reference", "title", "counterparty", "effective_date"):
                del self.fields[name]
        else:
            self.fields["counterparty"].queryset = counterparties  # type: ignore[attr-defined]
