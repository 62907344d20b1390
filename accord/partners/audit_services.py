"""Every write to audits, findings, 8Ds and their evidence (issue 14, item 5).

The auditing side plans an audit and records its findings; a major finding gets its 8D at
once (a minor one on the auditor's demand). The audited side fills the 8D's disciplines in
order, responds, attaches evidence and submits; the auditor verifies (the finding closes) or
rejects with a reason (it is open again). An observation closes when the audited side
acknowledges it. An audit closes when its last open finding does.

Each write runs in one transaction and records an event of the acting organisation, naming
the other side as its subject; the event carries no program, so that only the actor's own
organisation sees it in its log (the audit is restricted data of the two parties).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.core.access import today
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.models import Person, Program
from accord.partners.audit_choices import (
    DISCIPLINES,
    AuditKind,
    AuditStatus,
    FindingStatus,
    Severity,
)
from accord.partners.audit_models import Audit, EightD, EightDStep, Finding, FindingEvidence
from accord.partners.audits_access import (
    AUDITED,
    AUDITING,
    auditable_organisation_ids,
    auditable_programs,
    side_of,
)
from accord.scorecards.attachments import AttachedFile
from accord.supply.models import Site

MAX_TEXT = 4000
# Markup is never stored: a tag (<script>, <img onerror=...>, </b>) or a link whose scheme is
# not http, https or mailto (javascript:, data:, vbscript:, file:) is refused, naming the field.
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>")
_BAD_SCHEME = re.compile(r"(?i)\b(?:java\s*script|vb\s*script|data|file|livescript)\s*:")


def evidence_max_mb() -> int:
    return int(settings.MAX_EVIDENCE_MB)


def checked_plain(
    value: Any, field: str, *, max_length: int = MAX_TEXT, required: bool = True,
    multiline: bool = True,
) -> str:  # fmt: skip
    """Text as stored (accord.core.text rules), or InvalidInput naming the field: empty when
    required, too long, or holding markup or a script link."""
    text = text_input(
        None if value is None else str(value),
        field,
        max_length=max_length,
        multiline=multiline,
        required=required,
    )
    if _TAG.search(text) or _BAD_SCHEME.search(text):
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()}: markup and script are not allowed "
            "(write plain text; links only http, https or mailto).",
            detail={"field": field},
        )
    return text


def _date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{field}: a date (YYYY-MM-DD).", detail={"field": field})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{field}: a date (YYYY-MM-DD).", detail={"field": field}) from None


def _choice(value: Any, choices: Any, field: str) -> str:
    text = str(value or "").strip().lower().replace(" ", "_")
    if text not in choices.values:
        raise InvalidInput(
            f"{field}: one of {', '.join(choices.values)} (got {str(value)!r}).",
            detail={"field": field},
        )
    return text


def _event(actor: Person, verb: str, obj: Any, audit: Audit, changes: dict[str, Any]) -> None:
    other = (
        audit.audited_organisation
        if actor.organisation_id == audit.auditing_organisation_id
        else audit.auditing_organisation
    )
    record_event(
        actor=actor,
        verb=verb,
        obj=obj,
        changes=changes,
        classification=Classification.INTERNAL,
        subject_organisation=other,
    )


def _require_side(actor: Person, audit: Audit, side: str) -> None:
    if side_of(actor, audit) != side:
        if side == AUDITING:
            raise Forbidden("Only the auditing organisation does this.")
        raise Forbidden("Only the audited organisation does this.")


# Audits --------------------------------------------------------------------------------------


def plan_audit(
    *,
    actor: Person,
    site: Site,
    kind: Any,
    planned_date: Any,
    scope: Any,
    lead_auditor: Person | None = None,
    program: Program | None = None,
    performed_date: Any = None,
) -> Audit:
    """An audit of a partner's site by the actor's organisation (planned; open when it was
    performed already). The lead auditor is a person of the actor's organisation (the actor
    when not named); a program, when given, is one the actor's organisation owns with the
    site's organisation as a partner."""
    if actor.organisation_id is None or site.organisation_id not in auditable_organisation_ids(
        actor
    ):
        raise Forbidden(
            "An audit is planned by a member of a program of your organisation in which the "
            "site's organisation is a partner."
        )
    if site.retired_at is not None:
        raise Conflict(f"The site {site.code} is retired: it gets no new audits.")
    fields: dict[str, Any] = {
        "kind": _choice(kind, AuditKind, "kind"),
        "planned_date": _date(planned_date, "planned_date"),
        "performed_date": _date(performed_date, "performed_date", required=False),
        "scope": checked_plain(scope, "scope"),
    }
    if fields["performed_date"] is not None and fields["performed_date"] > today():
        raise InvalidInput(
            "performed_date: an audit is performed today or before.",
            detail={"field": "performed_date"},
        )
    lead = lead_auditor or actor
    if lead.organisation_id != actor.organisation_id or not lead.is_active:
        raise InvalidInput(
            "lead_auditor: an active person of your own organisation (the auditing side).",
            detail={"field": "lead_auditor"},
        )
    if (
        program is not None
        and not auditable_programs(actor, site.organisation_id).filter(pk=program.pk).exists()
    ):
        raise InvalidInput(
            f"program: {program.code} is not a program of your organisation, with you a member, "
            f"in which {site.organisation.name} is a partner.",
            detail={"field": "program"},
        )
    status = AuditStatus.OPEN if fields["performed_date"] else AuditStatus.PLANNED
    with transaction.atomic():
        audit = Audit.objects.create(
            site=site,
            audited_organisation_id=site.organisation_id,
            auditing_organisation_id=actor.organisation_id,
            program=program,
            lead_auditor=lead,
            status=status,
            created_by=actor,
            **fields,
        )
        _event(
            actor,
            "planned audit",
            audit,
            audit,
            {
                "site": site.code,
                "kind": fields["kind"],
                "planned_date": fields["planned_date"].isoformat(),
                "program": program.code if program else None,
                "lead_auditor": lead.username,
            },
        )
    return audit


