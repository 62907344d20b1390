"""What a thread can be about: one entry per subject kind, registered here (audit findings add
theirs with `register_subject`).

Each entry says how to find the subjects a person may see (through the owning app's
access.py, as one queryset), how to name and link one, whether it is restricted data (then a
thread about it also needs the program under an NDA in force: orgs.access Reach.restricted),
and where its program is, when it has one (an order, a build): a thread about it belongs to
that program only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from accord.core.choices import Classification
from accord.core.errors import InvalidInput, NotFound
from accord.orgs.access import reach_of


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    label: str
    # The subjects the person may see, as one queryset (the owning app's access rule).
    visible: Callable[[Any], QuerySet[Any]]
    # A one-line name of a subject, and the page it lives on.
    name: Callable[[Any], str]
    link: Callable[[Any], str]
    # Restricted data: None never, Q() always, else the condition on the subject's model.
    restricted: Q | None = None
    # The lookup of the subject's own program ("program_id"), when it has one.
    program_field: str | None = None
    # select_related for naming many subjects at once.
    related: tuple[str, ...] = ()
    # A rule that replaces "the subject among the visible ones" (a shortage: the program's
    # planning for that part), as a condition on threads.
    thread_condition: Callable[[Any], Q] | None = None

    def condition(self, user: Any) -> Q:
        """The threads of this kind the person may see, as far as the subject goes."""
        reach = reach_of(user)
        if self.thread_condition is not None:
            seen = Q(subject_kind=self.kind) & self.thread_condition(user)
        else:
            ids = self.visible(user).order_by().values("pk")
            seen = Q(subject_kind=self.kind, subject_id__in=ids)
        if self.restricted is None:
            return seen
        under_nda = Q(program_id__in=reach.restricted)
        if not self.restricted:  # Q(): always restricted
            return seen & under_nda
        model = self.visible(user).model
        restricted_ids = model._default_manager.filter(self.restricted).values("pk")
        return seen & (~Q(subject_id__in=restricted_ids) | under_nda)

    def is_restricted(self, pk: int) -> bool:
        """Whether the subject with this id is restricted data."""
        if self.restricted is None:
            return False
        if not self.restricted:
            return True
        model = self.visible(None).model  # nobody's view: the model, no rows
        return model._default_manager.filter(self.restricted, pk=pk).exists()

    def restricted_among(self, ids: Iterable[int]) -> set[int]:
        """Which of these subjects are restricted data (one query, none when the kind is
        always or never restricted)."""
        wanted = set(ids)
        if self.restricted is None or not wanted:
            return set()
        if not self.restricted:
            return wanted
        model = self.visible(None).model
        found = model._default_manager.filter(self.restricted, pk__in=sorted(wanted))
        return set(found.values_list("pk", flat=True))


_kinds: dict[str, SubjectKind] = {}


def register_subject(entry: SubjectKind) -> SubjectKind:
    _kinds[entry.kind] = entry
    return entry


def subject_kinds() -> dict[str, SubjectKind]:
    _ensure_registered()
    return dict(_kinds)


def subject_kind(kind: str) -> SubjectKind:
    _ensure_registered()
    try:
        return _kinds[kind]
    except KeyError:
        raise InvalidInput(
            f"subject_kind: one of {', '.join(sorted(_kinds))} (got {kind!r}).",
            detail={"field": "subject_kind"},
        ) from None


def get_subject_for_user(user: Any, kind: str, pk: Any) -> Any:
    """A subject the person sees, else 404 (the kind must be known: 422)."""
    entry = subject_kind(kind)
    queryset = entry.visible(user)
    if entry.related:
        queryset = queryset.select_related(*entry.related)
    try:
        found = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound(f"No {entry.label.lower()} {pk} is visible to you.")
    return found


def names_of(user: Any, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """(name, link) of many subjects the person sees: one query per kind."""
    _ensure_registered()
    by_kind: dict[str, set[int]] = {}
    for kind, pk in refs:
        by_kind.setdefault(kind, set()).add(pk)
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for kind, ids in by_kind.items():
        entry = _kinds.get(kind)
        if entry is None:
            continue
        queryset = entry.visible(user).filter(pk__in=sorted(ids))
        if entry.related:
            queryset = queryset.select_related(*entry.related)
        for subject in queryset:
            found[(kind, subject.pk)] = (entry.name(subject), entry.link(subject))
    return found


# The kinds of issue 14 ---------------------------------------------------------------------


def _parts(user: Any) -> QuerySet[Any]:
    from accord.parts.access import parts_visible_to

    return parts_visible_to(user)


def _sources(user: Any) -> QuerySet[Any]:
    from accord.parts.access import approved_sources_visible_to

    return approved_sources_visible_to(user)


def _orders(user: Any) -> QuerySet[Any]:
    from accord.supply.access import orders_visible_to

    return orders_visible_to(user)


def _order_lines(user: Any) -> QuerySet[Any]:
    from accord.supply.access import order_lines_visible_to

    return order_lines_visible_to(user)


def _builds(user: Any) -> QuerySet[Any]:
    from accord.supply.access import builds_visible_to

    return builds_visible_to(user)


def _certificates(user: Any) -> QuerySet[Any]:
    from accord.partners.access import certificates_visible_to

    return certificates_visible_to(user)


def _findings(user: Any) -> QuerySet[Any]:
    from accord.partners.audits_access import findings_visible_to

    return findings_visible_to(user)


def _finding_name(finding: Any) -> str:
    site = finding.audit.site
    return (
        f"Finding {finding.number} ({finding.get_severity_display()}) of the audit of {site.code}"
    )


def _shortage_threads(user: Any) -> Q:
    """A part's shortage within a program: whoever sees the program's planning (members who
    see its build schedule, never sellers) and the part."""
    from accord.planning.access import programs_for_planning

    planned = programs_for_planning(user).values("pk")
    return Q(program_id__in=planned, subject_id__in=_parts(user).order_by().values("pk"))


def _part_name(part: Any) -> str:
    return f"{part.number} {part.description}".strip()


def _source_name(source: Any) -> str:
    mpn = source.manufacturer_part
    return f"{mpn.manufacturer.name} {mpn.mpn} for {source.part.number}"


def _line_name(line: Any) -> str:
    return f"PO {line.order.number} line {line.line_number} ({line.part.number})"


def _build_name(build: Any) -> str:
    return f"Build {build.reference or build.pk} of {build.assembly.number} due {build.due_date}"


def _certificate_name(certificate: Any) -> str:
    return f"{certificate.label} {certificate.number} ({certificate.site.code})"


_registered = False


def _ensure_registered() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    restricted_part = Q(classification=Classification.RESTRICTED)
    register_subject(
        SubjectKind(
            kind="part",
            label="Part",
            visible=_parts,
            name=_part_name,
            link=lambda p: reverse("part_detail", args=[p.pk]),
            restricted=restricted_part,
        )
    )
    register_subject(
        SubjectKind(
            kind="source",
            label="Approved source",
            visible=_sources,
            name=_source_name,
            link=lambda s: reverse("part_detail", args=[s.part_id]),
            restricted=Q(part__classification=Classification.RESTRICTED),
            related=("part", "manufacturer_part__manufacturer"),
        )
    )
    register_subject(
        SubjectKind(
            kind="order",
            label="Purchase order",
            visible=_orders,
            name=lambda o: f"PO {o.number}",
            link=lambda o: reverse("order_detail", args=[o.pk]),
            program_field="program_id",
        )
    )
    register_subject(
        SubjectKind(
            kind="order_line",
            label="Order line",
            visible=_order_lines,
            name=_line_name,
            link=lambda line: reverse("order_detail", args=[line.order_id]),
            program_field="order__program_id",
            related=("order", "part"),
        )
    )
    register_subject(
        SubjectKind(
            kind="build",
            label="Build",
            visible=_builds,
            name=_build_name,
            link=lambda b: reverse("build_detail", args=[b.pk]),
            restricted=Q(),
            program_field="program_id",
            related=("assembly",),
        )
    )
    register_subject(
        SubjectKind(
            kind="shortage",
            label="Shortage",
            visible=_parts,
            name=lambda p: f"Shortage of {p.number}",
            link=lambda p: reverse("part_detail", args=[p.pk]),
            restricted=Q(),
            thread_condition=_shortage_threads,
        )
    )
    register_subject(
        SubjectKind(
            kind="certificate",
            label="Certificate",
            visible=_certificates,
            name=_certificate_name,
            link=lambda c: reverse("certificate_detail", args=[c.pk]),
            related=("site",),
        )
    )
    # Audit findings are restricted data (the audit's two sides, the audited one under an
    # NDA): a thread on one needs the program's restricted data readable too.
    register_subject(
        SubjectKind(
            kind="finding",
            label="Audit finding",
            visible=_findings,
            name=_finding_name,
            link=lambda f: reverse("finding_detail", args=[f.pk]),
            restricted=Q(),
            program_field="audit__program_id",
            related=("audit", "audit__site"),
        )
    )


def subject_program_id(entry: SubjectKind, subject: Model) -> int | None:
    """The program the subject belongs to, when its kind has one."""
    if entry.program_field is None:
        return None
    value: Any = subject
    for step in entry.program_field.split("__"):
        value = getattr(value, step)
    return int(value) if value is not None else None
