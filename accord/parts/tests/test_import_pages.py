"""The import pages through HTTP: upload, preview (mapping, problems, diff, the BOM as
understood), change the mapping, confirm or discard; long imports in the background; parts
lists. Nothing but the staging row is written before the confirmation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.core.models import Event
from accord.parts import services
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.choices import BomImportStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomImport,
    BomLine,
    CatalogueImport,
    ColumnMappingMemory,
    Manufacturer,
    ManufacturerPart,
    Part,
    PartParameter,
)
from accord.parts.tests.bom_samples import CPL, make_xlsx, sample_bytes
from accord.web.tests.helpers import table, text

ODD = b"Refs,Count,Thing,Maker,Code\nR1,1,10k,Yageo,RC0402FR-0710KL\n"
WITH_ERRORS = (
    b"Designator,Qty,Value,MPN,Manufacturer\n"
    b"R1 R2,2,10k,RC0402FR-0710KL,Yageo\n"
    b"R2,1,1k,RC0402FR-071KL,Yageo\n"
    b"R5,x,1k,RC0402FR-071KL,Yageo\n"
)
CATALOGUE = (Manufacturer, ManufacturerPart, Part, PartParameter, ApprovedSource, Bom, BomLine)


def catalogue_counts() -> dict[str, int]:
    """Every table an import writes (the staging rows and the event log apart)."""
    return {model.__name__: model.objects.count() for model in CATALOGUE}


def upload(client: Any, program: Any, data: bytes, filename: str, **fields: Any) -> Any:
    form = {
        "program": program.pk,
        "assembly_number": "PAGE-ASSY",
        "revision": "A",
        "file": SimpleUploadedFile(filename, data),
        **fields,
    }
    return client.post(reverse("bom_import"), form)


def staged_from(response: Any) -> BomImport:
    assert response.status_code == 302, response.content[:2000]
    return BomImport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def mapping(response: Any) -> dict[str, list[str]]:
    """Header -> [column, header, select text, confidence badge, reason]."""
    return {row[1]: row for row in table(response, "Columns of the file")}


def selected(response: Any, index: int) -> str:
    html = response.content.decode()
    start = html.index(f'name="col_{index}"')
    chunk = html[start : html.index("</select>", start)]
    return chunk.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0]


def test_upload_page_offers_the_programs_one_may_import_into(client_for, programs):
    page = client_for("oem_buyer").get(reverse("bom_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and "data-dropzone" in html
    assert f'value="{programs["EBX2"].pk}"' in html and f'value="{programs["PHRM"].pk}"' in html
    assert f'value="{programs["RVC"].pk}"' not in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style
    planner = client_for("ems_planner").get(reverse("bom_import"))
    assert planner.status_code == 200
    assert "you have none" in text(planner) and '<form method="post" enctype' not in (
        planner.content.decode()
    )
    # Someone who may not import into a program is refused, and nothing is written.
    before = BomImport.objects.count()
    refused = upload(client_for("ems_planner"), programs["EBX2"], ODD, "odd.csv")
    assert refused.status_code == 403  # a member of EBX2, but not from its owner
    assert upload(client_for("oem_buyer"), programs["RVC"], ODD, "odd.csv").status_code == 404
    assert BomImport.objects.count() == before


def test_upload_preview_confirm_writes_the_bom(client_for, programs):
    client = client_for("oem_buyer")
    data = sample_bytes("greatscottgadgets_hackrf/hackrf-one-bom.csv")
    before, events = catalogue_counts(), Event.objects.count()
    staged = staged_from(upload(client, programs["EBX2"], data, "hackrf-one-bom.csv"))
    assert (staged.person.username, staged.status, bytes(staged.data)) == (
        "oem_buyer",
        BomImportStatus.PREVIEWED,
        data,
    )
    assert Event.objects.filter(verb="uploaded BOM file").count() == 1
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    assert page.status_code == 200
    columns = mapping(page)
    assert columns["Qty"][3] == "100% high"
    assert columns["Part Number"][3] == "90% high"
    assert "Manufacturer part number" in columns["Part Number"][2]
    assert columns["LibPart"][3] == "Not imported"
    words = text(page)
    assert "Lines 65" in words and "New parts 64" in words and "Errors 0" in words
    lines = table(page, "Lines of PAGE-ASSY rev A")
    assert len(lines) == 65
    c97 = next(row for row in lines if "C97" in row[1])
    assert c97[2] == "3" and c97[3].startswith("330nF") and "330 nF" in c97[3]
    assert "Murata GRM155R61A334KE15D" in c97[5] and c97[6] == "New part"
    # Previewing wrote nothing but the staging row and its event.
    assert catalogue_counts() == before
    assert Event.objects.count() == events + 1
    confirmed = client.post(reverse("bom_import_confirm", args=[staged.pk]))
    bom = Bom.objects.get(program=programs["EBX2"], assembly__number="PAGE-ASSY")
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse(
        "bom_detail", args=[bom.pk]
    )
    assert bom.lines.count() == 65 and bom.source_filename == "hackrf-one-bom.csv"
    staged.refresh_from_db()
    assert (staged.status, staged.bom_id) == (BomImportStatus.COMMITTED, bom.pk)
    landing = client.get(confirmed["Location"])
    assert "Imported hackrf-one-bom.csv: 65 lines into PAGE-ASSY rev A." in text(landing)
    # The staging row now leads to the BOM, and cannot be confirmed twice.
    assert client.get(reverse("bom_import_preview", args=[staged.pk]))["Location"] == (
        reverse("bom_detail", args=[bom.pk])
    )
    again = client.post(reverse("bom_import_confirm", args=[staged.pk]))
    assert (
        again.status_code == 302 and Bom.objects.filter(assembly__number="PAGE-ASSY").count() == 1
    )


def test_problems_are_listed_with_row_and_column_and_block_the_confirm(client_for, programs):
    client = client_for("oem_buyer")
    staged = staged_from(upload(client, programs["EBX2"], WITH_ERRORS, "dup.csv", strict="on"))
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    problems = table(page, "Problems, errors first")
    assert problems[0][:5] == ["Error", "dup.csv", "", "3", "Designator (A)"]
    assert "R2 appears in row 2 and again in row 3" in problems[0][5]
    assert ["Error", "dup.csv", "", "4", "Qty (B)", "Quantity 'x' is not a number."] in problems
    html = page.content.decode()
    assert 'id="line-2" class="has-error"' in html  # the line of row 3, highlighted
    assert '<a href="#problem-1">⚠ row 3</a>' in html
    assert '<a href="#line-2">3</a>' in html  # and the problem links back to it
    assert "disabled aria-describedby" in html
    before, staged_count = catalogue_counts(), BomImport.objects.count()
    refused = client.post(reverse("bom_import_confirm", args=[staged.pk]))
    assert refused.status_code == 422
    assert "Nothing was imported: the file still has 2 errors" in text(refused)
    assert table(refused, "Problems, errors first")[0][3] == "3"
    assert catalogue_counts() == before and BomImport.objects.count() == staged_count
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.PREVIEWED


def test_a_new_revision_shows_the_diff_against_the_previous_one(client_for, people, programs):
    rev_a = (
        b"Designator,Qty,Value,Manufacturer,MPN\n"
        b"R1 R2 R3,3,10k,Yageo,RC0402FR-0710KL\n"
        b"C1,1,100n,Murata,GRM155R61A104KA01D\n"
        b"U1,1,MCU,Nordic Semiconductor,NRF5340-QKAA-R7\n"
    )
    services.import_bom(
        actor=people.oem_buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number="DIFF-PAGE",
            revision="A",
            data=rev_a,
            filename="a.csv",
        ),
    )
    rev_b = (
        b"Designator,Qty,Value,Manufacturer,MPN\n"
        b"R1-R4,4,10k,Yageo,RC0402FR-0710KL\n"
        b"C1,1,100n,Murata,GRM155R61A104KA01D\n"
        b"D1,1,LED,Lite-On,LTST-C170KRKT\n"
    )
    client = client_for("oem_buyer")
    staged = staged_from(
        upload(client, programs["EBX2"], rev_b, "b.csv", assembly_number="DIFF-PAGE", revision="B")
    )
    words = text(client.get(reverse("bom_import_preview", args=[staged.pk])))
    assert "Changes against rev A" in words
    assert "Lines added (1) LTST-C170KRKT" in words
    assert "Lines removed (1) HAL-200-0001" in words
    assert "Quantity changed (1) HAL-100-0002: 3 → 4" in words
    assert "Designators changed (1) HAL-100-0002" in words
    by_designator = table(
        client.get(reverse("bom_import_preview", args=[staged.pk])), "By designator"
    )
    assert ["D1", "added", "—", "LTST-C170KRKT LED LTST-C170KRKT"] in by_designator
    assert ["U1", "removed", "HAL-200-0001 MCU NRF5340-QKAA-R7", "—"] in by_designator
    # The same revision again is an error before anything is written.
    again = staged_from(
        upload(client, programs["EBX2"], rev_b, "b.csv", assembly_number="DIFF-PAGE")
    )
    page = client.get(reverse("bom_import_preview", args=[again.pk]))
    assert "DIFF-PAGE rev A already exists in Earbuds X2" in text(page)
    assert client.post(reverse("bom_import_confirm", args=[again.pk])).status_code == 422


def test_a_changed_mapping_is_remembered_for_the_same_header(client_for, programs):
    client = client_for("oem_buyer")
    staged = staged_from(upload(client, programs["EBX2"], ODD, "odd.csv", assembly_number="MAP"))
    url = reverse("bom_import_preview", args=[staged.pk])
    page = client.get(url)
    assert mapping(page)["Code"][3] == "Not imported" and selected(page, 4) == "-"
    shown = {
        f"shown_{i}": f for i, f in enumerate(["designators", "quantity", "-", "manufacturer", "-"])
    }
    changed = client.post(
        url,
        {
            **shown,
            **{f"col_{i[6:]}": f for i, f in shown.items()},
            "col_2": "value",
            "col_4": "mpn",
        },
    )
    assert changed.status_code == 302
    staged.refresh_from_db()
    assert staged.overrides == {"2": "value", "4": "mpn"} and staged.options["mapping_chosen"]
    page = client.get(url)
    assert mapping(page)["Code"][3] == "Your choice" and selected(page, 4) == "mpn"
    assert table(page, "Lines of MAP")[0][6] == "MPN"  # now matched to the Yageo part
    # Nothing is remembered before the import is confirmed.
    assert not ColumnMappingMemory.objects.exists()
    assert client.post(reverse("bom_import_confirm", args=[staged.pk])).status_code == 302
    assert ColumnMappingMemory.objects.count() == 1
    second = staged_from(
        upload(client, programs["EBX2"], ODD.replace(b"R1,", b"R9,"), "odd-2.csv", revision="B")
    )
    page = client.get(reverse("bom_import_preview", args=[second.pk]))
    assert "earlier choices for files with this header layout were applied" in text(page)
    assert selected(page, 4) == "mpn" and selected(page, 2) == "value"
    # Choosing a field for one column takes it from the column that had it.
    post = {
        f"col_{i}": f
        for i, f in enumerate(["designators", "quantity", "value", "manufacturer", "mpn"])
    }
    post |= {f"shown_{i[4:]}": f for i, f in post.items()}
    post["col_2"] = "mpn"
    assert client.post(reverse("bom_import_preview", args=[second.pk]), post).status_code == 302
    second.refresh_from_db()
    assert second.overrides == {"2": "mpn"}
    twice = {**post, "col_2": "notes", "col_3": "notes"}
    refused = client.post(reverse("bom_import_preview", args=[second.pk]), twice)
    assert refused.status_code == 422
    assert "Notes was chosen for more than one column" in text(refused)


def test_a_workbook_offers_its_sheets(client_for, programs):
    data = make_xlsx(
        {
            "Notes": [["Board X"], ["Rev B"]],
            "BOM": [["Ref", "Qty", "Value"], ["R1 R2", 2, "10k"]],
            "Spare": [["Designator", "Quantity", "Value"], ["C1", 1, "100n"]],
        }
    )
    client = client_for("oem_buyer")
    staged = staged_from(upload(client, programs["EBX2"], data, "board.xlsx"))
    url = reverse("bom_import_preview", args=[staged.pk])
    html = client.get(url).content.decode()
    assert '<option value="BOM" selected>BOM</option>' in html
    assert '<option value="Spare">Spare</option>' in html
    assert client.post(url, {"sheet": "Spare", "shown_sheet": "BOM"}).status_code == 302
    staged.refresh_from_db()
    assert staged.sheet == "Spare"
    lines = table(client.get(url), "Lines of PAGE-ASSY")
    assert [row[1] for row in lines] == ["C1"]


def test_discard_drops_the_file(client_for, programs):
    client = client_for("oem_buyer")
    staged = staged_from(upload(client, programs["EBX2"], ODD, "odd.csv"))
    before = catalogue_counts()
    response = client.post(reverse("bom_import_discard", args=[staged.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("bom_import")
    staged.refresh_from_db()
    assert (staged.status, bytes(staged.data)) == (BomImportStatus.DISCARDED, b"")
    assert client.get(reverse("bom_import_preview", args=[staged.pk])).status_code == 404
    assert catalogue_counts() == before


@pytest.mark.parametrize(
    "persona", ["oem_engineer", "ems_planner", "other_oem_user", "supplier_rep", "outsider"]
)
def test_only_the_uploader_sees_an_upload(client_for, programs, persona):
    staged = staged_from(upload(client_for("oem_buyer"), programs["EBX2"], ODD, "odd.csv"))
    client = client_for(persona)
    before, events = catalogue_counts(), Event.objects.count()
    for name in ("bom_import_preview", "bom_import_progress"):
        assert client.get(reverse(name, args=[staged.pk])).status_code == 404
    for name in ("bom_import_preview", "bom_import_confirm", "bom_import_discard"):
        assert client.post(reverse(name, args=[staged.pk]), {"col_0": "notes"}).status_code == 404
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.PREVIEWED
    assert (catalogue_counts(), Event.objects.count()) == (before, events)


@pytest.mark.parametrize(
    ("data", "filename", "status", "message"),
    [
        (bytes(range(256)) * 64, "junk.csv", 422, "not a text"),
        (b"", "empty.csv", 422, "The file is empty."),
        (b"Designator,Qty\nR1,\x001\n", "nul.csv", 422, ""),
        (b"Designator,Qty\n" + b"R1,1\n" * 100_200, "long.csv", 413, "the limit is 100,000"),
    ],
    ids=["random-bytes", "empty", "nul-byte", "too-many-rows"],
)
def test_hostile_files_are_refused_before_staging(
    client_for, programs, data, filename, status, message
):
    before, staged = catalogue_counts(), BomImport.objects.count()
    response = upload(client_for("oem_buyer"), programs["EBX2"], data, filename)
    assert response.status_code == status
    words = text(response)
    assert message in words and "up to 20 MB, 100,000 rows" in words
    assert "Nothing was written." in words
    assert (catalogue_counts(), BomImport.objects.count()) == (before, staged)


def test_a_long_bom_is_imported_in_the_background(
    client_for, programs, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("accord.parts.views.imports.SYNC_IMPORT_MAX_LINES", 10)
    client = client_for("oem_buyer")
    data = sample_bytes("greatscottgadgets_hackrf/hackrf-one-bom.csv")
    staged = staged_from(upload(client, programs["EBX2"], data, "hackrf.csv"))
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    assert "imported in the background" in text(page)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("bom_import_confirm", args=[staged.pk]))
    assert response["Location"] == reverse("bom_import_preview", args=[staged.pk])
    staged.refresh_from_db()
    assert (staged.status, staged.options["lines"]) == (BomImportStatus.QUEUED, 65)
    assert not Bom.objects.filter(assembly__number="PAGE-ASSY").exists()
    # While queued, the page shows the progress block that polls the status.
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    html = page.content.decode()
    progress_url = reverse("bom_import_progress", args=[staged.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 2s"' in html
    assert "Queued (65 lines): waiting for the background worker" in text(page)
    poll = client.get(progress_url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and 'id="import-progress"' in poll.content.decode()
    assert client.post(reverse("bom_import_confirm", args=[staged.pk])).status_code == 302
    for callback in callbacks:  # the task runs (immediate backend in the test settings)
        callback()
    staged.refresh_from_db()
    bom = Bom.objects.get(assembly__number="PAGE-ASSY")
    assert (staged.status, staged.bom_id, bom.lines.count()) == (
        BomImportStatus.COMMITTED,
        bom.pk,
        65,
    )
    done = client.get(progress_url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == reverse("bom_detail", args=[bom.pk])
    assert client.get(progress_url)["Location"] == reverse("bom_detail", args=[bom.pk])


def test_a_background_import_that_fails_says_why(
    client_for, people, programs, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("accord.parts.views.imports.SYNC_IMPORT_MAX_LINES", 0)
    client = client_for("oem_buyer")
    staged = staged_from(upload(client, programs["EBX2"], ODD, "odd.csv"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("bom_import_confirm", args=[staged.pk]))
    # Someone imports the same revision before the worker starts.
    services.import_bom(
        actor=people.oem_engineer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number="PAGE-ASSY",
            revision="A",
            data=ODD,
            filename="first.csv",
        ),
    )
    before = catalogue_counts()
    for callback in callbacks:
        callback()
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.FAILED
    assert (staged.error or {}).get("code") == "conflict"
    assert catalogue_counts() == before
    poll = client.get(
        reverse("bom_import_progress", args=[staged.pk]), headers={"HX-Request": "true"}
    )
    assert poll["HX-Redirect"] == reverse("bom_import_preview", args=[staged.pk])
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    assert "The import failed and nothing was written: PAGE-ASSY rev A already exists" in text(page)


# Parts lists -------------------------------------------------------------------------------


def test_catalogue_import_previews_then_imports_once(
    client_for, django_capture_on_commit_callbacks
):
    if not CPL.is_file():
        pytest.skip("the CPL sample is not available")
    client = client_for("oem_buyer")
    page = client.get(reverse("catalogue_import"))
    assert page.status_code == 200 and "data-dropzone" in page.content.decode()
    before = catalogue_counts()
    response = client.post(
        reverse("catalogue_import"), {"file": SimpleUploadedFile(CPL.name, CPL.read_bytes())}
    )
    assert response.status_code == 302
    staged = CatalogueImport.objects.get()
    preview = client.get(response["Location"])
    words = text(preview)
    assert "Layout recognised Octopart Common Parts Library (CPL)" in words
    assert "Parts read 748" in words
    would = {
        label: int(re.search(rf"{label} (\d+)", words).group(1))
        for label in ("Manufacturer parts to add", "Parts to create", "Approved sources to create")
    }
    assert would["Parts to create"] > 400
    assert table(preview, "Rows skipped or read with a problem")[0][0] == CPL.name
    assert catalogue_counts() == before  # the dry run wrote nothing
    # The import runs in the task worker (inline in the tests), after the confirm's commit.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("catalogue_import_confirm", args=[staged.pk]))
    assert done.status_code == 302
    assert done["Location"] == reverse("catalogue_import_preview", args=[staged.pk])
    finished = client.get(reverse("catalogue_import_progress", args=[staged.pk]))
    assert finished.status_code == 302 and finished["Location"] == reverse("part_list")
    added = would["Manufacturer parts to add"]
    assert f"{added} manufacturer parts added" in text(client.get(finished["Location"]))
    after = catalogue_counts()
    assert after["ManufacturerPart"] - before["ManufacturerPart"] == added
    assert after["Part"] - before["Part"] == would["Parts to create"]
    assert after["ApprovedSource"] - before["ApprovedSource"] == would["Approved sources to create"]
    # The same list again: the preview says it would change nothing, and it does not.
    again = client.post(
        reverse("catalogue_import"), {"file": SimpleUploadedFile(CPL.name, CPL.read_bytes())}
    )
    assert "importing it would change nothing" in text(client.get(again["Location"]))
    second = CatalogueImport.objects.exclude(pk=staged.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("catalogue_import_confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == BomImportStatus.COMMITTED
    assert catalogue_counts() == after


def test_catalogue_import_is_for_oem_people(client_for):
    assert client_for("ems_planner").get(reverse("catalogue_import")).status_code == 403
    assert client_for("supplier_rep").post(reverse("catalogue_import"), {}).status_code == 403
    refused = client_for("oem_buyer").post(
        reverse("catalogue_import"), {"file": SimpleUploadedFile("x.csv", b"\x00\x01" * 500)}
    )
    assert refused.status_code == 422 and "Nothing was written." in text(refused)
    assert not CatalogueImport.objects.exists()


def test_the_preview_offers_strict_designators_and_counting_designators(client_for, programs):
    client = client_for("oem_buyer")
    data = b"Designator,Qty,Value\nC1 C2 C3,4,100n\nC3,1,1u\n"
    staged = staged_from(upload(client, programs["EBX2"], data, "options.csv"))
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    problems = table(page, "Problems, errors first")
    assert [p[0] for p in problems] == ["Warning", "Warning"]  # duplicate C3, quantity 4 for 3
    assert any("the file's quantity was kept" in p[5] for p in problems)
    shown = {f"shown_{i}": "" for i in range(3)}
    changed = client.post(
        reverse("bom_import_preview", args=[staged.pk]),
        {"strict": "on", "count_designators": "on", **shown},
    )
    assert changed.status_code == 302
    staged.refresh_from_db()
    assert (staged.options["strict"], staged.options["count_designators"]) == (True, True)
    page = client.get(reverse("bom_import_preview", args=[staged.pk]))
    problems = table(page, "Problems, errors first")
    assert problems[0][0] == "Error" and "Strict mode refuses" in problems[0][5]
    lines = table(page, "Lines")
    assert lines[0][2] == "3"  # counted from C1 C2 C3, as chosen
    assert 'id="strict" name="strict" checked' in page.content.decode()
