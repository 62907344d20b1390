"""Forms of the scorecard pages: the template (its rules, a weight, target and floor per
metric, up to six grade bands) and a comment on a month, with its files."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.scorecards.attachments import ACCEPT_ATTRIBUTE, ACCEPTED, MAX_FILES_PER_COMMENT
from accord.scorecards.choices import BandAction, CountingUnit, DueBasis, Metric
from accord.scorecards.models import ScorecardTemplate

BAND_ROWS = 6


class TemplateForm(AccordForm):
    days_early = forms.IntegerField(min_value=0, max_value=60, label="Days early allowed")
    days_late = forms.IntegerField(min_value=0, max_value=60, label="Days late allowed")
    counting_unit = forms.ChoiceField(choices=CountingUnit.choices, label="Count on-time")
    due_basis = forms.ChoiceField(choices=DueBasis.choices, label="Due date")
    response_sla_hours = forms.IntegerField(
        min_value=0, max_value=24 * 60, label="Answer within (hours)"
    )
    frozen_weeks = forms.IntegerField(min_value=0, max_value=52, label="Frozen window (weeks)")

    def __init__(self, *args: Any, template: ScorecardTemplate, **kwargs: Any) -> None:
        initial = {
            "days_early": template.days_early,
            "days_late": template.days_late,
            "counting_unit": template.counting_unit,
            "due_basis": template.due_basis,
            "response_sla_hours": template.response_sla_hours,
            "frozen_weeks": template.frozen_weeks,
        }
        labels = dict(Metric.choices)
        self.metric_names = [str(m) for m in Metric.of(template.direction)]
        for metric in self.metric_names:
            setting = (template.metrics or {}).get(metric, {"weight": 0, "target": 0, "floor": 1})
            for part in ("weight", "target", "floor"):
                initial[f"{part}_{metric}"] = setting.get(part)
        bands = list(template.bands or [])
        for i in range(BAND_ROWS):
            band = bands[i] if i < len(bands) else {}
            initial[f"band_lower_{i}"] = band.get("lower")
            initial[f"band_grade_{i}"] = band.get("grade", "")
            initial[f"band_action_{i}"] = band.get("action", BandAction.NONE)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for metric in self.metric_names:
            for part in ("weight", "target", "floor"):
                self.fields[f"{part}_{metric}"] = forms.DecimalField(
                    max_digits=12, decimal_places=4, label=f"{labels[metric]}: {part}"
                )
        for i in range(BAND_ROWS):
            self.fields[f"band_lower_{i}"] = forms.DecimalField(
                required=False, min_value=0, max_value=100, decimal_places=2, label="From score"
            )
            self.fields[f"band_grade_{i}"] = forms.CharField(
                required=False, max_length=20, label="Grade"
            )
            self.fields[f"band_action_{i}"] = forms.ChoiceField(
                choices=BandAction.choices, required=False, label="Action"
            )

    def metric_rows(self) -> list[tuple[str, Any, Any, Any]]:
        labels = dict(Metric.choices)
        return [
            (labels[m], self[f"weight_{m}"], self[f"target_{m}"], self[f"floor_{m}"])
            for m in self.metric_names
        ]

    def band_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"band_lower_{i}"], self[f"band_grade_{i}"], self[f"band_action_{i}"])
            for i in range(BAND_ROWS)
        ]

    def settings(self) -> dict[str, Any]:
        """What save_template takes, from the cleaned data."""
        data = self.cleaned_data
        metrics = {
            m: {part: data[f"{part}_{m}"] for part in ("weight", "target", "floor")}
            for m in self.metric_names
        }
        bands = [
            {
                "lower": data[f"band_lower_{i}"],
                "grade": data[f"band_grade_{i}"],
                "action": data[f"band_action_{i}"] or BandAction.NONE,
            }
            for i in range(BAND_ROWS)
            if data.get(f"band_lower_{i}") is not None and data.get(f"band_grade_{i}")
        ]
        return {
            "metrics": metrics,
            "bands": bands,
            "days_early": data["days_early"],
            "days_late": data["days_late"],
            "counting_unit": data["counting_unit"],
            "due_basis": data["due_basis"],
            "response_sla_hours": data["response_sla_hours"],
            "frozen_weeks": data["frozen_weeks"],
        }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by attachments.AttachedFile (kind, size),
    which says what is wrong in the same words on every channel."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        given = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in given if d]


class CommentForm(AccordForm):
    text = forms.CharField(
        max_length=4000, label="Comment", widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    corrective_action = forms.BooleanField(required=False, label="This is a corrective-action plan")
    attachments = MultipleFileField(
        required=False,
        label="Attach files (a corrective-action plan, evidence)",
        help_text=f"Up to {MAX_FILES_PER_COMMENT} files: {ACCEPTED}.",
        widget=MultipleFileInput(
            attrs={"accept": ACCEPT_ATTRIBUTE, "aria-describedby": "attachments-help"}
        ),
    )
