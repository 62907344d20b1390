"""Forms of the check-in pages. Values are judged by the services (one place, messages naming
the field); the forms draw the fields and apply the text rule (AccordForm). Field names differ
between the forms of the check-in page, so that no two inputs share an id."""

from __future__ import annotations

from django import forms

from accord.core.forms import AccordForm
from accord.threads.models import MAX_DECISION, MAX_ITEM_TEXT, MAX_NOTE, MAX_TITLE, CheckInStatus


class CheckInOpenForm(AccordForm):
    partner = forms.ChoiceField(label="Partner", choices=[])
    week = forms.CharField(label="Week", max_length=8, help_text="The ISO week, e.g. 2026-W48.")

    def __init__(self, *args: object, partners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["partner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = partners


class CheckInFilterForm(AccordForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CheckInStatus.choices])


class AgendaLineForm(AccordForm):
    line = forms.CharField(label="Agenda item", max_length=MAX_ITEM_TEXT)


class AgendaNoteForm(AccordForm):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolved = forms.BooleanField(label="Resolved", required=False)


class DecisionForm(AccordForm):
    decision = forms.CharField(
        label="Decision", max_length=MAX_DECISION, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInActionForm(AccordForm):
    title = forms.CharField(max_length=MAX_TITLE)
    owner = forms.CharField(label="Owner (username of a participant)", max_length=150)
    due_date = forms.DateField(
        label="Due date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ParticipantForm(AccordForm):
    username = forms.CharField(label="Add a participant (username)", max_length=150)


class RemoveParticipantForm(AccordForm):
    person = forms.IntegerField(min_value=1)
