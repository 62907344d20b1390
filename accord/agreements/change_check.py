"""A change request checked against the SOW: a term named by its path and a new value answer

- ``in_sow``: the term is there with that value already: nothing to agree;
- ``amendment``: the term is there with another value: the change is the diff line
  ("tier 5,000 unit price: 9.80 → 9.60", named as the version diff names it), an amendment
  signed by both sides is needed, and the engineering-change fee of Appendix A applies when
  it has one;
- ``not_in_sow``: the SOW has no such term (no tier from that quantity, no fee with that
  code, no inspection plan): adding it is an amendment too.

Paths: a clause (``moq``, ``notes``), a field of a clause (``inspection.aql``,
``frozen_window.weeks_to``), or an item of a list clause by its key with an optional field
(``price_tiers[5000].unit_price``, ``fees[EXP].amount``, ``definitions[premium]``,
``flex_bands[5-8].allowed_change_percent``, ``certifications[ISO 9001]``); an item without
a field means its main one (a definition's criterion, a tier's unit price, a fee's amount).
The new value is checked as the clause checks it (a price "1.234,50" is refused, naming the
term). Stateless: nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from accord.agreements.diff import diff_terms
from accord.agreements.terms import Fee, Terms, parse_terms
from accord.core.errors import InvalidInput

IN_SOW = "in_sow"
AMENDMENT = "amendment"
NOT_IN_SOW = "not_in_sow"

# Appendix A lines an amendment triggers: an engineering change (ECO, ECN), an amendment or a
# change order.
CHANGE_FEE = re.compile(
    r"\bECO\b|\bECN\b|\bEC\b|engineering[ -]change|amendment|change[ -]order", re.IGNORECASE
)
_PATH = re.compile(r"^([a-z_]+)(?:\[([^\]]+)\])?(?:\.([a-z_]+))?$")

# Each list clause: its key fields and the field an item path without a field means.
LIST_CLAUSES: dict[str, tuple[tuple[str, ...], str]] = {
    "definitions": (("word",), "criterion"),
    "deadlines": (("what",), "due"),
    "decision_rights": (("decision",), "owner"),
    "materials": (("part",), "responsibility"),
    "certifications": (("standard",), "scope"),
    "response_slas": (("subject",), "hours"),
    "price_tiers": (("from_quantity",), "unit_price"),
    "fees": (("code",), "amount"),
    "flex_bands": (("weeks_from", "weeks_to"), "allowed_change_percent"),
}
OBJECT_CLAUSES = {"inspection", "frozen_window"}


@dataclass
class ChangeAnswer:
    answer: str
    term: str
    message: str
    clause: str = ""
    current: Any = None
    proposed: Any = None
    fees: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "term": self.term,
            "message": self.message,
            "clause": self.clause,
            "current": _shown(self.current),
            "proposed": _shown(self.proposed),
            "fees": self.fees,
        }


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _refuse(term: str, message: str) -> InvalidInput:
    return InvalidInput(f"term {term!r}: {message}", detail={"field": "term"})


def _key_matches(item: dict[str, Any], keys: tuple[str, ...], wanted: str) -> bool:
    if len(keys) == 2:
        parts = re.split(r"\s*[-–—]\s*", wanted.strip())
        return [str(item[k]) for k in keys] == parts
    value = item[keys[0]]
    if isinstance(value, int):
        return str(value) == re.sub(r"[\s,_]", "", wanted)
    return str(value).casefold() == wanted.strip().casefold()


def _locate(data: dict[str, Any], term: str) -> tuple[dict[str, Any] | None, str]:
    """The container of the term in the terms' JSON data (None when the SOW lacks it) and the
    field in it; InvalidInput when the path names no clause or field."""
    match = _PATH.match(term)
    if not match:
        raise _refuse(term, "write it like price_tiers[5000].unit_price or inspection.aql.")
    clause, key, name = match.groups()
    fields = Terms.model_fields
    if clause not in fields:
        raise _refuse(term, f"the SOW has no clause {clause!r}.")
    if clause in LIST_CLAUSES:
        keys, main = LIST_CLAUSES[clause]
        if key is None:
            raise _refuse(term, f"name one item of {clause}, e.g. {clause}[...].{main}.")
        item_model = _item_model(clause)
        name = name or main
        if name not in item_model.model_fields or name in keys:
            raise _refuse(term, f"an item of {clause} has no field {name!r} to change.")
        found = next((i for i in data.get(clause, []) if _key_matches(i, keys, key)), None)
        return found, name
    if key is not None:
        raise _refuse(term, f"{clause} is not a list: no [...] after it.")
    if clause in OBJECT_CLAUSES:
        if name is None:
            raise _refuse(term, f"name a field of {clause}, e.g. {clause}.weeks_to.")
        sub = _item_model(clause)
        if name not in sub.model_fields:
            raise _refuse(term, f"{clause} has no field {name!r}.")
        return data.get(clause), name
    if name is not None:
        raise _refuse(term, f"{clause} has no fields.")
    return data, clause


def _item_model(clause: str) -> Any:
    annotation = Terms.model_fields[clause].annotation
    args = getattr(annotation, "__args__", ())
    return next(a for a in args if isinstance(a, type)) if args else annotation


def change_fees(terms: Terms) -> list[Fee]:
    return [f for f in terms.fees if CHANGE_FEE.search(f"{f.code} {f.description}")]


def _fee_text(fee: Fee) -> str:
    basis = f" {fee.basis.label.lower()}" if fee.basis else ""
    return f"fee {fee.code} {format(fee.amount, 'f')} {fee.currency or ''}{basis}".replace(
        "  ", " "
    )


def check_change_request(terms_data: dict[str, Any], term: str, value: Any) -> ChangeAnswer:
    """The answer for one term and value against these terms (a version's JSON data)."""
    term = (term or "").strip()
    if not term:
        raise InvalidInput("term: name the term, e.g. inspection.aql.", detail={"field": "term"})
    old = parse_terms(terms_data)
    data = old.model_dump(mode="json")
    container, name = _locate(data, term)
    if container is None or container.get(name) is None:
        return ChangeAnswer(
            NOT_IN_SOW,
            term,
            f"Not in the SOW: it has no {term}. Adding it is an amendment signed by both sides.",
            proposed=value,
        )
    current = container[name]
    container[name] = value
    try:
        new = parse_terms(data)
    except InvalidInput as error:
        raise InvalidInput(
            f"value for {term}: {error.message}", detail={"field": "value", **(error.detail or {})}
        ) from None
    lines = diff_terms(old, new)
    if not lines:
        return ChangeAnswer(
            IN_SOW, term, f"Already in the SOW: {term} is {_shown(current)}.", term, current, value
        )
    proposed = _value_at(new.model_dump(mode="json"), term)
    fees = change_fees(old)
    fee_words = (
        "; " + ", ".join(_fee_text(f) for f in fees) + " applies"
        if fees
        else "; Appendix A has no engineering-change fee"
    )
    clause = "; ".join(lines)
    return ChangeAnswer(
        AMENDMENT,
        term,
        f"Changes {clause}: an amendment signed by both sides is needed{fee_words}.",
        clause,
        current,
        proposed,
        [
            {
                "code": f.code,
                "description": f.description,
                "basis": f.basis.value if f.basis else None,
                "amount": format(f.amount, "f"),
                "currency": f.currency,
            }
            for f in fees
        ],
    )


def _value_at(data: dict[str, Any], term: str) -> Any:
    container, name = _locate(data, term)
    return None if container is None else container.get(name)


def parse_value(text: str) -> Any:
    """A value typed in a form or on the command line: JSON when it reads as JSON (600, 9.80,
    true, "x"), else the text itself (premium)."""
    try:
        return json.loads(text)
    except ValueError:
        return text
