"""Who may see which part, source and BOM. Lists are the visible set, computed in the query."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accord.core.access import get_or_404, is_person, record_restricted_read
from accord.core.choices import Classification
from accord.core.errors import Forbidden
from accord.orgs.access import member_program_ids, ndas_in_force, restricted_program_ids
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import ProgramMember
from accord.parts.choices import BomImportStatus, SourceStatus
from accord.parts.models import ApprovedSource, Bom, BomLine, ManufacturerPart, Part


def _is_seller(user: Any) -> bool:
    return user.organisation.kind in OrganisationKind.sellers()


def bom_visibility(user: Any, prefix: str = "") -> Q:
    """The condition for a BOM (reached through `prefix`) to be visible to this person.

    Sellers never see BOMs: they see only the parts they are approved for.
    """
    if not is_person(user) or _is_seller(user):
        return Q(pk__in=[])
    p = prefix
    program = f"{p}program"
    return Q(**{f"{program}__in": member_program_ids(user)}) & (
        Q(**{f"{p}classification": Classification.PROGRAM})
        | Q(
            **{
                f"{p}classification": Classification.RESTRICTED,
                f"{program}__in": restricted_program_ids(user),
            }
        )
        | Q(
            **{
                f"{p}classification": Classification.INTERNAL,
                f"{program}__owner_id": user.organisation_id,
            }
        )
    )


def boms_visible_to(user: Any) -> QuerySet[Bom]:
    if not is_person(user):
        return Bom.objects.none()
    return Bom.objects.filter(bom_visibility(user))


def get_bom_for_user(
    user: Any, pk: Any, *, write: bool = False, channel: str = "web", path: str = ""
) -> Bom:
    bom = get_or_404(boms_visible_to(user).select_related("program__owner", "assembly"), pk=pk)
    if write and not can_edit_program_boms(user, bom.program_id, bom.program.owner_id):
        raise Forbidden("Only members of the program's owner may change its BOMs.")
    if bom.classification == Classification.RESTRICTED and not write:
        record_restricted_read(
            user, bom, owner=bom.program.owner, program=bom.program, channel=channel, path=path
        )
    return bom


def can_edit_program_boms(user: Any, program_id: int, owner_id: int) -> bool:
    return (
        is_person(user)
        and user.organisation_id == owner_id
        and ProgramMember.objects.filter(program_id=program_id, person_id=user.pk).exists()
    )


def parts_visible_to(user: Any) -> QuerySet[Part]:
    """Own catalogue; parts in BOMs the person may see; for sellers, parts they are approved for.

    Another organisation's part follows its own classification too: internal parts never
    leave their owner; restricted parts need the NDA that restricted BOMs need (for program
    members: an NDA covering a program whose BOM uses the part; for sellers: an NDA in force
    with the owner).
    """
    if not is_person(user):
        return Part.objects.none()
    org = user.organisation_id
    shareable = ~Q(classification=Classification.INTERNAL)
    if _is_seller(user):
        approved_for = (
            ApprovedSource.objects.filter(part=OuterRef("pk"))
            .exclude(status=SourceStatus.REJECTED)
            .filter(Q(supplier_id=org) | Q(manufacturer_part__manufacturer__organisation_id=org))
        )
        nda_with_owner = Exists(
            ndas_in_force().filter(
                Q(party_a_id=org, party_b_id=OuterRef("owner_id"))
                | Q(party_b_id=org, party_a_id=OuterRef("owner_id"))
            )
        )
        restricted_ok = ~Q(classification=Classification.RESTRICTED) | Q(nda_with_owner)
        return Part.objects.filter(
            Q(owner_id=org) | (Q(Exists(approved_for)) & shareable & restricted_ok)
        )
    in_visible_bom = BomLine.objects.filter(part=OuterRef("pk")).filter(
        bom_visibility(user, prefix="bom__")
    )
    in_nda_program = BomLine.objects.filter(
        part=OuterRef("pk"), bom__program__in=restricted_program_ids(user)
    )
    restricted_ok = ~Q(classification=Classification.RESTRICTED) | Q(Exists(in_nda_program))
    return Part.objects.filter(
        Q(owner_id=org) | (Q(Exists(in_visible_bom)) & shareable & restricted_ok)
    )


def get_part_for_user(
    user: Any, pk: Any, *, write: bool = False, channel: str = "web", path: str = ""
) -> Part:
    part = get_or_404(parts_visible_to(user).select_related("owner", "category"), pk=pk)
    if write and part.owner_id != user.organisation_id:
        raise Forbidden("Only the part's owner may change it.")
    if part.classification == Classification.RESTRICTED and not write:
        record_restricted_read(
            user, part, owner=part.owner, program=None, channel=channel, path=path
        )
    return part


def sources_visible_to(user: Any, part: Part) -> QuerySet[ApprovedSource]:
    """A part's approved sources; a seller sees only its own lines of the AML."""
    qs = ApprovedSource.objects.filter(part=part).select_related(
        "manufacturer_part__manufacturer", "supplier"
    )
    if not is_person(user):
        return qs.none()
    if _is_seller(user) and part.owner_id != user.organisation_id:
        org = user.organisation_id
        qs = qs.filter(Q(supplier_id=org) | Q(manufacturer_part__manufacturer__organisation_id=org))
    return qs


