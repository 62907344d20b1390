"""Writes of the flex checks: a build-schedule change is refused inside the frozen window,
recorded as a flex exception beyond its band, and the EMS accepts or declines the exception.

`enforce_flex` and `record_flex_exception` run inside the build-changing service's transaction
(accord/supply/services/builds.py): a refusal raises before anything is written, an exception
is written with the build version that made it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.agreements.choices import FlexStatus
from accord.agreements.flex import FLAGGED, REFUSED, FlexVerdict, check_change
from accord.agreements.models import FlexException
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.core.text import checked_text
from accord.orgs.models import Person


def enforce_flex(
    build: Any, *, new_quantity: Decimal, new_due: dt.date, today: dt.date
) -> FlexVerdict:
    """The verdict of the change; 409 naming the build, week and clause when it is refused
    (the caller writes nothing)."""
    verdict = check_change(build, new_quantity=new_quantity, new_due=new_due, today=today)
    if verdict.outcome == REFUSED:
        raise Conflict(
            f"Refused: {verdict.message}",
            code="frozen_window",
            detail={
                "build_id": build.pk,
                "weeks_out": verdict.weeks_out,
                "clause": verdict.clause,
                "agreement_id": verdict.agreement.pk if verdict.agreement else None,
                "agreement_version": verdict.version.number if verdict.version else None,
            },
        )
    return verdict


def record_flex_exception(
    *, actor: Person, verdict: FlexVerdict, build_version: Any
) -> FlexException | None:
    """A flagged change's exception, pending for the EMS (nothing for other verdicts)."""
    if verdict.outcome != FLAGGED:
        return None
    assert verdict.agreement is not None and verdict.version is not None
    assert verdict.weeks_out is not None and verdict.change_percent is not None
    assert verdict.from_quantity is not None and verdict.to_quantity is not None
    assert verdict.from_due is not None and verdict.to_due is not None
    assert verdict.allowed_percent is not None
    exception = FlexException.objects.create(
        agreement=verdict.agreement,
        version=verdict.version,
        build_id=build_version.build_id,
        build_version=build_version,
        weeks_out=verdict.weeks_out,
        from_quantity=verdict.from_quantity,
        to_quantity=verdict.to_quantity,
        from_due=verdict.from_due,
        to_due=verdict.to_due,
        change_percent=verdict.change_percent,
        allowed_percent=verdict.allowed_percent,
        band=verdict.clause[:100],
        fees=verdict.fees,
        raised_by=actor,
    )
    record_event(
        actor=actor,
        verb="raised flex exception",
        obj=exception,
        classification=Classification.INTERNAL,
        changes={
            "agreement": verdict.agreement.pk,
            "build": build_version.build_id,
            "weeks out": verdict.weeks_out,
            "quantity": [plain_number(verdict.from_quantity), plain_number(verdict.to_quantity)],
            "change %": plain_number(verdict.change_percent),
            "band": verdict.clause,
            "fees": [f["code"] for f in verdict.fees],
        },
    )
    return exception


def decide_flex_exception(
    *, actor: Person, exception: FlexException, accept: bool, note: str = ""
) -> FlexException:
    """The EMS (a person of the agreement's partner) accepts or declines a pending exception;
    a decided one answers 409."""
    note = checked_text((note or "").strip(), field="note")
    if len(note) > 300:
        raise InvalidInput("note is longer than 300 characters.", detail={"field": "note"})
    if actor.organisation_id != exception.agreement.partner_id:
        raise Forbidden("Only the EMS of the agreement accepts or declines a flex exception.")
    with transaction.atomic():
        locked = FlexException.objects.select_for_update().get(pk=exception.pk)
        if locked.status != FlexStatus.PENDING:
            raise Conflict(f"This flex exception is {locked.status} already.")
        locked.status = FlexStatus.ACCEPTED if accept else FlexStatus.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        record_event(
            actor=actor,
            verb="accepted flex exception" if accept else "declined flex exception",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"agreement": locked.agreement_id, "build": locked.build_id, "note": note},
        )
    return locked
