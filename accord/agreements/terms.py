"""The terms of a statement of work as typed data, their canonical JSON and its SHA-256.

Every clause has a schema; what a draft may still lack (a fee's basis, a decision's owner) is
allowed here and reported by the check before signing (checks.py), so that people can save
an unfinished draft. What can never be right is refused at once, naming the clause: an amount
written the way a locale writes it ("1.234,50", "1,234.50"), a currency that is not three
letters, a reject number not above the accept number.

Money and percentages are Decimal, never float. The canonical JSON sorts keys, has no
whitespace and writes every Decimal as a string, and keyed clauses are kept in the order of
their key (tiers by quantity, definitions by word...), so the same terms give the same hash
whatever order a client sent them in and whichever database stored them.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from accord.agreements.choices import FeeBasis, Responsibility, Side
from accord.api.schemas import InputSchema, LongText, Text, WholeNumber
from accord.core.errors import InvalidInput
from accord.core.numbers import plain_number

_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
MAX_TEXT = 2000


def _decimal(value: Any) -> Decimal:
    """A number as JSON or a person writes it plainly: 9.80, "9.80", 5000. Thousands
    separators and decimal commas are refused rather than guessed: "1.234,50" is 1234.50 in
    Germany and nonsense in the US, and a wrong guess on a price is expensive."""
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true or false")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest text of the float, as the client wrote it in its JSON (9.8, not
        # 9.800000000000000710542735760100185871124267578125).
        value = repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a finite number is needed")
        return value
    if not isinstance(value, str):
        raise ValueError("a number is needed")
    text = value.strip()
    if not _PLAIN_DECIMAL.match(text):
        raise ValueError(
            f"{value!r} is not a plain number: write it with a point for decimals and no "
            "thousands separators, e.g. 1234.50"
        )
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(f"{value!r} is not a number") from None


def _money(value: Any) -> Decimal:
    """At least two decimals (9.8 and 9.80 are one price, shown and hashed as 9.80), at most
        six (tier prices of small parts carry four or more); trailing zeros beyond two dropped
    (9.8000 is 9.80)."""
    amount = _decimal(value).normalize()
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -6:
        raise ValueError(f"{value!r} has more than six decimals")
    if exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return amount


def _percent(value: Any) -> Decimal:
    amount = _decimal(value)
    if amount < 0 or amount > 1000:
        raise ValueError(f"{value!r} is not a percentage between 0 and 1000")
    return Decimal(plain_number(amount))


def _currency(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


_as_text = PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always")
Money = Annotated[Decimal, BeforeValidator(_money), _as_text]
Percent = Annotated[Decimal, BeforeValidator(_percent), _as_text]
Currency = Annotated[
    Text, BeforeValidator(_currency), Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")
]
Name = Annotated[Text, Field(min_length=1, max_length=200)]
Paragraph = Annotated[LongText, Field(min_length=1, max_length=MAX_TEXT)]
Quantity = Annotated[WholeNumber, Field(ge=1, le=10**9)]


class Definition(InputSchema):
    """A vague word bound to a measurable criterion: "premium" = IPC-A-610 Class 3 and ..."""

    word: Annotated[Text, Field(min_length=1, max_length=60)]
    criterion: Paragraph

    @field_validator("word")
    @classmethod
    def _lower(cls, word: str) -> str:
        return word.strip().lower()


class Deadline(InputSchema):
    what: Name
    due: Annotated[Text, Field(min_length=1, max_length=200)] = Field(
        description="A date (YYYY-MM-DD) or a rule, e.g. '10 working days after PO "
        "acknowledgement'."
    )


class DecisionRight(InputSchema):
    """Who decides and how fast; `owner` and `answer_within_hours` may be left open in a draft
    (the check reports them)."""

    decision: Name
    owner: Side | None = None
    role: Annotated[Text, Field(max_length=100)] = ""
    answer_within_hours: Annotated[WholeNumber, Field(ge=1, le=24 * 365)] | None = None


class MaterialTerm(InputSchema):
    """Who procures the material of a BOM line's part (by the part's number)."""

    part: Annotated[Text, Field(min_length=1, max_length=80)]
    responsibility: Responsibility | None = None


class Certification(InputSchema):
    standard: Annotated[Text, Field(min_length=1, max_length=80)]
    scope: Annotated[Text, Field(max_length=200)] = ""


class InspectionPlan(InputSchema):
    """Single sampling (ISO 2859-1 / ANSI Z1.4): a lot passes with at most `accept` defects
    in the agreed sample and fails from `reject` on."""

    aql: Percent
    level: Annotated[Text, Field(min_length=1, max_length=20)] = "II"
    sample_size: Quantity
    accept: Annotated[WholeNumber, Field(ge=0, le=10**6)]
    reject: Annotated[WholeNumber, Field(ge=1, le=10**6)]
    workmanship_class: Annotated[WholeNumber, Field(ge=1, le=3)] | None = Field(
        None, description="IPC-A-610 class (1, 2 or 3)."
    )

    @model_validator(mode="after")
    def _reject_above_accept(self) -> InspectionPlan:
        if self.reject <= self.accept:
            raise ValueError("the reject number must be above the accept number")
        if self.accept >= self.sample_size:
            raise ValueError("the accept number must be below the sample size")
        return self


class ResponseSla(InputSchema):
    subject: Name
    hours: Annotated[WholeNumber, Field(ge=1, le=24 * 365)]


class PriceTier(InputSchema):
    """From `from_quantity` (to `to_quantity`, inclusive, when given) each unit costs
    `unit_price`. Prices at or below zero are reported by the check, not refused here."""

    from_quantity: Quantity
    to_quantity: Quantity | None = None
    unit_price: Money
    currency: Currency


class Fee(InputSchema):
    """A line of Appendix A: everything the partner may bill beside the unit price."""

    code: Annotated[Text, Field(min_length=1, max_length=30)]
    description: Annotated[Text, Field(max_length=200)] = ""
    basis: FeeBasis | None = None
    amount: Money
    currency: Currency | None = None
    written_request_needed: bool = False


class FlexBand(InputSchema):
    """Weeks ahead of the change (week 1 = due within 7 days; accord/agreements/flex.py) in
    which a schedule quantity may change by at most `allowed_change_percent`. `fee_code`
    names the Appendix A fee a change beyond the band triggers (optional; without it, the
    fees whose code or description name flex, rescheduling or cancellation). A band without
    a fee code has the canonical JSON (and hash) it had before the field existed."""

    weeks_from: Annotated[WholeNumber, Field(ge=1, le=104)]
    weeks_to: Annotated[WholeNumber, Field(ge=1, le=104)]
    allowed_change_percent: Percent
    fee_code: Annotated[Text, Field(min_length=1, max_length=30)] | None = None

    @model_serializer(mode="wrap")
    def _no_empty_fee_code(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("fee_code") is None:
            data.pop("fee_code", None)
        return data

    @model_validator(mode="after")
    def _ordered(self) -> FlexBand:
        if self.weeks_to < self.weeks_from:
            raise ValueError("weeks_to must not be before weeks_from")
        return self


class FrozenWindow(InputSchema):
    weeks_from: Annotated[WholeNumber, Field(ge=1, le=104)] = 1
    weeks_to: Annotated[WholeNumber, Field(ge=1, le=104)]


class Terms(InputSchema):
    """Every clause of a statement of work. Lists of keyed clauses are kept sorted by key."""

    definitions: list[Definition] = Field(default_factory=list, max_length=200)
    deadlines: list[Deadline] = Field(default_factory=list, max_length=200)
    decision_rights: list[DecisionRight] = Field(default_factory=list, max_length=200)
    materials: list[MaterialTerm] = Field(default_factory=list, max_length=5000)
    certifications: list[Certification] = Field(default_factory=list, max_length=50)
    inspection: InspectionPlan | None = None
    response_slas: list[ResponseSla] = Field(default_factory=list, max_length=100)
    price_tiers: list[PriceTier] = Field(default_factory=list, max_length=100)
    moq: Quantity | None = None
    order_multiple: Quantity | None = None
    fees: list[Fee] = Field(default_factory=list, max_length=200)
    frozen_window: FrozenWindow | None = None
    flex_bands: list[FlexBand] = Field(default_factory=list, max_length=52)
    invoice_tolerance_percent: Percent | None = None
    payment_days: Annotated[WholeNumber, Field(ge=0, le=365)] | None = Field(
        default=None, description="Payment terms: net days from the invoice date (30 = net 30)."
    )
    notes: Annotated[LongText, Field(max_length=MAX_TEXT)] = ""

    @model_validator(mode="after")
    def _keyed_order_and_unique_keys(self) -> Terms:
        for name, key in _KEYS.items():
            items = sorted(getattr(self, name), key=key)
            keys = [key(item) for item in items]
            repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
            if repeated and name in _UNIQUE:
                raise ValueError(f"{_LABELS[name]} named twice: {', '.join(repeated)}")
            setattr(self, name, items)
        return self


_KEYS: dict[str, Any] = {
    "definitions": lambda d: d.word,
    "deadlines": lambda d: d.what,
    "decision_rights": lambda d: d.decision,
    "materials": lambda m: m.part,
    "certifications": lambda c: c.standard,
    "response_slas": lambda s: s.subject,
    # Tiers with the same quantity are an overlap the check reports, not a refusal.
    "price_tiers": lambda t: (t.from_quantity, t.to_quantity or 0),
    "fees": lambda f: f.code,
    "flex_bands": lambda b: (b.weeks_from, b.weeks_to),
}
_UNIQUE = {"definitions", "deadlines", "decision_rights", "materials", "certifications", "fees"}
_LABELS = {
    "definitions": "definitions: a word",
    "deadlines": "deadlines: a deadline",
    "decision_rights": "decision rights: a decision",
    "materials": "materials: a part",
    "certifications": "certifications: a standard",
    "fees": "fees: a code",
}


def _clause(loc: tuple[Any, ...]) -> str:
    """A pydantic location as people read a clause: price_tiers[1].unit_price."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).startswith("function-") or part in {"str", "int", "decimal"}:
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "terms"


