"""Types and schemas shared by every router: ids, text, quantities, references, errors."""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, get_args

from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from accord.core.numbers import plain_number
from accord.core.text import clean_text

# Primary keys are 64-bit: anything larger cannot exist, and would overflow the database driver.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _not_a_boolean(value: Any) -> Any:
    # Pydantic reads false as 0 and true as 1 for an integer; the document says integer.
    if isinstance(value, bool):
        raise ValueError("a whole number is needed, not true or false")
    return value


WholeNumber = Annotated[int, BeforeValidator(_not_a_boolean)]


def _single_line(value: str) -> str:
    return clean_text(value)


def _multi_line(value: str) -> str:
    return clean_text(value, multiline=True)


class _Pattern:
    """Puts the text rule in the JSON Schema as a pattern, so that a generated client and a
    fuzzer know what is refused. Only the document: the validator above enforces the rule and
    names the character it refuses."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


# (Lone surrogates, which the validator refuses too, are left out: JSON in UTF-8 can carry
# them only as escapes, and regex engines of generators refuse the range.)
_REFUSED = "\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
SINGLE_LINE_PATTERN = f"^[^\\u0000-\\u001f{_REFUSED}]*$"
MULTI_LINE_PATTERN = f"^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f{_REFUSED}]*$"

# Text a person types on one line: no control characters (tab and newline included), no bidi
# embeddings/overrides/isolates (accord/core/text.py). Length limits go on the field.
Text = Annotated[str, AfterValidator(_single_line), _Pattern(SINGLE_LINE_PATTERN)]
# Multi-line text (notes, descriptions of programs): tabs and newlines allowed.
LongText = Annotated[str, AfterValidator(_multi_line), _Pattern(MULTI_LINE_PATTERN)]


class InputSchema(Schema):
    """Every request body, form and query: a field the operation does not know is refused (422
    naming it), never silently ignored. (ninja reads only the declared names from a query
    string or a form, so there an unknown name is simply not read.)"""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _days_are_written_as_dates(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic reads a number (or a text of digits) as seconds since 1970 for a date or a
        # moment: "due_date": 0 became 1970-01-01. The document says a date, so a date it is.
        if info.field_name in _day_fields(cls):
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, int | float) or (
                    isinstance(item, str) and _NUMBER.fullmatch(item.strip())
                ):
                    raise ValueError(
                        "a date is written YYYY-MM-DD (a moment ISO 8601), not a number"
                    )
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _flags_are_true_or_false(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic reads 0 and 1 as false and true for a boolean (schemathesis had a capability
        # profile accept "itar_registered": 0). The document says true or false. Query strings
        # and forms carry text ("true", "false"), which Pydantic reads as it always has.
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and info.field_name in _flag_fields(cls):
            raise ValueError("true or false is needed, not a number")
        return value


_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def _is_day(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, dt.date)


def _is_flag(annotation: Any) -> bool:
    return annotation is bool


def _names(annotation: Any, kind: Callable[[Any], bool]) -> bool:
    """Whether the annotation is of that kind, alone, optional or in a list."""
    return kind(annotation) or any(_names(argument, kind) for argument in get_args(annotation))


@cache
def _fields_of_kind(schema: type[BaseModel], kind: Callable[[Any], bool]) -> frozenset[str]:
    return frozenset(
        name for name, field in schema.model_fields.items() if _names(field.annotation, kind)
    )


def _day_fields(schema: type[BaseModel]) -> frozenset[str]:
    """The fields of a schema that hold a date or a moment (alone, optional or in a list)."""
    return _fields_of_kind(schema, _is_day)


def _flag_fields(schema: type[BaseModel]) -> frozenset[str]:
    """The fields of a schema that hold true or false (alone or optional)."""
    return _fields_of_kind(schema, _is_flag)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**kwargs: Any) -> Any:
    """A field that may be left out (None when absent: see `model_fields_set`) but refuses an
    explicit null. Its JSON Schema is the plain type, neither nullable nor with a null default,
    so a client generated from the document never sends null."""
    return Field(None, json_schema_extra=_without_default, **kwargs)


# Quantities travel as strings so that no client turns 0.1 into 0.1000000000000000055, and as
# people write them: "100", never "1E+2".
Quantity = Annotated[
    Decimal,
    PlainSerializer(plain_number, return_type=str, when_used="always"),
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
