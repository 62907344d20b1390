"""Schemas of the parts and BOM endpoints."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from accord.api.schemas import (
    Id,
    InputSchema,
    LongText,
    OrgRef,
    ProgramRef,
    Quantity,
    Text,
    WholeNumber,
    omittable,
)
from accord.core.choices import Classification
from accord.parts.choices import (
    BomStatus,
    Lifecycle,
    MaterialResponsibility,
    SourceStatus,
    Sourcing,
)
from accord.parts.models import ApprovedSource
from accord.parts.queries import PART_SORTS

PartSort = Literal[
    "number",
    "-number",
    "description",
    "-description",
    "category",
    "-category",
    "lifecycle",
    "-lifecycle",
    "sources",
    "-sources",
    "updated",
    "-updated",
]
# The sorts filter_parts knows; this fails at import if the two lists drift apart.
assert set(get_args(PartSort)) == set(PART_SORTS), "PartSort must list queries.PART_SORTS"

MAX_BOM_LINES = 20_000


def _split_designators(value: str) -> list[str]:
    return [d.strip() for d in value.split(",") if d.strip()]


# Parts -----------------------------------------------------------------------------------------


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str


class ListedSourceOut(BaseModel):
    manufacturer: str
    mpn: str


class ValueOut(BaseModel):
    quantity: str = Field(description="resistance (and impedance), capacitance, inductance, "
                          "frequency, voltage or current")  # fmt: skip
    value: Quantity = Field(description="Exact, in SI units (ohm, farad, henry, hertz, volt, "
                            "ampere): 0.1 µF is \"0.0000001\".")  # fmt: skip
    unit: str


class PartOut(BaseModel):
    """A part, read from the rows of access.parts_visible_to: a plain pydantic model, so that a
    page of parts is serialised in pydantic's compiled core (no per-field Python getter).
    api.parts.show_listing sets the shown_* attributes it reads besides the part's own."""

    # The roll-ups as the caller may see them (visible_*: annotated on every visible part).
    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)

    id: int
    number: str
    revision: str
    description: str
    category: CategoryOut | None
    value: str
    package: str
    values: list[ValueOut] = Field(
        validation_alias="shown_values",
        description="The values read from `value`, else from the description: what a search by "
        "value (10k, 0.1uF, 10 kΩ) matches.",
    )
    preferred_source: ListedSourceOut | None = Field(
        validation_alias="shown_preferred_source",
        description="The approved source ranked first (among those the caller may see).",
    )
    other_approved_sources: int = Field(
        validation_alias="shown_other_approved_sources",
        description="Approved sources besides the preferred one (that the caller may see).",
    )
    is_assembly: bool
    classification: str
    lifecycle: str = Field(
        validation_alias="visible_lifecycle",
        description="Worst lifecycle among the approved sources (for a supplier or "
        "distributor: among its own approved lines).",
    )
    approved_source_count: int = Field(
        validation_alias="visible_source_count",
        description="Approved sources (for a supplier or distributor: its own approved lines).",
    )
    owner: OrgRef
    updated_at: dt.datetime


class ParameterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    value_text: str
    value_number: Quantity | None
    unit: str


class SourceOut(Schema):
    """A line of the approved manufacturer list, with the manufacturer part's facts."""

    id: int
    manufacturer_part_id: int
    manufacturer: str
    mpn: str
    rank: int
    status: str
    lifecycle: str
    last_time_buy_date: dt.date | None
    end_of_life_date: dt.date | None
    rohs: str
    reach: str
    lead_time_weeks: int | None
    supplier: OrgRef | None
    supplier_part_number: str
    approved_at: dt.datetime | None
    notes: str

    @staticmethod
    def resolve_manufacturer(obj: ApprovedSource) -> str:
        return obj.manufacturer_part.manufacturer.name

    @staticmethod
    def resolve_mpn(obj: ApprovedSource) -> str:
        return obj.manufacturer_part.mpn

    @staticmethod
    def resolve_lifecycle(obj: ApprovedSource) -> str:
        return obj.manufacturer_part.lifecycle

    @staticmethod
    def resolve_last_time_buy_date(obj: ApprovedSource) -> dt.date | None:
        return obj.manufacturer_part.last_time_buy_date

    @staticmethod
    def resolve_end_of_life_date(obj: ApprovedSource) -> dt.date | None:
        return obj.manufacturer_part.end_of_life_date

    @staticmethod
    def resolve_rohs(obj: ApprovedSource) -> str:
        return obj.manufacturer_part.rohs

    @staticmethod
    def resolve_reach(obj: ApprovedSource) -> str:
        return obj.manufacturer_part.reach

    @staticmethod
    def resolve_lead_time_weeks(obj: ApprovedSource) -> int | None:
        return obj.manufacturer_part.lead_time_weeks


