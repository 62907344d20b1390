"""The auditing side's second thoughts: cancelling a planned audit, correcting a finding.

- A planned audit (no finding yet) is cancelled with a reason; it then takes no findings. An
  open, closed or already cancelled audit is not cancelled (409).
- A finding is corrected (its severity, clause, description, due date) while it is open and
  the audited side has neither put evidence on file nor submitted it: once they answer, what
  they answered stays the finding they were given. The due date is today or later. Becoming
  major gives it its 8D; leaving major (or becoming an observation) drops an 8D nobody has
  started, and is refused while one discipline is filled. Every correction is an event with
  each field's value before and after, so the finding's earlier wording stays on record.

Same events as audit_services.py: the acting organisation's, naming the other side.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.access import today
from accord.core.errors import Conflict, InvalidInput
from accord.orgs.models import Person
from accord.partners.audit_choices import AuditStatus, FindingStatus, Severity
from accord.partners.audit_models import Audit, EightD, EightDStep, Finding, FindingEvidence
from accord.partners.audit_services import _choice, _date, _event, _require_side, checked_plain
from accord.partners.audits_access import AUDITING

CORRECTABLE = ("severity", "clause", "description", "due_date")


def cancel_audit(*, actor: Person, audit: Audit, reason: Any) -> Audit:
    """The auditing side calls off a planned audit, saying why."""
    _require_side(actor, audit, AUDITING)
    why = checked_plain(reason, "reason", max_length=2000)
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        if locked.status != AuditStatus.PLANNED:
            raise Conflict(
                f"This audit is {AuditStatus(locked.status).label.lower()}: only a planned "
                "audit is cancelled."
            )
        now = timezone.now()
        locked.status = AuditStatus.CANCELLED
        locked.cancelled_at, locked.cancelled_by, locked.cancellation_reason = now, actor, why
        locked.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancelled_by",
                "cancellation_reason",
                "updated_at",
            ]
        )
        audit.status, audit.cancelled_at = locked.status, now
        audit.cancelled_by, audit.cancellation_reason = actor, why
        _event(actor, "cancelled audit", audit, audit, {"reason": why})
    return audit


def _cleaned(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise InvalidInput(
            f"Only the severity, clause, description and due date are corrected (not "
            f"{', '.join(sorted(unknown))})."
        )
    fields: dict[str, Any] = {}
    if "severity" in changes:
        fields["severity"] = _choice(changes["severity"], Severity, "severity")
    if "clause" in changes:
        fields["clause"] = checked_plain(
            changes["clause"], "clause", max_length=100, required=False, multiline=False
        )
    if "description" in changes:
        fields["description"] = checked_plain(changes["description"], "description")
    if "due_date" in changes:
        due = _date(changes["due_date"], "due_date")
        assert due is not None
        if due < today():
            raise InvalidInput(
                f"due_date: {due} is in the past (today is {today()}).",
                detail={"field": "due_date"},
            )
        fields["due_date"] = due
    return fields


def _check_correctable(finding: Finding) -> None:
    if finding.status != FindingStatus.OPEN:
        raise Conflict(
            f"This finding is {FindingStatus(finding.status).label.lower()}: a finding is "
            "corrected only while it is open."
        )
    if finding.submitted_at is not None:
        raise Conflict(
            "The audited side has submitted this finding once: it is no longer corrected "
            "(reject the submission or record another finding)."
        )
    if FindingEvidence.objects.filter(finding=finding).exists():
        raise Conflict(
            "The audited side has put evidence on file: the finding is no longer corrected "
            "(record another finding)."
        )


def _eightd_change(finding: Finding, before: str, after: str) -> str:
    """What the severity change does to the 8D: "created", "removed" or "" (nothing); a
    started 8D that would go is refused."""
    eightd = EightD.objects.filter(finding=finding).first()
    if after == Severity.MAJOR:
        return "" if eightd is not None else "created"
    leaves = before == Severity.MAJOR or after == Severity.OBSERVATION
    if eightd is None or not leaves:
        return ""
    if EightDStep.objects.filter(eightd=eightd).exists():
        raise Conflict(
            f"The audited side has started this finding's 8D: it stays "
            f"{Severity(before).label.lower()} (record another finding, or let them finish).",
            detail={"field": "severity"},
        )
    return "removed"


def correct_finding(*, actor: Person, finding: Finding, **changes: Any) -> Finding:
    """The auditing side corrects what it recorded, before the audited side answers."""
    _require_side(actor, finding.audit, AUDITING)
    fields = _cleaned(changes)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        _check_correctable(locked)
        changed = {
            name: [_plain(getattr(locked, name)), _plain(value)]
            for name, value in fields.items()
            if getattr(locked, name) != value
        }
        if not changed:
            return locked
        eightd = ""
        if "severity" in changed:
            eightd = _eightd_change(locked, locked.severity, fields["severity"])
        if eightd == "created":
            EightD.objects.create(finding=locked, created_by=actor)
        elif eightd == "removed":
            EightD.objects.filter(finding=locked).delete()
        for name in changed:
            setattr(locked, name, fields[name])
        locked.save(update_fields=[*changed, "updated_at"])
        _event(
            actor,
            "corrected finding",
            locked,
            finding.audit,
            {**changed, **({"8D": eightd} if eightd else {})},
        )
    return locked


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
