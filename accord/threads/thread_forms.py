"""Forms of the thread and action-item pages. Values are judged by the services (one place,
messages naming the field); the forms draw the fields and apply the text rule (AccordForm)."""

from __future__ import annotations

from django import forms

from accord.core.forms import AccordForm
from accord.threads.models import MAX_BODY, MAX_TITLE, ActionStatus, EscalationTarget, ThreadStatus
from accord.threads.thread_services import POST_FILE_KINDS


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ThreadCreateForm(AccordForm):
    subject_kind = forms.ChoiceField(label="Subject kind", choices=[])
    subject_id = forms.IntegerField(label="Subject id", min_value=1)
    title = forms.CharField(max_length=MAX_TITLE)
    status = forms.ChoiceField(choices=ThreadStatus.choices, initial=ThreadStatus.ON_TRACK)
    next_update = _date("Next update", required=False)

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["subject_kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = kinds


class ThreadStatusForm(AccordForm):
    status = forms.ChoiceField(choices=ThreadStatus.choices)
    next_update = _date("Next update", required=False)


class InviteForm(AccordForm):
    organisation = forms.IntegerField(label="Organisation", min_value=1)


class PostForm(AccordForm):
    body = forms.CharField(
        label="Message", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )
    internal = forms.BooleanField(
        label="Internal note (only your organisation sees it)", required=False
    )
    files = forms.FileField(  # type: ignore[assignment]
        label="Attachments (PDF, PNG or JPEG)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(POST_FILE_KINDS)}),
    )


class PostEditForm(AccordForm):
    body = forms.CharField(
        label="Message", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6})
    )


class ActionItemForm(AccordForm):
    title = forms.CharField(max_length=MAX_TITLE)
    owner = forms.CharField(label="Owner (username)", max_length=150)
    due_date = _date("Due date")


class ActionStatusForm(AccordForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ThreadFilterForm(AccordForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ThreadStatus.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Any subject")])
    q = forms.CharField(label="Title", required=False, max_length=100)

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any subject"), *kinds]


class ActionFilterForm(AccordForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ActionStatus.choices])


class LadderForm(AccordForm):
    steps = forms.CharField(
        label="Steps",
        required=False,
        max_length=500,
        help_text="One per line, DAYS:TARGET, e.g. 1:owner, 3:organisation_contact, "
        "7:program_manager. Targets: " + ", ".join(EscalationTarget.values) + ". Empty: the "
        "default ladder.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
