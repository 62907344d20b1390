"""Types and schemas shared by every router: ids, text, quantities, references, errors."""

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from accord.core.text import clean_text

# Primary keys are 64-bit: anything larger cannot exist, and would overflow the database driver.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _single_line(value: str) -> str:
    return clean_text(value)


def _multi_line(value: str) -> str:
    return clean_text(value, multiline=True)


# Text a person types on one line: no control characters (tab and newline included), no bidi
# embeddings/overrides/isolates (accord/core/text.py). Length limits go on the field.
Text = Annotated[str, AfterValidator(_single_line)]
# Multi-line text (notes, descriptions of programs): tabs and newlines allowed.
LongText = Annotated[str, AfterValidator(_multi_line)]


class InputSchema(Schema):
    """Every request body and form: a field the operation does not know is refused (422 naming
    it), never silently ignored."""

    model_config = ConfigDict(extra="forbid")


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


class OrgRef(BaseModel):
    """A plain pydantic model (no ninja resolvers): read in pydantic's compiled core, it costs
    next to nothing on each row of a list."""

    model_config = ConfigDict(from_attributes=True)

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
