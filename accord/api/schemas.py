"""Types and schemas shared by every router: ids, text, quantities, references, errors."""

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, PlainSerializer

# Primary keys are 64-bit: anything larger cannot exist, and would overflow the database driver.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _storable(value: str) -> str:
    """Text every database can store: no NUL (PostgreSQL refuses it), no lone surrogates."""
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text is not valid Unicode.") from None
    return value


# Text every database can store. Length limits go on the field: Field(max_length=...).
Text = Annotated[str, AfterValidator(_storable)]


def format_quantity(value: Decimal) -> str:
    """6.0000 -> "6", 0.2500 -> "0.25", 100 -> "100" (never "1E+2")."""
    normalised = value.normalize()
    return format(normalised, "f") if normalised.is_finite() else str(value)


# Quantities travel as strings so that no client turns 0.1 into 0.1000000000000000055.
Quantity = Annotated[
    Decimal,
    PlainSerializer(format_quantity, return_type=str, when_used="always"),
]


class ErrorOut(Schema):
    """Every error the API returns."""

    code: str
    message: str
    detail: Any = None


class OrgRef(Schema):
    id: int
    name: str
    kind: str


class ProgramRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)
