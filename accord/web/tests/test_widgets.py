"""The widgets built in Python (accord.web.widgets) are the HTML Django's templates render."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms

from accord.core.views import AccessLogFilterForm, EventFilterForm, TokenForm
from accord.orgs.forms import AddMemberForm, NdaFilterForm, ProgramFilterForm
from accord.orgs.models import Organisation, Person
from accord.parts.forms import AddSourceForm, BomFilterForm, PartFilterForm
from accord.web.widgets import widget_html


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def same_as_django(form: forms.Form) -> None:
    for field in form:
        assert normalised(widget_html(field)) == normalised(field.as_widget()), field.name


def test_blank_forms(people: Any) -> None:
    sellers = Organisation.objects.filter(kind__in=["supplier", "distributor"])
    same_as_django(AddSourceForm(suppliers=sellers))
    same_as_django(PartFilterForm({}, categories=[("caps", "Capacitors"), ("ics", "ICs & <more>")]))
    same_as_django(BomFilterForm({}, programs=[(1, "Earbuds X2")]))
    same_as_django(AddMemberForm(candidates=Person.objects.all()))
    same_as_django(TokenForm())
    same_as_django(AccessLogFilterForm({}, organisations=[(1, "Meridian")]))
    same_as_django(EventFilterForm({}, programs=[(1, "Earbuds X2")]))
    same_as_django(NdaFilterForm({}))
    same_as_django(ProgramFilterForm({}))


@pytest.mark.parametrize(
    "data",
    [
        {"manufacturer": "", "mpn": "x" * 200, "rank": "0", "status": "nope"},
        {"manufacturer": 'Say "hi" <b>', "mpn": "A&B", "rank": "3", "status": "approved"},
    ],
)
def test_bound_forms_with_values_and_errors(people: Any, data: dict[str, str]) -> None:
    sellers = Organisation.objects.filter(kind__in=["supplier", "distributor"])
    form = AddSourceForm({**data, "supplier": str(sellers.first().pk)}, suppliers=sellers)
    form.is_valid()
    same_as_django(form)
    filters = PartFilterForm(
        {"q": '"><script>', "category": "ics", "lifecycle": "eol"},
        categories=[("caps", "Capacitors"), ("ics", "ICs")],
    )
    filters.is_valid()
    same_as_django(filters)
    assert "<script>" not in widget_html(filters["q"])
