"""Terms as rows people read: (clause, item, value), for the version's page and its CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accord.agreements.terms import Terms

CLAUSES = {
    "definitions": "Definition",
    "deadlines": "Deadline",
    "decision_rights": "Decision right",
    "materials": "Material responsibility",
    "certifications": "Required certification",
    "inspection": "Inspection plan",
    "response_slas": "Response time",
    "price_tiers": "Price tier",
    "moq": "MOQ",
    "order_multiple": "Order multiple",
    "fees": "Appendix A fee",
    "frozen_window": "Frozen window",
    "flex_bands": "Flex band",
    "invoice_tolerance_percent": "Invoice tolerance %",
    "payment_days": "Payment terms (net days)",
    "notes": "Notes",
}
HEADERS = ["Clause", "Item", "Value"]


def _text(value: Any) -> str:
    if value is None or value == "":
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(getattr(value, "label", None) or getattr(value, "value", value))


def _row(terms: Terms, name: str, item: Any) -> tuple[str, str, str]:
    label = CLAUSES[name]
    match name:
        case "definitions":
            return label, f'"{item.word}"', item.criterion
        case "deadlines":
            return label, item.what, item.due
        case "decision_rights":
            owner = _text(item.owner) if item.owner else "no owner"
            hours = (
                f"answer within {item.answer_within_hours} h"
                if item.answer_within_hours
                else "no deadline"
            )
            role = f" ({item.role})" if item.role else ""
            return label, item.decision, f"{owner}{role}, {hours}"
        case "materials":
            return label, item.part, _text(item.responsibility)
        case "certifications":
            return label, item.standard, item.scope
        case "response_slas":
            return label, item.subject, f"{item.hours} h"
        case "price_tiers":
            upto = f" to {item.to_quantity:,}" if item.to_quantity else ""
            return (
                label,
                f"from {item.from_quantity:,}{upto}",
                f"{_text(item.unit_price)} {item.currency}",
            )
        case "fees":
            request = ", on written request only" if item.written_request_needed else ""
            basis = _text(item.basis) if item.basis else "no basis"
            currency = item.currency or "no currency"
            what = f"{item.code} {item.description}".strip()
            return label, what, f"{_text(item.amount)} {currency}, {basis}{request}"
        case "flex_bands":
            return (
                label,
                f"weeks {item.weeks_from}–{item.weeks_to}",
                f"±{_text(item.allowed_change_percent)}%"
                + (f", beyond it fee {item.fee_code}" if item.fee_code else ""),
            )
    raise ValueError(name)  # pragma: no cover


def item_label(terms: Terms, name: str, item: Any) -> str:
    """How the version's page names an item of a keyed clause ("from 5,000 to 49,999")."""
    return _row(terms, name, item)[1]


def terms_rows(terms: Terms) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for name, label in CLAUSES.items():
        value = getattr(terms, name)
        if isinstance(value, list):
            rows += [_row(terms, name, item) for item in value]
        elif name == "inspection" and value is not None:
            workmanship = (
                f", IPC-A-610 class {value.workmanship_class}" if value.workmanship_class else ""
            )
            rows.append(
                (
                    label,
                    f"AQL {_text(value.aql)}, level {value.level}",
                    f"sample {value.sample_size:,}, accept {value.accept}, reject "
                    f"{value.reject}{workmanship}",
                )
            )
        elif name == "frozen_window" and value is not None:
            rows.append((label, "", f"weeks {value.weeks_from}–{value.weeks_to}"))
        elif value not in (None, "") and name != "inspection" and name != "frozen_window":
            rows.append((label, "", _text(value)))
    return rows
