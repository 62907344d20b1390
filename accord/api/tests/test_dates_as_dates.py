"""A date in a request body is written as a date: a number (or a text of digits) is refused,
where Pydantic would read it as seconds since 1970 (schemathesis had a flex check accept
"due_date": 0 as 1970-01-01). Every input schema inherits the rule."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from accord.agreements.flex_api import FlexCheckIn
from accord.agreements.invoice_api import InvoicePaymentIn
from accord.api.schemas import InputSchema


@pytest.mark.parametrize("value", [0, 1_700_000_000, 1.5, "0", "1700000000", " 12 "])
def test_a_number_is_not_a_date(value: object) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        FlexCheckIn.model_validate({"changes": [{"build_id": 3, "due_date": value}]})
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        InvoicePaymentIn.model_validate({"paid_on": value})


def test_a_date_is_read_as_written() -> None:
    parsed = FlexCheckIn.model_validate({"changes": [{"build_id": 3, "due_date": "2027-01-04"}]})
    assert parsed.changes[0].due_date == dt.date(2027, 1, 4)
    assert InvoicePaymentIn.model_validate({"paid_on": "2026-11-30"}).paid_on == dt.date(
        2026, 11, 30
    )
    optional = FlexCheckIn.model_validate({"changes": [{"build_id": 3, "due_date": None}]})
    assert optional.changes[0].due_date is None


def test_lists_of_days_and_moments_are_covered_and_other_numbers_are_not() -> None:
    class Sample(InputSchema):
        weeks: list[dt.date]
        at: dt.datetime | None = None
        count: int = 0

    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        Sample.model_validate({"weeks": ["2027-01-04", 20000]})
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        Sample.model_validate({"weeks": [], "at": 1_700_000_000})
    assert Sample.model_validate({"weeks": ["2027-01-04"], "count": 7}).count == 7
