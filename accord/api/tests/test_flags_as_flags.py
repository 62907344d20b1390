"""A true/false field in a request body takes true or false: a number is refused, where
Pydantic would read 0 and 1 as false and true (schemathesis had a capability profile accept
"itar_registered": 0). Every input schema inherits the rule; query strings keep their text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from accord.api.schemas import InputSchema
from accord.partners.capability_api import ProfileIn


@pytest.mark.parametrize("value", [0, 1, 0.0, 2])
def test_a_number_is_not_true_or_false(value: object) -> None:
    with pytest.raises(ValidationError, match="true or false is needed"):
        ProfileIn.model_validate({"itar_registered": value, "volume_band": "low"})


def test_true_and_false_are_read_as_written_and_other_fields_keep_their_numbers() -> None:
    class Sample(InputSchema):
        flag: bool | None = None
        count: int = 0

    assert (
        ProfileIn.model_validate({"itar_registered": False, "volume_band": "low"}).itar_registered
        is False
    )
    assert Sample.model_validate({"flag": True, "count": 1}).flag is True
    assert Sample.model_validate({"count": 1}).count == 1
    # A query string or a form carries text: read as before.
    assert Sample.model_validate({"flag": "false"}).flag is False
    assert Sample.model_validate({"flag": "true"}).flag is True