def parse_terms(data: Any) -> Terms:
    """Terms from JSON data, or InvalidInput listing every refused clause by name."""
    if isinstance(data, Terms):
        return data
    if not isinstance(data, dict):
        raise InvalidInput("The terms are a JSON object of clauses.", detail={"field": "terms"})
    try:
        return Terms.model_validate(data)
    except ValidationError as error:
        problems = [
            {
                "clause": _clause(tuple(e["loc"])),
                "message": str(e["msg"]).removeprefix("Value error, "),
            }
            for e in error.errors()
        ]
        listed = "; ".join(f"{p['clause']}: {p['message']}" for p in problems)
        raise InvalidInput(f"Refused clauses: {listed}", detail={"problems": problems}) from None


# Clauses added after versions were signed: left out of the canonical form while unset, so
# that the terms of every version signed before they existed keep their SHA-256.
_OMITTED_WHEN_UNSET = ("payment_days",)


def canonical_terms(terms: Terms) -> dict[str, Any]:
    """The terms as JSON data: every clause, keyed lists in key order, Decimals as strings
    (a clause of _OMITTED_WHEN_UNSET only when set)."""
    data = terms.model_dump(mode="json")
    for name in _OMITTED_WHEN_UNSET:
        if data.get(name) is None:
            data.pop(name, None)
    return data


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def terms_hash(data: dict[str, Any], attachment_hashes: list[str] | None = None) -> str:
    """SHA-256 (hex) of the canonical JSON of the terms; the attachments' own hashes, when a
    version has any, sorted and joined after it."""
    canonical = canonical_json(canonical_terms(parse_terms(data)))
    digest = hashlib.sha256(canonical.encode())
    for attachment in sorted(attachment_hashes or []):
        digest.update(b"\n" + attachment.encode())
    return digest.hexdigest()