def _close_audit_if_done(actor: Person, audit: Audit) -> bool:
    """Closes the audit when none of its findings is still open (one query, one update)."""
    if Finding.objects.filter(audit=audit, status__in=FindingStatus.not_closed()).exists():
        return False
    now = timezone.now()
    updated = Audit.objects.filter(pk=audit.pk).exclude(status=AuditStatus.CLOSED)
    if not updated.update(status=AuditStatus.CLOSED, closed_at=now, updated_at=now):
        return False
    audit.status, audit.closed_at = AuditStatus.CLOSED, now
    _event(actor, "closed audit", audit, audit, {"findings": audit.findings.count()})
    return True


# Findings ------------------------------------------------------------------------------------


def record_finding(
    *,
    actor: Person,
    audit: Audit,
    severity: Any,
    description: Any,
    due_date: Any,
    clause: Any = "",
) -> Finding:
    """A finding of an audit not closed (the auditing side); a major one gets its 8D. The
    first finding opens a planned audit (performed today, unless a date is on file)."""
    _require_side(actor, audit, AUDITING)
    level = _choice(severity, Severity, "severity")
    text = checked_plain(description, "description")
    reference = checked_plain(clause, "clause", max_length=100, required=False, multiline=False)
    due = _date(due_date, "due_date")
    assert due is not None
    if due < today():
        raise InvalidInput(
            f"due_date: {due} is in the past (today is {today()}).", detail={"field": "due_date"}
        )
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        if locked.status in (AuditStatus.CLOSED, AuditStatus.CANCELLED):
            raise Conflict(
                f"This audit is {AuditStatus(locked.status).label.lower()}: it takes no new "
                "findings."
            )
        number = (Finding.objects.filter(audit=audit).aggregate(n=Max("number"))["n"] or 0) + 1
        finding = Finding.objects.create(
            audit=audit,
            number=number,
            severity=level,
            clause=reference,
            description=text,
            due_date=due,
            created_by=actor,
        )
        if level == Severity.MAJOR:
            EightD.objects.create(finding=finding, created_by=actor)
        changed = ["status", "updated_at"]
        locked.status = AuditStatus.OPEN
        if locked.performed_date is None:
            locked.performed_date = today()
            changed.append("performed_date")
        locked.save(update_fields=changed)
        audit.status, audit.performed_date = locked.status, locked.performed_date
        _event(
            actor,
            "recorded finding",
            finding,
            audit,
            {
                "severity": level,
                "clause": reference,
                "due_date": due.isoformat(),
                "8D": level == Severity.MAJOR,
            },
        )
    return finding


