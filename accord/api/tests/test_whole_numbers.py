"""An integer in a request body is a number: true and false are refused (Pydantic would read
them as 1 and 0, and the document says integer), as schemathesis asked of an inspection
plan's accept number."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from accord.agreements.terms import InspectionPlan
from accord.scorecards.api import TemplateIn


@pytest.mark.parametrize("value", [False, True])
def test_a_boolean_is_not_a_whole_number(value: bool) -> None:
    with pytest.raises(ValidationError, match="not true or false"):
        InspectionPlan.model_validate(
            {"aql": "0.65", "sample_size": 200, "accept": value, "reject": 4}
        )


def test_a_whole_number_is_read_as_given() -> None:
    plan = InspectionPlan.model_validate(
        {"aql": "0.65", "sample_size": 200, "accept": 3, "reject": 4}
    )
    assert (plan.accept, plan.reject) == (3, 4)


def test_template_days_refuse_booleans_too() -> None:
    fields = TemplateIn.model_json_schema()["properties"]
    assert fields["days_early"]["type"] == "integer"
    with pytest.raises(ValidationError, match="not true or false"):
        TemplateIn.model_validate(
            {
                "metrics": {},
                "bands": [],
                "days_early": False,
                "days_late": 0,
                "counting_unit": "delivery",
                "due_basis": "confirmed",
                "response_sla_hours": 24,
                "frozen_weeks": 4,
            }
        )
