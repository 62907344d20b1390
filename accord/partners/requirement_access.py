"""Who may see and keep a program's requirements, and who sees which rows of its gap view.

- Requirements: every member of the program reads them (a partner needs to know what is
  required of it); the owner's people who are members of the program add, change and retire
  them (others who see them: 403).
- Gaps: the owner's members see every partner site's rows; a partner's people who are members
  see only their own organisation's rows (a supplier never sees another partner's).
- Anyone who is not a member of the program: 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accord.core.access import get_or_404
from accord.core.errors import Forbidden, NotFound
from accord.orgs.access import get_program_for_user, programs_visible_to, reach_of
from accord.orgs.models import Program
from accord.partners.models import ProgramRequirement

MANAGE_REFUSAL = "Only the program owner's people who are members of it keep its requirements."


def can_manage_requirements(user: Any, program_id: int) -> bool:
    return program_id in reach_of(user).owned and bool(getattr(user, "is_active", False))


def requirements_visible_to(user: Any) -> QuerySet[ProgramRequirement]:
    return ProgramRequirement.objects.filter(program_id__in=reach_of(user).programs)


def get_program_for_requirements(user: Any, pk: Any, *, write: bool = False) -> Program:
    """A program the person is a member of, else 404; `write`: 403 unless its owner's."""
    program = get_program_for_user(user, pk)
    if write and not can_manage_requirements(user, program.pk):
        raise Forbidden(MANAGE_REFUSAL)
    return program


def get_program_by_code_for_requirements(user: Any, code: str) -> Program:
    """The command line's way: a program of the person's by its code (404 otherwise)."""
    found = list(programs_visible_to(user).filter(code__iexact=code.strip())[:2])
    if len(found) != 1:
        raise NotFound(f"No single program {code!r} that you are a member of.")
    return found[0]


def get_requirement_for_user(user: Any, pk: Any, *, write: bool = False) -> ProgramRequirement:
    requirement = get_or_404(
        requirements_visible_to(user).select_related("program", "program__owner"), pk=pk
    )
    if write and not can_manage_requirements(user, requirement.program_id):
        raise Forbidden(MANAGE_REFUSAL)
    return requirement


def gap_organisations(user: Any, program: Program) -> frozenset[int] | None:
    """Whose rows of the program's gap view the person sees: None for all (the owner's
    members), else their own organisation's only. The program was reached through
    get_program_for_requirements (a member)."""
    reach = reach_of(user)
    if program.pk not in reach.programs:
        return frozenset()
    if program.owner_id == reach.organisation_id:
        return None
    return frozenset({reach.organisation_id}) if reach.organisation_id else frozenset()
