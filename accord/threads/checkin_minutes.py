"""The minutes of a check-in: as rows (the CSV/XLSX export of the page, the API and the CLI)
and as the e-mail each participant gets once it is closed.

The e-mail's text is made when it is sent (threads/mail.py calls `compose_minutes`), after the
recipient's access to the check-in is checked again: someone who left the program gets nothing.
Restricted agenda items (shortages, findings, threads about restricted subjects) are mailed as
a link, never as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from accord.core.memo import request_memo
from accord.threads.checkin_access import (
    agenda_of,
    checkins_visible_to,
    decisions_of,
    participants_of,
)
from accord.threads.checkin_agenda import visible_refs
from accord.threads.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    CheckIn,
    Decision,
    EmailDelivery,
)

MINUTES_EVENT = "checkin_minutes"
MINUTES_HEADERS = ["Section", "Item", "Detail", "Owner", "Due", "Status", "Note"]


@dataclass(frozen=True)
class Minutes:
    checkin: CheckIn
    participants: list[Any]
    agenda: list[AgendaItem]
    decisions: list[Decision]
    actions: list[ActionItem]


def items_of_checkin(user: Any, checkin: CheckIn) -> Any:
    """The action items recorded in a check-in the caller reached through access."""
    return (
        ActionItem.objects.filter(source_kind="checkin", source_id=checkin.pk)
        .select_related("owner")
        .order_by("due_date", "pk")
    )


MASKED = "An item you may not see now"


def _mask(user: Any, checkin: CheckIn, agenda: list[AgendaItem]) -> None:
    """The agenda as the person may read it now: an item whose reference they no longer see
    (an NDA lapsed, a membership ended) keeps its place but not its label (one query per
    kind, threads/checkin_agenda.visible_refs)."""
    refs: dict[str, set[int]] = {}
    for item in agenda:
        if item.ref_id is not None:
            refs.setdefault(item.ref_kind, set()).add(int(item.ref_id))
    if not refs:
        return
    with request_memo():
        seen = visible_refs(user, checkin.program, checkin.partner_id, refs)
    for item in agenda:
        if item.ref_id is not None and int(item.ref_id) not in seen.get(item.ref_kind, set()):
            item.label, item.detail, item.note = MASKED, "", ""
            item.masked = True  # type: ignore[attr-defined]


def minutes_of(user: Any, checkin: CheckIn) -> Minutes:
    agenda = list(agenda_of(user, checkin))
    _mask(user, checkin, agenda)
    return Minutes(
        checkin=checkin,
        participants=list(participants_of(user, checkin)),
        agenda=agenda,
        decisions=list(decisions_of(user, checkin)),
        actions=list(items_of_checkin(user, checkin)),
    )


def log_restricted_reads(user: Any, minutes: Minutes, *, channel: str, path: str) -> None:
    """Audit findings on the agenda, read by the audited side: the auditor's access log (one
    entry per auditing organisation, its rows counted), as the finding pages log them."""
    from accord.partners.audits_access import record_findings_read

    ids = [
        int(item.ref_id)
        for item in minutes.agenda
        if item.ref_kind == "finding" and item.ref_id is not None and item.label != MASKED
    ]
    if ids:
        record_findings_read(user, ids, channel=channel, path=path)


def _name(person: Any) -> str:
    return (person.get_full_name() or person.username) if person else ""


def minutes_rows(minutes: Minutes) -> Iterator[list[Any]]:
    """One row per participant, agenda item, decision and action item."""
    for p in minutes.participants:
        yield ["Participant", _name(p), p.organisation.name, "", "", "", ""]
    for item in minutes.agenda:
        status = ""
        if item.kind == AgendaKind.MANUAL:
            status = "Resolved" if item.resolved else "Open"
        detail = item.detail
        if item.waits_on is not None and not detail:
            detail = f"Waits on {item.waits_on.name}"
        yield [
            f"Agenda: {AgendaKind(item.kind).label}",
            item.label,
            detail,
            _name(item.added_by) if item.kind == AgendaKind.MANUAL else "",
            "",
            status,
            item.note,
        ]
    for decision in minutes.decisions:
        yield [
            "Decision",
            decision.text,
            f"Recorded {decision.recorded_at:%Y-%m-%d %H:%M}",
            _name(decision.recorded_by),
            "",
            "",
            "",
        ]
    for action in minutes.actions:
        yield [
            "Action item",
            action.title,
            "",
            _name(action.owner),
            action.due_date,
            str(ActionStatus(action.status).label),
            "",
        ]


def minutes_filename(checkin: CheckIn) -> str:
    return f"checkin-{checkin.program.code}-{checkin.partner.slug}-{checkin.week}"


# The e-mail -----------------------------------------------------------------------------------


def compose_minutes(delivery: EmailDelivery, person: Any, now: dt.datetime) -> Any:
    from accord.threads.mail import Composed, Skip, _email_off, absolute, clean_subject

    if _email_off({person.pk}, {MINUTES_EVENT}):
        raise Skip("e-mail turned off for the minutes of check-ins")
    pk = int(delivery.group_key.removeprefix("checkin:") or 0)
    checkin = checkins_visible_to(person).select_related("program", "partner").filter(pk=pk).first()
    if checkin is None:
        raise Skip("the recipient may no longer see the check-in")
    minutes = minutes_of(person, checkin)
    url = absolute(reverse("checkin_detail", args=[checkin.pk]))
    title = f"{checkin.program.name} check-in with {checkin.partner.name}, {checkin.week}"
    lines = [f"Minutes of the {title}.", url, "", "Participants:"]
    lines += [f"- {_name(p)} ({p.organisation.name})" for p in minutes.participants]
    lines += ["", "Agenda:"]
    for item in minutes.agenda:
        if item.restricted:
            lines.append(f"- A restricted item ({AgendaKind(item.kind).label.lower()}): {url}")
            continue
        resolved = " [resolved]" if item.kind == AgendaKind.MANUAL and item.resolved else ""
        detail = f" ({item.detail})" if item.detail else ""
        lines.append(f"- {item.label}{detail}{resolved}")
        if item.note:
            lines.append(f"  Note: {item.note}")
    if not minutes.agenda:
        lines.append("- Nothing.")
    lines += ["", "Decisions:"]
    lines += [f"- {d.text}" for d in minutes.decisions] or ["- None."]
    lines += ["", "Action items:"]
    lines += [
        f"- {a.title} ({_name(a.owner)}, due {a.due_date.isoformat()})" for a in minutes.actions
    ] or ["- None."]
    return Composed(
        clean_subject(f"Accord: minutes of the {title}"), "\n".join(lines) + "\n", [MINUTES_EVENT]
    )