def _lock(finding: Finding) -> Finding:
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    finding.status = locked.status
    return locked


def request_eightd(*, actor: Person, finding: Finding) -> EightD:
    """An 8D asked of the audited side for a minor finding (a major one has its own)."""
    _require_side(actor, finding.audit, AUDITING)
    if finding.severity == Severity.OBSERVATION:
        raise Conflict("An observation gets no 8D: the audited side acknowledges it.")
    with transaction.atomic():
        locked = _lock(finding)
        if locked.status == FindingStatus.CLOSED:
            raise Conflict("This finding is closed.")
        if EightD.objects.filter(finding=finding).exists():
            raise Conflict("This finding has its 8D already.")
        eightd = EightD.objects.create(finding=finding, created_by=actor)
        _event(actor, "requested 8D", finding, finding.audit, {})
    return eightd


def filled_disciplines(finding: Finding) -> set[int]:
    return set(
        EightDStep.objects.filter(eightd__finding=finding).values_list("discipline", flat=True)
    )


def fill_discipline(*, actor: Person, finding: Finding, discipline: Any, text: Any) -> EightDStep:
    """One discipline of the finding's 8D (the audited side), in order: D1 before D2... A
    filled one may be rewritten while the finding is open (after a rejection, typically)."""
    _require_side(actor, finding.audit, AUDITED)
    try:
        number = int(str(discipline).strip().upper().removeprefix("D"))
    except ValueError:
        number = 0
    if number not in DISCIPLINES:
        raise InvalidInput("discipline: 1 to 8 (D1 to D8).", detail={"field": "discipline"})
    body = checked_plain(text, "text")
    with transaction.atomic():
        locked = _lock(finding)
        eightd = EightD.objects.filter(finding=finding).first()
        if eightd is None:
            raise Conflict(
                "This finding has no 8D (only major findings, or on the auditor's demand)."
            )
        if locked.status != FindingStatus.OPEN:
            raise Conflict(
                f"This finding is {FindingStatus(locked.status).label.lower()}: its 8D is "
                "changed only while it is open."
            )
        filled = filled_disciplines(finding)
        missing = [d for d in range(1, number) if d not in filled]
        if missing:
            raise Conflict(
                f"Fill the disciplines in order: D{missing[0]} first.",
                detail={"field": "discipline"},
            )
        step, created = EightDStep.objects.update_or_create(
            eightd=eightd,
            discipline=number,
            defaults={"text": body, "filled_by": actor, "filled_at": timezone.now()},
        )
        Finding.objects.filter(pk=finding.pk).update(updated_at=timezone.now())
        _event(
            actor,
            "filled 8D discipline" if created else "changed 8D discipline",
            finding,
            finding.audit,
            {"discipline": DISCIPLINES[number]},
        )
    return step


def attach_finding_evidence(
    *, actor: Person, finding: Finding, file: AttachedFile
) -> FindingEvidence:
    """A file of the audited side's evidence (PDF, PNG or JPEG, checked before this)."""
    _require_side(actor, finding.audit, AUDITED)
    with transaction.atomic():
        locked = _lock(finding)
        if locked.status != FindingStatus.OPEN:
            raise Conflict(
                f"This finding is {FindingStatus(locked.status).label.lower()}: evidence is "
                "attached while it is open."
            )
        evidence = FindingEvidence.objects.create(
            finding=finding,
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.data),
            sha256=file.sha256,
            data=file.data,
            uploaded_by=actor,
        )
        Finding.objects.filter(pk=finding.pk).update(updated_at=timezone.now())
        _event(
            actor,
            "attached finding evidence",
            finding,
            finding.audit,
            {"file": file.filename, "sha256": file.sha256},
        )
    return evidence