class WhereUsedOut(Schema):
    """A line of a BOM the caller may see that uses the part (access.WhereUsed)."""

    bom_id: int
    program: ProgramRef
    assembly_id: int
    assembly_number: str
    revision: str
    position: int
    quantity: Quantity
    designators: list[str]
    dnp: bool

    @staticmethod
    def resolve_program(obj: Any) -> dict[str, Any]:
        return {"id": obj.program_id, "code": obj.program_code, "name": obj.program_name}

    @staticmethod
    def resolve_designators(obj: Any) -> list[str]:
        return _split_designators(obj.designators)


class PartDetail(PartOut):
    """Read from a part of access.get_part_for_user with what the caller may see around it
    set on it as shown_parameters, shown_sources and shown_where_used (api.parts.part_detail)."""

    created_at: dt.datetime
    lead_time_weeks: int | None = Field(
        None, description="An assembly's build time; a bought part's purchasing lead time."
    )
    parameters: list[ParameterOut] = Field(validation_alias="shown_parameters")
    sources: list[SourceOut] = Field(validation_alias="shown_sources")
    where_used: list[WhereUsedOut] = Field(validation_alias="shown_where_used")


class PartQuery(InputSchema):
    q: Text = Field(
        "",
        max_length=200,
        description="Words of the number, description, value, package, manufacturer or MPN; "
        "every word must match. A value matches however it is written: 10k, 10K, 10 kΩ and 10000 "
        "find the same resistors, 100n and 0.1uF the same capacitors (100nF: capacitors only).",
    )
    category: Text = Field("", max_length=120, description="A category slug.")
    lifecycle: Lifecycle = omittable()
    sourcing: Sourcing = omittable(description="Number of approved sources.")
    sort: PartSort = "number"


class PartIn(InputSchema):
    number: Text = Field(min_length=1, max_length=80)
    revision: Text = Field("", max_length=20)
    description: Text = Field("", max_length=500)
    category: Text | None = Field(None, max_length=120, description="A category slug.")
    value: Text = Field("", max_length=120)
    package: Text = Field("", max_length=120)
    classification: Classification = Classification.PROGRAM
    is_assembly: StrictBool = False


class PartPatch(InputSchema):
    """Only the fields sent change; null is refused except for category (a slug, or null to
    clear it). Derived fields (lifecycle, approved_source_count, owner, dates) cannot be set:
    sending one answers 422, naming it."""

    number: Text = omittable(min_length=1, max_length=80)
    revision: Text = omittable(max_length=20)
    description: Text = omittable(max_length=500)
    category: Text | None = Field(None, max_length=120)
    value: Text = omittable(max_length=120)
    package: Text = omittable(max_length=120)
    classification: Classification = omittable()
    is_assembly: StrictBool = omittable()
    lead_time_weeks: WholeNumber | None = Field(
        None,
        ge=0,
        le=104,
        description="An assembly's build time (its components are needed this much earlier); "
        "a bought part's purchasing lead time. Null clears it.",
    )


class SourceIn(InputSchema):
    manufacturer: Text = Field(min_length=1, max_length=200)
    mpn: Text = Field(min_length=1, max_length=120)
    rank: WholeNumber | None = Field(None, ge=1, le=32767)
    status: SourceStatus = SourceStatus.PENDING
    supplier_id: Id | None = None
    supplier_part_number: Text = Field("", max_length=80)
    notes: Text = Field("", max_length=500)


class SourcePatch(InputSchema):
    status: SourceStatus
    reason: LongText = Field(
        "",
        max_length=1000,
        description="Why: required to approve or reject (kept in the part's history).",
    )


class LifecycleNoticeIn(InputSchema):
    source_id: Id = Field(description="The approved-source line whose manufacturer part it is.")
    lifecycle: Lifecycle
    last_time_buy_date: dt.date | None = Field(None, description="Required for ltb.")
    end_of_life_date: dt.date | None = None
    reference: Text = Field(
        "", max_length=300, description="Where the notice comes from: PCN number, URL, letter."
    )


