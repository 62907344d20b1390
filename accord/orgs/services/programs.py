"""Programs after their creation: edited, archived and restored by their managers; partner
organisations removed or given another responsibility."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import diff_fields, record_event, snapshot
from accord.core.memo import forget_memoised
from accord.core.text import text_input
from accord.orgs.choices import MemberRole, ProgramStatus
from accord.orgs.models import Person, Program, ProgramMember, ProgramPartner


def require_manager(actor: Person, program: Program) -> None:
    if not ProgramMember.objects.filter(
        program=program, person=actor, role=MemberRole.MANAGER, person__is_active=True
    ).exists():
        raise Forbidden("Only a manager of the program can change it.")


def require_not_archived(program: Program) -> None:
    if program.archived_at is not None:
        raise Conflict(f"{program} is archived: restore it before changing it.")


def edit_program(
    *,
    actor: Person,
    program: Program,
    name: str | None = None,
    description: str | None = None,
    status: str | None = None,
    description_shared: bool | None = None,
) -> Program:
    """Change a program's name, description, status, or whether its suppliers and distributors
    read the description (its code never changes)."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = text_input(name, "name", max_length=200, required=True)
    if description is not None:
        changes["description"] = text_input(
            description, "description", max_length=10_000, multiline=True
        )
    if status is not None:
        if status not in ProgramStatus.values:
            raise InvalidInput(f"Unknown program status {status!r}.", detail={"field": "status"})
        changes["status"] = status
    if description_shared is not None:
        changes["description_shared"] = bool(description_shared)
    with transaction.atomic():
        require_manager(actor, program)
        locked = Program.objects.select_for_update().get(pk=program.pk)
        require_not_archived(locked)
        before = snapshot(locked, changes)
        for field, value in changes.items():
            setattr(locked, field, value)
        difference = diff_fields(before, changes)
        if difference:
            locked.save(update_fields=list(changes))
            record_event(
                actor=actor,
                verb="updated program",
                obj=locked,
                program=locked,
                changes=difference,
            )
    return locked


def archive_program(*, actor: Person, program: Program, archived: bool = True) -> Program:
    """An archived program stays readable by its members; its BOMs, partners and members no
    longer change (members can still be removed, to end someone's access)."""
    with transaction.atomic():
        require_manager(actor, program)
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if (locked.archived_at is not None) == archived:
            raise Conflict(f"{locked} is {'archived' if archived else 'not archived'} already.")
        locked.archived_at = timezone.now() if archived else None
        locked.save(update_fields=["archived_at"])
        record_event(
            actor=actor,
            verb="archived program" if archived else "restored program",
            obj=locked,
            program=locked,
            changes={"archived": archived},
        )
    return locked


def update_program_partner(
    *, actor: Person, program: Program, partner: ProgramPartner, responsibility: str
) -> ProgramPartner:
    responsibility = text_input(responsibility, "responsibility", max_length=200)
    with transaction.atomic():
        require_manager(actor, program)
        require_not_archived(program)
        locked = ProgramPartner.objects.select_for_update().get(pk=partner.pk, program=program)
        before = locked.responsibility
        if before == responsibility:
            return locked
        locked.responsibility = responsibility
        locked.save(update_fields=["responsibility"])
        record_event(
            actor=actor,
            verb="changed partner responsibility",
            obj=program,
            program=program,
            subject_organisation=locked.organisation,
            changes={
                "partner": locked.organisation.name,
                "responsibility": [before, responsibility],
            },
        )
    return locked


def remove_program_partner(*, actor: Person, program: Program, partner: ProgramPartner) -> int:
    """The organisation leaves the program, and so do its people: their need-to-know ends in
    the same transaction. Returns how many memberships ended."""
    with transaction.atomic():
        require_manager(actor, program)
        locked = (
            ProgramPartner.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=partner.pk, program=program)
            .first()
        )
        if locked is None:
            raise NotFound()
        members = ProgramMember.objects.filter(
            program=program, person__organisation_id=locked.organisation_id
        )
        usernames = sorted(members.values_list("person__username", flat=True))
        removed, _ = members.delete()
        locked.delete()
        record_event(
            actor=actor,
            verb="removed partner",
            obj=program,
            program=program,
            subject_organisation=locked.organisation,
            changes={"partner": locked.organisation.name, "members_removed": usernames},
        )
    forget_memoised()
    return removed
