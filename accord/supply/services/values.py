"""Checking the numbers, codes and texts a supply service is given."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from accord.core.errors import InvalidInput
from accord.core.numbers import plain_number
from accord.core.text import checked_text

# Quantities are stored with 14 digits, 4 of them decimals (models.QUANTITY).
QUANTITY_LIMIT = Decimal("9999999999")
_CURRENCY = re.compile(r"[A-Z]{3}")


def quantity(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """A quantity as stored: positive (or zero when allowed), at most 4 decimals."""
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            f"{field}: '{value}' is not a number.", detail={"field": field}
        ) from None
    if not number.is_finite():
        raise InvalidInput(f"{field}: '{value}' is not a number.", detail={"field": field})
    if number < 0 or (number == 0 and not allow_zero):
        wanted = "zero or more" if allow_zero else "more than zero"
        raise InvalidInput(
            f"{field} must be {wanted} (got {plain_number(number)}).", detail={"field": field}
        )
    if number >= QUANTITY_LIMIT:
        raise InvalidInput(f"{field} is too large.", detail={"field": field})
    if number != number.quantize(Decimal("0.0001")):
        raise InvalidInput(
            f"{field}: at most 4 decimals (got {plain_number(number)}).", detail={"field": field}
        )
    return number.quantize(Decimal("0.0001"))


def signed_quantity(value: Any, *, field: str) -> Decimal:
    """A signed change (an adjustment): not zero, at most 4 decimals."""
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            f"{field}: '{value}' is not a number.", detail={"field": field}
        ) from None
    if not number.is_finite() or number == 0:
        raise InvalidInput(f"{field}: give a change other than zero.", detail={"field": field})
    return quantity(abs(number), field=field) * (1 if number > 0 else -1)


def money(value: Any, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            f"{field}: '{value}' is not an amount.", detail={"field": field}
        ) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1000000000000"):
        raise InvalidInput(f"{field}: '{value}' is not a price.", detail={"field": field})
    if number != number.quantize(Decimal("0.000001")):
        raise InvalidInput(f"{field}: at most 6 decimals.", detail={"field": field})
    return number


def currency(value: str, *, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise InvalidInput(
            f"{field}: a three-letter ISO 4217 code such as USD or EUR (got '{value}').",
            detail={"field": field},
        )
    return code


def text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    cleaned = checked_text((value or "").strip(), field=field)
    if required and not cleaned:
        raise InvalidInput(f"{field} is required.", detail={"field": field})
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters.", detail={"field": field})
    return cleaned


def own_organisation(actor: Any) -> Any:
    """The actor's organisation; a person without one (a bare superuser) writes nothing here."""
    from accord.core.errors import Forbidden

    if actor.organisation is None:
        raise Forbidden("Only people of an organisation may do this.")
    return actor.organisation
