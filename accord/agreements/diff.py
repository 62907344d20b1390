"""Term-level differences between two versions, as lines people read in a review:
"tier 5,000: 9.80 → 9.60", "inspection class: 2 → 3", "fee EXP added: 250.00 EUR per event".

Clauses are compared by key (a tier by its starting quantity, a fee by its code, a definition
by its word), so reordering changes nothing and a changed price reads as one line."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from accord.agreements.terms import Terms

ARROW = "→"


def _show(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(getattr(value, "value", value))


def _qty(n: int) -> str:
    return f"{n:,}"


def _changed(label: str, old: Any, new: Any) -> list[str]:
    return [] if old == new else [f"{label}: {_show(old)} {ARROW} {_show(new)}"]


def _fields(
    label: str, old: BaseModel, new: BaseModel, names: dict[str, str], skip: set[str]
) -> list[str]:
    """One line per changed field; `names` gives a field its words ("class" for
    workmanship_class), else the field's name with spaces."""
    lines = []
    for field in type(new).model_fields:
        if field in skip:
            continue
        words = names.get(field, field.replace("_", " "))
        lines += _changed(f"{label} {words}".strip(), getattr(old, field), getattr(new, field))
    return lines


def _summary(item: BaseModel, skip: set[str]) -> str:
    parts = [_show(v) for k, v in item if k not in skip and v not in (None, "", False)]
    return ", ".join(parts)


def _keyed(
    old: list[Any],
    new: list[Any],
    key: Callable[[Any], Any],
    label: Callable[[Any], str],
    names: dict[str, str] | None = None,
) -> list[str]:
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    lines = []
    key_fields = set(names.get("__key__", "").split(",")) if names else set()
    for k in sorted(before.keys() | after.keys(), key=str):
        if k not in after:
            lines.append(f"{label(before[k])} removed")
        elif k not in before:
            lines.append(f"{label(after[k])} added: {_summary(after[k], key_fields)}")
        else:
            lines += _fields(label(after[k]), before[k], after[k], names or {}, key_fields)
    return lines


def _tier_lines(old: Terms, new: Terms) -> list[str]:
    before = {t.from_quantity: t for t in old.price_tiers}
    after = {t.from_quantity: t for t in new.price_tiers}
    lines = []
    for quantity in sorted(before.keys() | after.keys()):
        label = f"tier {_qty(quantity)}"
        was, now = before.get(quantity), after.get(quantity)
        if now is None:
            lines.append(f"{label} removed")
        elif was is None:
            lines.append(f"{label} added: {_show(now.unit_price)} {now.currency}")
        else:
            price = _changed(label, was.unit_price, now.unit_price)
            if was.currency != now.currency:
                price = [
                    f"{label}: {_show(was.unit_price)} {was.currency} {ARROW} "
                    f"{_show(now.unit_price)} {now.currency}"
                ]
            lines += price + _changed(f"{label} up to", was.to_quantity, now.to_quantity)
    return lines


def _inspection_lines(old: Terms, new: Terms) -> list[str]:
    if old.inspection == new.inspection:
        return []
    if old.inspection is None or new.inspection is None:
        shown = _summary(new.inspection, set()) if new.inspection else ""
        return [
            "inspection plan removed"
            if new.inspection is None
            else f"inspection plan added: {shown}"
        ]
    names = {"workmanship_class": "class", "aql": "AQL", "sample_size": "sample size"}
    return _fields("inspection", old.inspection, new.inspection, names, set())


def _window_lines(old: Terms, new: Terms) -> list[str]:
    def shown(window: Any) -> str:
        return "none" if window is None else f"weeks {window.weeks_from}–{window.weeks_to}"

    if old.frozen_window == new.frozen_window:
        return []
    return [f"frozen window: {shown(old.frozen_window)} {ARROW} {shown(new.frozen_window)}"]


def diff_terms(old: Terms, new: Terms) -> list[str]:
    """Every changed clause of `new` against `old`, one line each, in the order of the SOW."""
    return [
        *_keyed(
            old.definitions,
            new.definitions,
            lambda d: d.word,
            lambda d: f'definition "{d.word}"',
            {"__key__": "word"},
        ),
        *_keyed(
            old.deadlines,
            new.deadlines,
            lambda d: d.what,
            lambda d: f"deadline {d.what}",
            {"__key__": "what"},
        ),
        *_keyed(
            old.decision_rights,
            new.decision_rights,
            lambda d: d.decision,
            lambda d: f"decision {d.decision}",
            {"__key__": "decision", "answer_within_hours": "answer within hours"},
        ),
        *_keyed(
            old.materials,
            new.materials,
            lambda m: m.part,
            lambda m: f"material {m.part}",
            {"__key__": "part", "responsibility": ""},
        ),
        *_keyed(
            old.certifications,
            new.certifications,
            lambda c: c.standard,
            lambda c: f"certification {c.standard}",
            {"__key__": "standard"},
        ),
        *_inspection_lines(old, new),
        *_keyed(
            old.response_slas,
            new.response_slas,
            lambda s: s.subject,
            lambda s: f"response time {s.subject}",
            {"__key__": "subject", "hours": "hours"},
        ),
        *_tier_lines(old, new),
        *_changed("MOQ", old.moq, new.moq),
        *_changed("order multiple", old.order_multiple, new.order_multiple),
        *_keyed(
            old.fees,
            new.fees,
            lambda f: f.code,
            lambda f: f"fee {f.code}",
            {"__key__": "code"},
        ),
        *_window_lines(old, new),
        *_keyed(
            old.flex_bands,
            new.flex_bands,
            lambda b: (b.weeks_from, b.weeks_to),
            lambda b: f"flex weeks {b.weeks_from}–{b.weeks_to}",
            {"__key__": "weeks_from,weeks_to", "allowed_change_percent": "allowed change %"},
        ),
        *_changed(
            "invoice tolerance %", old.invoice_tolerance_percent, new.invoice_tolerance_percent
        ),
        *_changed("payment terms (net days)", old.payment_days, new.payment_days),
        *_changed("notes", old.notes, new.notes),
    ]