def manufacturer_parts_visible_to(user: Any) -> QuerySet[ManufacturerPart]:
    """Catalogue parts are public facts; custom parts only to their owner and approved users."""
    if not is_person(user):
        return ManufacturerPart.objects.none()
    return ManufacturerPart.objects.filter(
        Q(owner__isnull=True)
        | Q(owner_id=user.organisation_id)
        | Q(approvals__part__in=parts_visible_to(user))
    ).distinct()


def where_used_visible_to(user: Any, part: Part) -> QuerySet[BomLine]:
    return (
        BomLine.objects.filter(part=part)
        .filter(bom_visibility(user, prefix="bom__"))
        .select_related("bom__assembly", "bom__program")
    )


def where_used_for_user(
    user: Any, part: Part, *, channel: str = "web", path: str = ""
) -> list[BomLine]:
    """Where the part is used, among the BOMs the person may see; reading the lines of another
    organisation's restricted BOM is logged, as reading the BOM itself is."""
    lines = list(
        where_used_visible_to(user, part)
        .select_related("bom__program__owner")
        .order_by("bom__assembly__number", "bom__revision", "position")
    )
    logged: set[int] = set()
    for line in lines:
        bom = line.bom
        if bom.classification == Classification.RESTRICTED and bom.pk not in logged:
            logged.add(bom.pk)
            record_restricted_read(
                user, bom, owner=bom.program.owner, program=bom.program, channel=channel, path=path
            )
    return lines


def categories_visible_to(user: Any) -> QuerySet[Any]:
    """Categories are a shared vocabulary: every person of an organisation may use them."""
    from accord.parts.models import Category

    if not is_person(user):
        return Category.objects.none()
    return Category.objects.all()


def categories_in_use(user: Any) -> QuerySet[Any]:
    """The categories of the parts this person can see, for a filter: one EXISTS per
    category (a short index probe each), not a DISTINCT over every visible part."""
    from accord.parts.models import Category

    if not is_person(user):
        return Category.objects.none()
    used = parts_visible_to(user).filter(category=OuterRef("pk"))
    return Category.objects.filter(Exists(used)).order_by("name")


def get_program_for_bom_create(user: Any, pk: Any) -> Any:
    """The program a new BOM goes into: NotFound if the person cannot see it, Forbidden unless
    they are a member from the program's owner."""
    from accord.orgs.access import get_program_for_user

    program = get_program_for_user(user, pk)
    if not can_edit_program_boms(user, program.pk, program.owner_id):
        raise Forbidden("Only members of the program's owner may create its BOMs.")
    return program


