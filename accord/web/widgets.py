"""Form widgets as HTML built in Python.

Django renders every widget through its own template (and every <option> of a select through
another): about a tenth of a millisecond each, which made a form the largest part of a page like
the part page. `widget_html` builds the same HTML, with the same attributes (id, required,
maxlength, aria-invalid and aria-describedby for errors and help text), from the widget's own
context; anything but a plain input or a flat select goes through Django's rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BoundField
from django.forms.widgets import Input, Select
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: Mapping[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def widget_html(field: BoundField) -> SafeString:
    widget = field.field.widget
    if not isinstance(widget, Input | Select) or getattr(widget, "allow_multiple_selected", False):
        return field.as_widget()
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if isinstance(widget, Input):
        value = context["value"]
        shown = "" if value is None else format_html(' value="{}"', value)
        return mark_safe(  # noqa: S308 - every part is escaped above
            f'<input type="{conditional_escape(context["type"])}" '
            f'name="{conditional_escape(context["name"])}"{shown}{_attrs(context["attrs"])}>'
        )
    options = []
    for group_name, group, _index in context["optgroups"]:
        if group_name:  # option groups: rare here, left to Django
            return field.as_widget()
        for option in group:
            options.append(
                f'<option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(str(option['label']))}</option>"
            )
    return mark_safe(  # noqa: S308 - every part is escaped above
        f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>'
        + "".join(options)
        + "</select>"
    )