def submit_finding(*, actor: Person, finding: Finding, response: Any = "") -> Finding:
    """The audited side asks for the auditor's verification: an 8D needs D1 to D8 filled, a
    minor finding without 8D a response, both the evidence on file."""
    _require_side(actor, finding.audit, AUDITED)
    if finding.severity == Severity.OBSERVATION:
        raise Conflict("An observation is acknowledged, not submitted.")
    answer = checked_plain(response, "response", required=False)
    with transaction.atomic():
        locked = _lock(finding)
        if locked.status != FindingStatus.OPEN:
            raise Conflict(f"This finding is {FindingStatus(locked.status).label.lower()} already.")
        has_eightd = EightD.objects.filter(finding=finding).exists()
        if has_eightd:
            missing = [d for d in DISCIPLINES if d not in filled_disciplines(finding)]
            if missing:
                raise Conflict(
                    f"The 8D is not complete: fill {', '.join(f'D{d}' for d in missing)}.",
                    detail={"field": "eightd"},
                )
        elif not (answer or locked.response):
            raise InvalidInput(
                "response: say what was corrected (a minor finding closes with the audited "
                "side's response and evidence).",
                detail={"field": "response"},
            )
        if not FindingEvidence.objects.filter(finding=finding).exists():
            raise Conflict(
                "Attach the evidence first: closing a finding needs the audited side's evidence.",
                detail={"field": "evidence"},
            )
        now = timezone.now()
        locked.status = FindingStatus.SUBMITTED
        if answer:
            locked.response = answer
        locked.submitted_by, locked.submitted_at = actor, now
        locked.save(
            update_fields=["status", "response", "submitted_by", "submitted_at", "updated_at"]
        )
        _event(actor, "submitted finding", finding, finding.audit, {"8D": has_eightd})
    return locked


def verify_finding(*, actor: Person, finding: Finding) -> Finding:
    """The auditor verified what was submitted: the finding closes (and the audit, with its
    last open finding)."""
    _require_side(actor, finding.audit, AUDITING)
    with transaction.atomic():
        Audit.objects.select_for_update().filter(pk=finding.audit_id).first()
        locked = _lock(finding)
        if locked.status != FindingStatus.SUBMITTED:
            raise Conflict(
                "Only a submitted finding is verified: the audited side submits it with its "
                "evidence first."
                if locked.status == FindingStatus.OPEN
                else "This finding is closed already."
            )
        now = timezone.now()
        locked.status = FindingStatus.CLOSED
        locked.closed_by, locked.closed_at = actor, now
        locked.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        _event(actor, "verified finding", finding, finding.audit, {})
        _close_audit_if_done(actor, finding.audit)
    return locked


def reject_finding(*, actor: Person, finding: Finding, reason: Any) -> Finding:
    """The auditor sends a submission back with a reason: the finding is open again."""
    _require_side(actor, finding.audit, AUDITING)
    why = checked_plain(reason, "reason", max_length=2000)
    with transaction.atomic():
        locked = _lock(finding)
        if locked.status != FindingStatus.SUBMITTED:
            raise Conflict("Only a submitted finding is rejected.")
        locked.status = FindingStatus.OPEN
        locked.rejection_reason = why
        locked.rejected_by, locked.rejected_at = actor, timezone.now()
        locked.save(
            update_fields=[
                "status",
                "rejection_reason",
                "rejected_by",
                "rejected_at",
                "updated_at",
            ]
        )
        _event(actor, "rejected finding", finding, finding.audit, {"reason": why})
    return locked


def acknowledge_finding(*, actor: Person, finding: Finding, response: Any = "") -> Finding:
    """The audited side acknowledges an observation: it closes (and the audit, with its last
    open finding)."""
    _require_side(actor, finding.audit, AUDITED)
    if finding.severity != Severity.OBSERVATION:
        raise Conflict("Only an observation closes with an acknowledgement.")
    answer = checked_plain(response, "response", required=False)
    with transaction.atomic():
        Audit.objects.select_for_update().filter(pk=finding.audit_id).first()
        locked = _lock(finding)
        if locked.status != FindingStatus.OPEN:
            raise Conflict("This observation is acknowledged already.")
        now = timezone.now()
        locked.status = FindingStatus.CLOSED
        locked.response = answer
        locked.closed_by, locked.closed_at = actor, now
        locked.save(update_fields=["status", "response", "closed_by", "closed_at", "updated_at"])
        _event(actor, "acknowledged finding", finding, finding.audit, {})
        _close_audit_if_done(actor, finding.audit)
    return locked
