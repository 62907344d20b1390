"""Forms of the program and NDA pages. Choices always come from access.py querysets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.core.forms import AccordForm
from accord.orgs.choices import MemberRole, ProgramStatus
from accord.orgs.models import Person

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
