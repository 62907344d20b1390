"""BOM import against the database: matching, all-or-nothing commit, revisions and diff,
remembered mappings and export/import round trips, on the real files of ../shared."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from accord.core.errors import Forbidden, InvalidInput
from accord.core.exports import to_csv_bytes, to_xlsx_bytes
from accord.core.models import Event
from accord.parts import services
from accord.parts.access import exploded_bom_for_user
from accord.parts.bom_import.preview import preview_import
from accord.parts.bom_import.request import BomImportRequest, ImportOptions
from accord.parts.choices import SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomLine,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.queries import bom_export_table
from accord.parts.tests.bom_samples import bom_files, is_placement_name, sample_bytes, sample_id

# Figures counted from each file independently of the parser (awk, csv module, openpyxl):
# lines, placements (sum of quantities on fitted lines), DNP lines.
EXPECTED = {
    "greatscottgadgets_hackrf/hackrf-one-bom.csv": (65, 300, 0),
    "greatscottgadgets_hackrf/jawbreaker-bom.csv": (115, 277, 48),
    "BerkeleyLab_Marble/Marble_BOM.csv": (133, 805, 1),
    "glasgowembedded_glasgow/revC3_bom.csv": (57, 224, 4),
    "glasgowembedded_glasgow/revC2_bom.csv": (70, 244, 5),
    "glasgowembedded_glasgow/revB_mouser_bom.txt": (34, 106, 0),
    "im-tomu_fomu-hardware/pvt1_tomu-fpga-bom.csv": (22, 38, 6),
    "im-tomu_fomu-hardware/pvt1_tomu-fpga-bom.xml": (22, 38, 6),
    "im-tomu_fomu-hardware/evt3_tomu-fpga-bom.csv": (29, 52, 7),
    "odriverobotics_ODriveHardware/BOM_v3.4_48V.csv": (41, 196, 0),
    "odriverobotics_ODriveHardware/BOM_v3.1rc.xlsx": (42, 194, 0),
    "skot_bitaxe/bitaxeUltra BOM.xlsx": (46, 87, 0),
    "opulo-inc_lumenpnp/mobo_bom_jlc.csv": (58, 234, 0),
    "opulo-inc_lumenpnp/digikey_piggyback_bom.csv": (15, 68, 0),
}

CATALOGUE_TABLES = (
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
    ApprovedSource,
    Bom,
    BomLine,
)


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in CATALOGUE_TABLES}
    counts["Event"] = Event.objects.count()
    return counts


def import_file(people, programs, data: bytes, filename: str, **kwargs) -> Bom:
    kwargs.setdefault("assembly_number", "EBX2-TEST")
    kwargs.setdefault("revision", "A")
    request = BomImportRequest(program=programs["EBX2"], data=data, filename=filename, **kwargs)
    return services.import_bom(actor=people.oem_buyer, request=request)


def dry_run(people, programs, data: bytes, filename: str, assembly: str = "EBX2-TEST"):
    """A dry run by oem_buyer into Earbuds X2."""
    return preview_import(
        BomImportRequest(
            program=programs["EBX2"],
            assembly_number=assembly,
            revision="A",
            data=data,
            filename=filename,
        )
    )


def relative(path: Path) -> str:
    return sample_id(path)


@pytest.mark.parametrize("path", bom_files(), ids=relative)
def test_every_shared_bom_previews_and_commits_or_says_why(people, programs, path):
    data = path.read_bytes()
    preview = dry_run(people, programs, data, path.name)
    if is_placement_name(path):
        assert not preview.can_commit
        assert "pick-and-place" in preview.errors[0].message
        return
    if not preview.can_commit:
        before = snapshot()
        with pytest.raises(InvalidInput):
            import_file(people, programs, data, path.name)
        assert snapshot() == before
        assert all(p.message and p.file == path.name for p in preview.errors)
        return
    bom = import_file(people, programs, data, path.name)
    lines = list(bom.lines.all())
    assert len(lines) == len(preview.plan.lines)
    if relative(path) in EXPECTED:
        n_lines, placements, dnp = EXPECTED[relative(path)]
        assert len(lines) == n_lines
        assert sum(line.quantity for line in lines if not line.dnp) == placements
        assert sum(1 for line in lines if line.dnp) == dnp
    # A second import of the same file matches every line and changes nothing but the BOM.
    again = dry_run(people, programs, data, path.name)
    assert again.plan.new_parts == 0
    assert again.plan.new_sources == 0
    assert again.plan.diff is not None and again.plan.diff.is_empty


def sample(relative_path: str) -> bytes:
    return sample_bytes(relative_path)


def test_exact_lines_of_hackrf_after_import(people, programs):
    bom = import_file(
        people, programs, sample("greatscottgadgets_hackrf/hackrf-one-bom.csv"), "hackrf.csv"
    )
    c97 = bom.lines.get(designators__contains="C97")
    assert (c97.quantity, c97.designators, c97.value) == (Decimal(3), "C97, C98, C100", "330nF")
    sources = list(
        c97.part.sources.values_list(
            "manufacturer_part__manufacturer__name", "manufacturer_part__mpn", "status"
        )
    )
    assert sources == [("Murata", "GRM155R61A334KE15D", SourceStatus.APPROVED)]
    assert c97.part.parameters.get(name="capacitance").value_number == Decimal("3.3E-7")


def test_a_file_with_errors_writes_nothing(people, programs):
    data = (
        b"Designator,Qty,Value,MPN,Manufacturer\n"
        b"R1 R2,2,10k,RC0402FR-0710KL,Yageo\n"
        b"R3,one,1k,RC0402FR-071KL,Yageo\n"
    )
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        import_file(people, programs, data, "bad-quantity.csv")
    assert refused.value.code == "import_invalid"
    assert any(problem["row"] for problem in refused.value.detail)
    assert snapshot() == before


def test_only_the_programs_owner_imports(people, programs):
    with pytest.raises(Forbidden):
        services.import_bom(
            actor=people.ems_planner,
            request=BomImportRequest(
                program=programs["EBX2"],
                assembly_number="X",
                revision="A",
                data=b"Designator,Qty,Value\nR1,1,10k\n",
                filename="x.csv",
            ),
        )


def test_manufacturer_aliases_match_existing_parts(people, programs, parts):
    data = (
        b"Designator,Qty,Manufacturer,MPN\n"
        b"U2,1,TI,TPS7A0233PDBVR\n"
        b"C1 C2,2,Murata Electronics,GRM155R61A104KA01D\n"
    )
    preview = dry_run(people, programs, data, "alias.csv")
    matched = {line.part_number: line.match for line in preview.plan.lines}
    assert matched == {"HAL-200-0002": "mpn", "HAL-100-0001": "mpn"}
    assert preview.plan.new_parts == 0


def test_alternates_are_pending_unless_approved(people, programs):
    data = (
        b"Designator,Qty,Value,Manufacturer,MPN,Manufacturer 2,MPN 2\n"
        b"U9,1,LDO,Microchip,MIC5504-3.3YMT,Texas Instruments,LP5907MFX-3.3/NOPB\n"
    )
    bom = import_file(people, programs, data, "alts.csv")
    part = bom.lines.get().part
    statuses = dict(part.sources.values_list("manufacturer_part__mpn", "status"))
    assert statuses == {"MIC5504-3.3YMT": "approved", "LP5907MFX-3.3/NOPB": "pending"}
    assert part.approved_source_count == 1
    bom2 = import_file(
        people,
        programs,
        data.replace(b"U9", b"U10"),
        "alts.csv",
        assembly_number="OTHER",
        options=ImportOptions(approve_alternates=True),
    )
    assert bom2.lines.get().part == part  # matched by MPN, sources already listed stay as they are


def test_lines_without_mpn_match_by_value_and_package(people, programs):
    first = b"Designator,Qty,Value,Footprint\nR1 R2,2,4k7,R_0402_1005Metric\nC1,1,100n,C_0603\n"
    import_file(people, programs, first, "generic.csv")
    second = b"Ref,Qty,Value,Package\nR7,1,4.7k,0402\nC3 C4,2,0.1uF,0603\nC5,1,0.1uF,0805\n"
    preview = dry_run(people, programs, second, "generic2.csv", assembly="OTHER")
    matches = [(line.match, line.part_number) for line in preview.plan.lines]
    assert matches[0] == ("value_package", "GEN-R-4.7KR-0402")
    assert matches[1] == ("value_package", "GEN-C-100NF-0603")
    assert matches[2][0] == "new"  # same value, other package: another part


def test_new_revision_shows_a_diff(people, programs):
    rev_a = (
        b"Designator,Qty,Value,Manufacturer,MPN\n"
        b"R1 R2 R3,3,10k,Yageo,RC0402FR-0710KL\n"
        b"C1,1,100n,Murata,GRM155R61A104KA01D\n"
        b"U1,1,MCU,Nordic Semiconductor,NRF5340-QKAA-R7\n"
    )
    import_file(people, programs, rev_a, "a.csv", assembly_number="DIFF-ASSY")
    rev_b = (
        b"Designator,Qty,Value,Manufacturer,MPN,Manufacturer 2,MPN 2\n"
        b"R1-R4,4,10k,Yageo,RC0402FR-0710KL,,\n"
        b"C1,1,100n,Murata,GRM155R61A104KA01D,Samsung,CL05A104KA5NNNC\n"
        b"D1,1,LED,Lite-On,LTST-C170KRKT,,\n"
    )
    preview = dry_run(people, programs, rev_b, "b.csv", assembly="DIFF-ASSY")
    diff = preview.plan.diff
    assert diff.previous_revision == "A"
    assert diff.added == ["LTST-C170KRKT"]
    assert diff.removed == ["HAL-200-0001"]
    assert diff.quantity_changed == [("HAL-100-0002", Decimal(3), Decimal(4))]
    assert diff.designators_changed == ["HAL-100-0002"]
    assert [(n, added) for n, _old, added in diff.sources_changed] == []  # Samsung already listed
    assert not diff.is_empty


def test_remembered_mapping_is_used_for_the_same_layout(people, programs):
    data = b"Refs,Count,Thing,Maker,Code\nR1,1,10k,Yageo,RC0402FR-0710KL\n"
    first = dry_run(people, programs, data, "odd.csv", assembly="MAP")
    overrides = {m.index: m.field for m in first.parsed.mappings}
    overrides.update({2: "value", 3: "manufacturer", 4: "mpn"})
    import_file(people, programs, data, "odd.csv", assembly_number="MAP", overrides=overrides)
    second = dry_run(
        people, programs, data.replace(b"R1,", b"R2,"), "odd-again.csv", assembly="MAP"
    )
    assert second.remembered_mapping
    assert {m.index: m.field for m in second.parsed.mappings}[4] == "mpn"
    assert second.plan.lines[0].match == "mpn"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_bom(people, programs, fmt):
    original = import_file(
        people, programs, sample("glasgowembedded_glasgow/revC3_bom.csv"), "revC3.csv"
    )
    headers, table = bom_export_table(exploded_bom_for_user(people.oem_buyer, original))
    data = to_csv_bytes(headers, table) if fmt == "csv" else to_xlsx_bytes(headers, table, "BOM")
    copy = import_file(people, programs, data, f"export.{fmt}", assembly_number="ROUND-TRIP")

    def lines(bom: Bom) -> list[tuple]:
        return sorted(
            (line.part.number, line.quantity, line.designators, line.dnp)
            for line in bom.lines.select_related("part")
        )

    assert lines(copy) == lines(original)


def test_exports_neutralise_formulas(people, programs):
    data = b'Designator,Qty,Value,Notes\nR1,1,=HYPERLINK("x"),@SUM(A1)\n'
    bom = import_file(people, programs, data, "inject.csv")
    headers, table = bom_export_table(exploded_bom_for_user(people.oem_buyer, bom))
    rows = list(csv.reader(io.StringIO(to_csv_bytes(headers, table).decode("utf-8-sig"))))
    value = rows[1][headers.index("Value")]
    notes = rows[1][headers.index("Notes")]
    assert value.startswith("'=") and notes.startswith("'@")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(headers, table, "BOM"))).active
    assert all(
        not str(cell.value).startswith("=")
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    )


def test_a_catalogue_that_does_not_know_a_lifecycle_keeps_the_one_recorded(people, parts):
    from accord.parts.services.catalogue_import import import_catalogue

    nrnd = ManufacturerPart.objects.get(mpn="ERJ-2RKF1002X")  # NRND in the persona world
    assert nrnd.lifecycle == "nrnd"
    data = (
        b"Manufacturer,Manufacturer Part Number,Description,Part Status\n"
        b"Panasonic Electronic Components,ERJ-2RKF1002X,RES 10K OHM 1% 1/10W 0402,\n"
        b"Yageo,RC0402FR-0710KL,RES 10K 0402,Obsolete\n"
    )
    import_catalogue(actor=people.oem_buyer, data=data, filename="list.csv")
    nrnd.refresh_from_db()
    assert nrnd.lifecycle == "nrnd"
    assert ManufacturerPart.objects.get(mpn="RC0402FR-0710KL").lifecycle == "obsolete"
    # The Yageo source of HAL-100-0002 is still pending, so the part's rollup is unchanged;
    # approving it now brings the obsolete state into the part's worst lifecycle.
    source = ApprovedSource.objects.get(
        part=parts["HAL-100-0002"], manufacturer_part__mpn="RC0402FR-0710KL"
    )
    services.set_source_status(
        actor=people.oem_buyer, source=source, status="approved", reason="qualified"
    )
    assert Part.objects.get(pk=parts["HAL-100-0002"].pk).lifecycle == "obsolete"
