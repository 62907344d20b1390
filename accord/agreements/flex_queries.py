"""Read-side of the flex checks for pages, API and CLI: the dry run of proposed build changes
against an agreement, a change request against its SOW, and its flex exceptions as rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accord.agreements.change_check import ChangeAnswer, check_change_request
from accord.agreements.choices import VersionStatus
from accord.agreements.flex import UNCHECKED, FlexVerdict, check_change
from accord.agreements.models import Agreement, AgreementVersion, FlexException
from accord.core.access import today
from accord.core.errors import InvalidInput
from accord.core.numbers import plain_number
from accord.supply.access import builds_visible_to


@dataclass(frozen=True)
class ProposedChange:
    build_id: int
    quantity: Decimal | None = None
    due_date: dt.date | None = None


def dry_run(user: Any, agreement: Agreement, changes: list[ProposedChange]) -> list[FlexVerdict]:
    """What changing each build would answer today (refused, flagged, accepted or
    unchecked), exactly as the build-changing service would judge it; nothing is written. A
    build the person does not see, or of another program, is refused naming its row."""
    if not changes:
        raise InvalidInput("Give at least one change.", detail={"field": "changes"})
    if len(changes) > 500:
        raise InvalidInput("At most 500 changes at once.", detail={"field": "changes"})
    wanted = {c.build_id for c in changes}
    builds = {
        b.pk: b
        for b in builds_visible_to(user)
        .filter(pk__in=wanted, program_id=agreement.program_id)
        .select_related("program", "site", "assembly")
    }
    for row, change in enumerate(changes):
        if change.build_id not in builds:
            raise InvalidInput(
                f"changes[{row}].build_id: no build {change.build_id} of {agreement.program} "
                "that you see.",
                detail={"field": f"changes[{row}].build_id"},
            )
        if change.quantity is not None and change.quantity < 0:
            raise InvalidInput(
                f"changes[{row}].quantity: not below 0.",
                detail={"field": f"changes[{row}].quantity"},
            )
    day = today()
    verdicts = []
    for change in changes:
        build = builds[change.build_id]
        verdict = check_change(
            build,
            new_quantity=build.quantity if change.quantity is None else change.quantity,
            new_due=change.due_date or build.due_date,
            today=day,
        )
        if verdict.agreement is not None and verdict.agreement.pk != agreement.pk:
            verdict = FlexVerdict(
                UNCHECKED,
                f"Build {build.pk} is governed by another agreement ({verdict.agreement.pk}).",
                from_quantity=verdict.from_quantity,
                to_quantity=verdict.to_quantity,
                from_due=verdict.from_due,
                to_due=verdict.to_due,
            )
        verdicts.append(verdict)
    return verdicts


def verdict_row(build_id: int, verdict: FlexVerdict) -> dict[str, Any]:
    return {"build_id": build_id, **verdict.as_dict()}


def sow_version(agreement: Agreement) -> AgreementVersion | None:
    """The version a change request is checked against: the signed one in force, else the
    newest (a draft under negotiation)."""
    versions = list(agreement.versions.all())
    signed = [v for v in versions if v.status == VersionStatus.SIGNED]
    if signed:
        return signed[0]
    return max(versions, key=lambda v: v.number, default=None)


def change_request(
    agreement: Agreement, term: str, value: Any
) -> tuple[AgreementVersion, ChangeAnswer]:
    version = sow_version(agreement)
    if version is None:
        raise InvalidInput("This agreement has no version to check against.")
    return version, check_change_request(version.terms, term, value)


EXCEPTION_HEADERS = [
    "id",
    "build",
    "assembly",
    "weeks out",
    "from quantity",
    "to quantity",
    "from due",
    "to due",
    "change %",
    "band",
    "fees",
    "status",
    "raised by",
    "raised at",
    "decided by",
    "decided at",
    "note",
]


def exception_dict(e: FlexException) -> dict[str, Any]:
    return {
        "id": e.pk,
        "agreement_id": e.agreement_id,
        "agreement_version": e.version.number,
        "build_id": e.build_id,
        "build_version": e.build_version.version,
        "assembly": e.build.assembly.number,
        "weeks_out": e.weeks_out,
        "from_quantity": plain_number(e.from_quantity),
        "to_quantity": plain_number(e.to_quantity),
        "from_due": e.from_due,
        "to_due": e.to_due,
        "change_percent": plain_number(e.change_percent),
        "allowed_percent": plain_number(e.allowed_percent),
        "band": e.band,
        "fees": e.fees,
        "status": e.status,
        "raised_by": str(e.raised_by) if e.raised_by else "",
        "raised_at": e.raised_at,
        "decided_by": str(e.decided_by) if e.decided_by else "",
        "decided_at": e.decided_at,
        "note": e.note,
    }


def fees_text(fees: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{f['code']} {f['amount']} {f.get('currency') or ''} {f.get('basis') or ''}".strip()
        for f in fees
    )


def exception_cells(e: FlexException) -> list[Any]:
    d = exception_dict(e)
    return [
        d["id"],
        d["build_id"],
        d["assembly"],
        d["weeks_out"],
        d["from_quantity"],
        d["to_quantity"],
        d["from_due"],
        d["to_due"],
        d["change_percent"],
        d["band"],
        fees_text(d["fees"]),
        d["status"],
        d["raised_by"],
        d["raised_at"],
        d["decided_by"],
        d["decided_at"] or "",
        d["note"],
    ]