class LifecycleNoticeOut(Schema):
    id: int
    manufacturer: str
    mpn: str
    lifecycle: str
    last_time_buy_date: dt.date | None
    end_of_life_date: dt.date | None
    reference: str
    recorded_at: dt.datetime
    recorded_by: str | None = Field(description="Shown for notices of your own organisation.")

    @staticmethod
    def resolve_manufacturer(obj: Any) -> str:
        return str(obj.manufacturer_part.manufacturer.name)

    @staticmethod
    def resolve_mpn(obj: Any) -> str:
        return str(obj.manufacturer_part.mpn)

    @staticmethod
    def resolve_recorded_by(obj: Any, context: Any) -> str | None:
        user = context["request"].user
        if obj.organisation_id != user.organisation_id or obj.recorded_by is None:
            return None
        return str(obj.recorded_by)


class BomStatusIn(InputSchema):
    status: BomStatus
    reason: LongText = Field("", max_length=2000)


# BOMs ------------------------------------------------------------------------------------------


class PartRef(Schema):
    id: int
    number: str
    description: str


class BomOut(Schema):
    id: int
    program: ProgramRef
    assembly: PartRef
    revision: str
    status: str
    classification: str
    line_count: int
    created_at: dt.datetime


# The lines of a BOM are many: plain pydantic models read straight from the explosion's rows
# (queries.BomRow, SourceRow) in pydantic's compiled core, without ninja's per-field Python
# getter (which made serialising a page of lines slower than computing it).
class BomSourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    manufacturer: str
    mpn: str
    rank: int
    status: str
    lifecycle: str
    last_time_buy_date: dt.date | None
    rohs: str
    reach: str
    supplier: str


class BomLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: int = Field(description="0 for the lines of this BOM, 1 for a sub-assembly's...")
    path: str = Field(description="Item numbers from the top, e.g. 1.3")
    line_id: int
    bom_id: int
    part_id: int
    part_number: str
    description: str
    quantity_per: Quantity
    extended_quantity: Quantity
    designators: list[str]
    designator_count: int
    dnp: bool = Field(description="true when none of the line's designators is fitted")
    dnp_designators: list[str] = Field(
        description="The line's designators that are not fitted: all of them on a DNP line, "
        "some on a partly fitted one"
    )
    material_responsibility: str
    value: str
    footprint: str
    notes: str
    is_assembly: bool
    child_bom_id: int | None
    flags: list[str]
    sources: list[BomSourceOut]

    @field_validator("designators", mode="before")
    @classmethod
    def split_designators(cls, value: Any) -> Any:
        return _split_designators(value) if isinstance(value, str) else value

    @field_validator("dnp_designators", mode="before")
    @classmethod
    def split_dnp_designators(cls, value: Any) -> Any:
        return _split_designators(value) if isinstance(value, str) else value


class BomSummaryOut(Schema):
    lines: int
    top_level_lines: int
    unique_parts: int
    dual_sourced_pct: float
    single_source_lines: int
    no_source_lines: int
    lifecycle_risk_lines: int
    dnp_lines: int
    partial_dnp_lines: int = Field(description="Lines with some, not all, designators not fitted")
    placements: Quantity = Field(description="Fitted parts per assembly, over every level")
    dnp_placements: Quantity = Field(description="Not-fitted designators, over every level")
    levels: int


class BomDetail(BomOut):
    """The header and the summary of every level. The lines are paged at lines_url
    (GET /boms/{id}/lines); the whole explosion at once is the export (GET /boms/{id}/export)."""

    notes: str
    source_filename: str
    summary: BomSummaryOut
    lines_url: str = Field(description="The lines of every level, a page at a time.")


class BomQuery(InputSchema):
    program: Id = omittable()


class ExportQuery(InputSchema):
    format: Literal["csv", "xlsx"] = "csv"


Designator = Annotated[Text, Field(min_length=1, max_length=50)]


class BomLineIn(InputSchema):
    part_id: Id
    quantity: Decimal = Field(ge=0, max_digits=14, decimal_places=4)
    designators: list[Designator] = Field(default_factory=list, max_length=10_000)
    dnp: StrictBool = False
    dnp_designators: list[Designator] = Field(
        default_factory=list,
        max_length=10_000,
        description="Designators of this line that are not fitted (each one of designators); "
        "with dnp true, all of them are",
    )
    material_responsibility: MaterialResponsibility = MaterialResponsibility.TURNKEY
    value: Text = Field("", max_length=120)
    footprint: Text = Field("", max_length=200)
    notes: Text = Field("", max_length=500)


class BomIn(InputSchema):
    program_id: Id
    assembly_id: Id = Field(description="The part this BOM builds, owned by the program's owner.")
    revision: Text = Field(min_length=1, max_length=20)
    classification: Classification = Classification.RESTRICTED
    status: BomStatus = BomStatus.DRAFT
    notes: LongText = Field("", max_length=10_000)
    lines: list[BomLineIn] = Field(max_length=MAX_BOM_LINES)
