"""The base of every page form: its text fields obey the rule for stored text.

Every form of Accord derives from `AccordForm` (or `AccordModelForm`); a test
(accord/core/tests/test_text_rule.py) fails for a form that does not, so a new form cannot
forget the rule. Each text field (forms.CharField and its subclasses: e-mail, slug, URL...)
is checked after its own cleaning by accord/core/text.py's clean_text: single-line text refuses
control characters, tabs, line breaks and bidi overrides; a field drawn as a textarea is
multi-line (tabs and newlines allowed, CRLF stored as LF). A refusal is an error beside the
field, and the view answers 422 as for any invalid form.
"""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.text import TextRefused, clean_text


class TextRuleMixin:
    """Applies clean_text to every text field's cleaned value; see the module docstring."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    # The fields whose text the rule refused (filter forms of list pages answer 422 for these,
    # while they ignore a stale choice).
    text_refused: list[str] = []

    def _clean_fields(self) -> None:
        self.text_refused = []
        super()._clean_fields()  # type: ignore[misc]
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            try:
                self.cleaned_data[name] = clean_text(
                    value, multiline=isinstance(field.widget, forms.Textarea)
                )
            except TextRefused as refused:
                self.text_refused.append(name)
                self.add_error(name, str(refused))  # type: ignore[attr-defined]

    def refused_text_message(self) -> str:
        """The text-rule errors as one sentence (for an export, which has no form to show)."""
        errors: Any = getattr(self, "errors", {})
        return " ".join(f"{name}: {' '.join(errors.get(name, []))}" for name in self.text_refused)


class AccordForm(TextRuleMixin, forms.Form):
    """A page form (see the module docstring)."""


class AccordModelForm(TextRuleMixin, forms.ModelForm):
    """A page form bound to a model (see the module docstring)."""
