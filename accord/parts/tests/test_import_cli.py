"""`accord import-bom` and `accord import-catalogue`: the preview on the terminal, dry runs
that write nothing, commits, exit codes, and the hyphenated names of the console."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord import cli
from accord.parts.models import Bom, BomImport, ManufacturerPart, Part
from accord.parts.tests.bom_samples import CPL, OWN_BOMS_DIR
from accord.parts.tests.test_bom_import import snapshot

HACKRF = OWN_BOMS_DIR / "greatscottgadgets_hackrf" / "hackrf-one-bom.csv"


def run(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bom_args(path: Path, *extra: str, assembly: str = "CLI-ASSY", revision: str = "A") -> list:
    if not path.is_file():
        pytest.skip(f"{path.name} is not available")
    return [
        "import_bom",
        str(path),
        "--program",
        "EBX2",
        "--assembly",
        assembly,
        "--revision",
        revision,
        "--as",
        "oem_buyer",
        *extra,
    ]


def test_dry_run_prints_the_preview_and_writes_nothing(db):
    before = snapshot()
    out, err = run(*bom_args(HACKRF, "--dry-run"))
    assert out.splitlines()[0] == "hackrf-one-bom.csv -> EBX2 CLI-ASSY rev A, header on row 1"
    assert "    9  Part Number -> mpn (90%)" in out
    assert "    4  LibPart -> not imported" in out
    assert "Problems: 0 errors, 0 warnings" in out
    assert (
        "Summary: 65 lines, 64 new parts, 64 new sources; matched by part number 0, by MPN 1" in out
    )
    assert "Dry run: nothing was written." in err
    assert snapshot() == before and not BomImport.objects.exists()


def test_commit_imports_then_a_new_revision_shows_its_diff(db, tmp_path):
    out, _ = run(*bom_args(HACKRF))
    bom = Bom.objects.get(assembly__number="CLI-ASSY")
    assert (
        out.splitlines()[-1]
        == f"Imported hackrf-one-bom.csv: BOM {bom.pk}, EBX2 CLI-ASSY rev A, 65 lines."
    )
    rev_b = tmp_path / "rev-b.csv"
    lines = HACKRF.read_text().splitlines()
    rev_b.write_text("\n".join(lines[:-1]) + "\n")  # the last line removed
    out, _ = run(*bom_args(rev_b, "--dry-run", revision="B"))
    assert "Changes against rev A:" in out
    removed = next(line for line in out.splitlines() if line.startswith("  removed: "))
    assert removed != "  removed: none"
    assert "  added: none" in out


def test_errors_are_listed_with_row_and_column_and_exit_1(db, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_bytes(
        b"Designator,Qty,Value,MPN,Manufacturer\n"
        b"R1 R2,2,10k,RC0402FR-0710KL,Yageo\n"
        b"R2,1,1k,RC0402FR-071KL,Yageo\n"
    )
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError, match="1 error\\(s\\) to fix first; nothing was imported"):
        call_command(*bom_args(path), "--strict", stdout=out, stderr=StringIO())
    assert (
        "  error: Designator R2 appears in row 2 and again in row 3. Strict mode refuses a "
        "designator on two rows. (dup.csv, row 3, column Designator (A))" in out.getvalue()
    )
    assert snapshot() == before


def test_json_output_and_refusals(db, tmp_path):
    out, _ = run(*bom_args(HACKRF, "--dry-run", "--json"))
    body = json.loads(out)
    assert (body["dry_run"], body["can_commit"], body["summary"]["lines"]) == (True, True, 65)
    out, _ = run(*bom_args(HACKRF, "--json"))
    created = json.loads(out)
    assert created["lines"] == 65 and Bom.objects.filter(pk=created["id"]).exists()
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 64)
    before = snapshot()
    with pytest.raises(CommandError, match="up to 20 MB, 100,000 rows"):
        run(*bom_args(junk, revision="B"))
    with pytest.raises(CommandError, match="No active person"):
        run(
            "import_bom",
            str(HACKRF),
            "--program",
            "EBX2",
            "--assembly",
            "X",
            "--revision",
            "A",
            "--as",
            "nobody",
        )
    with pytest.raises(CommandError, match="Only members of the program's owner"):
        run(
            "import_bom",
            str(HACKRF),
            "--program",
            "EBX2",
            "--assembly",
            "X",
            "--revision",
            "A",
            "--as",
            "ems_planner",
        )
    assert snapshot() == before


def test_the_console_takes_hyphenated_names(db, capsys, monkeypatch):
    if not HACKRF.is_file():
        pytest.skip("hackrf sample is not available")
    # Django closes every connection after a command run from the command line; here that
    # would be the test's own connection, inside its transaction (PostgreSQL refuses reuse).
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    args = bom_args(HACKRF, "--dry-run")[1:]
    assert cli.main(["import-bom", *args]) == 0
    assert "Summary: 65 lines" in capsys.readouterr().out
    assert not Part.objects.filter(number="CLI-ASSY").exists()
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["import-bom", *args[:1], "--program", "NOPE", *args[3:]])
    assert exit_code.value.code == 1


def test_catalogue_dry_run_commit_and_again(db):
    if not CPL.is_file():
        pytest.skip("the CPL sample is not available")
    before = ManufacturerPart.objects.count()
    out, err = run("import_catalogue", str(CPL), "--as", "oem_buyer", "--dry-run")
    assert out.startswith(f"Would import {CPL.name} (cpl layout, 748 parts):")
    assert "Rows skipped or with problems: 51" in out and "Dry run" in err
    assert ManufacturerPart.objects.count() == before
    out, _ = run("import_catalogue", str(CPL), "--as", "oem_buyer", "--json")
    first = json.loads(out)
    assert (
        first["changed"]
        and ManufacturerPart.objects.count() == before + first["manufacturer_parts_created"]
    )
    out, _ = run("import_catalogue", str(CPL), "--as", "oem_buyer")
    assert "The catalogue already held everything: nothing changed." in out
    assert ManufacturerPart.objects.count() == before + first["manufacturer_parts_created"]
    with pytest.raises(CommandError, match="Only people of an OEM"):
        run("import_catalogue", str(CPL), "--as", "ems_planner")


SHARED_MPN = "Designator,Qty,Manufacturer,MPN\nR1,1,{maker},CLI-SHARED-10K\n"


def test_a_commit_after_the_catalogue_changed_exits_1_with_the_reason(
    db, tmp_path, monkeypatch, capsys
):
    """The preview says the file can be imported; between the preview and the commit another
    import makes its MPN a second maker's (really, in the database): the console prints why,
    with row and column, exits 1 and writes nothing."""
    from accord.parts.management.commands import import_bom

    acme, bolt = tmp_path / "acme.csv", tmp_path / "bolt.csv"
    acme.write_text(SHARED_MPN.format(maker="Acme Passives"))
    bolt.write_text(SHARED_MPN.format(maker="Bolt Components"))
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("Designator,Qty,MPN\nR1,1,CLI-SHARED-10K\n")
    run(*bom_args(acme, assembly="CLI-ACME"))
    commit = import_bom.commit

    def another_import_first(actor: Any, request: Any) -> Any:
        monkeypatch.setattr(import_bom, "commit", commit)  # once
        run(*bom_args(bolt, assembly="CLI-BOLT"))
        return commit(actor, request)

    monkeypatch.setattr(import_bom, "commit", another_import_first)
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    before_boms = Bom.objects.count()
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["import-bom", *bom_args(unnamed)[1:]])
    assert exit_code.value.code == 1
    out, err = capsys.readouterr()
    assert "Problems: 0 errors" in out
    assert "The preview above could be imported; the import was refused" in out
    assert (
        "  error: MPN CLI-SHARED-10K is made by Acme Passives and Bolt Components in the "
        "catalogue" in out
    )
    assert "row 2, column MPN (C))" in out
    assert "The file has 1 problem(s) to fix before it can be imported." in err
    assert Bom.objects.count() == before_boms + 1  # Bolt's only
    assert not Bom.objects.filter(assembly__number="CLI-ASSY").exists()


def test_a_commit_whose_matched_part_vanished_exits_1(db, tmp_path, monkeypatch):
    """The matched part is deleted between the commit's dry run and its write: the refusal's
    message, exit status 1 (CommandError), nothing written."""
    from accord.parts.services import bom_write

    path = tmp_path / "race.csv"
    path.write_text("Designator,Qty,Manufacturer,MPN\nU1,1,Racecorp,CLI-RACE-1\n")
    run(*bom_args(path, assembly="CLI-GONE"))
    write = bom_write.write_bom_import

    def delete_the_part_first(prepared: Any, **kwargs: Any) -> Any:
        Bom.objects.filter(assembly__number="CLI-GONE").delete()
        Part.objects.filter(number="CLI-RACE-1").delete()
        return write(prepared, **kwargs)

    monkeypatch.setattr(bom_write, "write_bom_import", delete_the_part_first)
    out = StringIO()
    with pytest.raises(CommandError, match=r"^Line 1: its part was deleted or renumbered since"):
        call_command(*bom_args(path), stdout=out, stderr=StringIO())
    assert "The preview above could be imported; the import was refused" in out.getvalue()
    assert not Part.objects.filter(number__in=["CLI-ASSY", "CLI-RACE-1"]).exists()