def exploded_bom_for_user(user: Any, bom: Bom, *, with_sources: bool = True) -> list[Any]:
    """The multi-level BOM as this person may read it (see queries.explode_bom).

    Without sources, a page attaches them (queries.attach_sources) to the rows it shows only.
    """
    from accord.parts.queries import attach_sources, explode_bom

    rows = explode_bom(bom, visible_boms=boms_visible_to(user))
    return attach_sources(rows) if with_sources else rows


def parameters_visible_to(user: Any, part: Part) -> QuerySet[Any]:
    """A part's parameters, for a part the caller reached through get_part_for_user."""
    from accord.parts.models import PartParameter

    if not is_person(user):
        return PartParameter.objects.none()
    return PartParameter.objects.filter(part=part)


def programs_for_bom_import(user: Any) -> QuerySet[Any]:
    """Programs this person may import BOMs into: those they are a member of, owned by their
    own organisation (the same rule as can_edit_program_boms, as one query)."""
    from accord.orgs.access import programs_visible_to

    if not is_person(user):
        return programs_visible_to(user)
    return programs_visible_to(user).filter(owner_id=user.organisation_id)


def get_program_for_bom_import(user: Any, ref: Any) -> Any:
    """A program to import into, named by id or by code: NotFound if the person cannot see it,
    Forbidden if they see it but are not a member from its owner."""
    from accord.core.errors import NotFound
    from accord.core.text import has_unstorable
    from accord.orgs.access import programs_visible_to

    text = str(ref).strip()
    if not text or has_unstorable(text):  # no program has such a code (PostgreSQL stores no NUL)
        raise NotFound()
    if text.isascii() and text.isdigit():  # "²".isdigit() is true, but it is no id
        return get_program_for_bom_create(user, int(text))
    program = programs_for_bom_import(user).filter(code=text).select_related("owner").first()
    if program is not None:
        return program
    if programs_visible_to(user).filter(code=text).exists():
        raise Forbidden("Only members of the program's owner may import its BOMs.")
    raise NotFound()


def bom_imports_visible_to(user: Any) -> QuerySet[Any]:
    """Uploaded BOM files: only their uploader sees them, only while they may still import into
    the program, and not once discarded (the file is gone)."""
    from accord.parts.models import BomImport

    if not is_person(user):
        return BomImport.objects.none()
    return BomImport.objects.filter(
        person_id=user.pk, program__in=programs_for_bom_import(user)
    ).exclude(status=BomImportStatus.DISCARDED)


def get_bom_import_for_user(user: Any, pk: Any) -> Any:
    return get_or_404(bom_imports_visible_to(user).select_related("program"), pk=pk)


def can_import_catalogue(user: Any) -> bool:
    """Parts lists feed the shared manufacturer catalogue (lifecycle, descriptions): only people
    of the organisations that own programs (OEMs) load them, never sellers or EMS."""
    return is_person(user) and user.organisation.kind == OrganisationKind.OEM


def check_catalogue_import(user: Any) -> None:
    if not can_import_catalogue(user):
        raise Forbidden("Only people of an OEM organisation can import a parts list.")


def catalogue_imports_visible_to(user: Any) -> QuerySet[Any]:
    from accord.parts.models import CatalogueImport

    if not can_import_catalogue(user):
        return CatalogueImport.objects.none()
    return CatalogueImport.objects.filter(
        person_id=user.pk, organisation_id=user.organisation_id
    ).exclude(status=BomImportStatus.DISCARDED)


def get_catalogue_import_for_user(user: Any, pk: Any) -> Any:
    return get_or_404(catalogue_imports_visible_to(user), pk=pk)


def notices_visible_to(user: Any, part: Part) -> QuerySet[Any]:
    """Lifecycle notices about the manufacturer parts of the sources the person sees on a part
    they reached through get_part_for_user. Who recorded a notice is shown only to their own
    organisation (the API and page leave it out for others)."""
    from accord.parts.models import LifecycleNotice

    if not is_person(user):
        return LifecycleNotice.objects.none()
    return (
        LifecycleNotice.objects.filter(
            manufacturer_part__in=sources_visible_to(user, part).values("manufacturer_part")
        )
        .select_related("manufacturer_part__manufacturer", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )
