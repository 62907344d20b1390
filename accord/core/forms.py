"""What every page form shares: the stored-text rule of accord/core/text.py on every text field,
so a form cannot forget it. Multi-line fields (a Textarea) keep tabs and newlines."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.text import TextRefused, clean_text


class CheckedForm(forms.Form):
    """A form whose text fields refuse control characters and bidi overrides (422 on the page,
    the message beside the field)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            field = self.fields.get(name)
            if not isinstance(value, str) or not isinstance(field, forms.CharField):
                continue
            try:
                cleaned[name] = clean_text(
                    value, multiline=isinstance(field.widget, forms.Textarea)
                )
            except TextRefused as refused:
                self.add_error(name, str(refused))
        return cleaned
