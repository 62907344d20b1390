"""Forms of the audit pages. They draw the fields; the services judge the values (dates not
in the past, text without markup, the 8D's order), so that page, API and command line refuse
the same input with the same message."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.partners.audit_choices import (
    DISCIPLINES,
    AuditKind,
    AuditStatus,
    FindingStatus,
    Severity,
)
from accord.partners.services import EVIDENCE_KINDS

_DATE = {"type": "date"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )


def _text(label: str, *, required: bool = True, max_length: int = 4000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class AuditForm(AccordForm):
    site = forms.ChoiceField(label="Site audited")
    program = forms.ChoiceField(label="Program", required=False)
    kind = forms.ChoiceField(choices=AuditKind.choices)
    planned_date = _date("Planned date")
    performed_date = _date("Performed on", required=False)
    lead_auditor = forms.ChoiceField(label="Lead auditor", required=False)
    scope = _text("Scope")

    def __init__(self, *args: Any, sites: Any, programs: Any, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "site").choices = [
            (s.pk, f"{s.organisation.name}: {s.name} ({s.code})") for s in sites
        ]
        _choice_field(self, "program").choices = [("", "(no program)")] + [
            (p.pk, f"{p.code} {p.name}") for p in programs
        ]
        _choice_field(self, "lead_auditor").choices = [("", "(yourself)")] + [
            (p.pk, p.get_full_name() or p.username) for p in people
        ]


class FindingForm(AccordForm):
    severity = forms.ChoiceField(choices=Severity.choices)
    clause = forms.CharField(label="Clause or reference", required=False, max_length=100)
    description = _text("Description")
    due_date = _date("Due date")


class DisciplineForm(AccordForm):
    discipline = forms.TypedChoiceField(
        coerce=int, choices=[(d, name) for d, name in DISCIPLINES.items()]
    )
    text = _text("Text")


class FindingEvidenceForm(AccordForm):
    file = forms.FileField(
        label="Evidence (PDF, PNG or JPEG)",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_KINDS)}),
    )


class SubmitForm(AccordForm):
    response = _text("Response (what was corrected)", required=False)


class AcknowledgeForm(AccordForm):
    response = _text("Comment", required=False)


class RejectForm(AccordForm):
    reason = _text("Reason", max_length=2000)


class CancelAuditForm(AccordForm):
    reason = _text("Reason", max_length=2000)


class AuditFilterForm(AccordForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *AuditStatus.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *AuditKind.choices])
    q = forms.CharField(label="Site or scope", required=False, max_length=100)


class FindingFilterForm(AccordForm):
    severity = forms.ChoiceField(required=False, choices=[("", "Any severity"), *Severity.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *FindingStatus.choices])
    q = forms.CharField(label="Clause or description", required=False, max_length=100)
    open_only = forms.BooleanField(label="Not closed only", required=False)
