"""Uploads in the background, as the person sees them: the parts list imported (and, when
large, previewed) by the task worker with its progress, the warning when no worker runs,
"My imports", and uploads that expire."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accord.core.models import Event, WorkerHeartbeat
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.choices import BomImportStatus
from accord.parts.models import BomImport, CatalogueImport, ManufacturerPart, Part
from accord.parts.services import queue_bom_import, stage_bom_import
from accord.parts.services.catalogue_staging import stage_catalogue_import
from accord.parts.services.imports import prune_import_uploads
from accord.web.tests.helpers import table, text

PARTS = b"Manufacturer,MPN,Description,Category,Lifecycle,Capacitance\n" + b"".join(
    f"Backco,BACK{i:04d},Capacitor {i},Capacitors,Active,{i}nF\n".encode() for i in range(40)
)
BOM = b"Designator,Qty,Value,Manufacturer,MPN\nR1 R2,2,10k,Yageo,RC0402FR-0710KL\n"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def upload_parts(client: Any, data: bytes = PARTS, name: str = "caps.csv") -> CatalogueImport:
    response = client.post(reverse("catalogue_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content[:2000]
    return CatalogueImport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def stage_bom(people: Any, programs: Any, **kwargs: Any) -> BomImport:
    return stage_bom_import(
        actor=people.oem_buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number=kwargs.pop("assembly_number", "BG-ASSY"),
            revision="A",
            data=BOM,
            filename=kwargs.pop("filename", "bg.csv"),
        ),
    )


def age(row: Any, days: float) -> None:
    type(row).objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_a_large_parts_list_is_previewed_then_imported_by_the_worker(
    client_for, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("accord.parts.services.catalogue_staging.INLINE_PREVIEW_MAX_BYTES", 100)
    client = client_for("oem_buyer")
    before = (ManufacturerPart.objects.count(), Part.objects.count())
    with django_capture_on_commit_callbacks(execute=False) as preview_tasks:
        staged = upload_parts(client)
    assert staged.status == BomImportStatus.CHECKING and staged.preview is None
    url = reverse("catalogue_import_preview", args=[staged.pk])
    progress_url = reverse("catalogue_import_progress", args=[staged.pk])
    page = client.get(url)
    assert "Checking caps.csv" in text(page) and "Nothing has been written yet." in text(page)
    assert f'hx-get="{progress_url}"' in page.content.decode()
    assert client.get(progress_url, headers={"HX-Request": "true"}).status_code == 200
    for task in preview_tasks:  # the worker computes the dry run (inline in the tests)
        task()
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.PREVIEWED
    preview: Any = staged.preview
    assert (preview["parts_created"], preview["problem_count"]) == (40, 0)
    done = client.get(progress_url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == url
    words = text(client.get(url))
    assert "Parts read 40" in words and "Manufacturer parts to add 40" in words
    assert (ManufacturerPart.objects.count(), Part.objects.count()) == before
    with django_capture_on_commit_callbacks(execute=False) as import_tasks:
        assert client.post(reverse("catalogue_import_confirm", args=[staged.pk]))["Location"] == url
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.QUEUED
    assert "Importing caps.csv" in text(client.get(url))
    for task in import_tasks:
        task()
    staged.refresh_from_db()
    result: Any = staged.result
    assert staged.status == BomImportStatus.COMMITTED and result["parts_created"] == 40
    assert (ManufacturerPart.objects.count(), Part.objects.count()) == (
        before[0] + 40,
        before[1] + 40,
    )
    assert client.get(progress_url)["Location"] == reverse("part_list")


def test_a_parts_list_the_worker_cannot_import_says_why(
    client_for, people, django_capture_on_commit_callbacks
):
    client = client_for("oem_buyer")
    staged = upload_parts(client, data=b"Designator,Qty\nR1,1\n", name="bom.csv")
    page = client.get(reverse("catalogue_import_preview", args=[staged.pk]))
    assert page.status_code == 422 and "Nothing can be imported from this file." in text(page)
    before = ManufacturerPart.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("catalogue_import_confirm", args=[staged.pk]))
    staged.refresh_from_db()
    assert staged.status == BomImportStatus.FAILED
    error: Any = staged.error
    assert error["code"] == "catalogue_invalid"
    assert ManufacturerPart.objects.count() == before
    words = text(client.get(reverse("catalogue_import_preview", args=[staged.pk])))
    assert "The import failed and nothing was written:" in words


def test_pages_say_when_no_worker_runs_and_stop_saying_it_when_one_does(
    client_for, people, programs, settings
):
    settings.TASKS = DATABASE_TASKS  # jobs wait in the database for `accord worker`
    staged = stage_bom(people, programs)
    queue_bom_import(actor=people.oem_buyer, staged=staged, lines=1)
    client = client_for("oem_buyer")
    progress_url = reverse("bom_import_progress", args=[staged.pk])
    poll = text(client.get(progress_url, headers={"HX-Request": "true"}))
    assert "The background worker is not running" in poll
    assert "Queued (1 lines): waiting for the background worker to start." in poll
    # A worker that stopped beating a while ago does not count.
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="old", host="h", pid=1, started_at=now, last_seen_at=now - dt.timedelta(hours=1)
    )
    assert "not running" in text(client.get(progress_url, headers={"HX-Request": "true"}))
    WorkerHeartbeat.objects.create(
        worker_id="alive", host="h", pid=2, started_at=now, last_seen_at=now
    )
    assert "not running" not in text(client.get(progress_url, headers={"HX-Request": "true"}))
    # With the immediate backend (no worker at all), nothing waits and nothing is said.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    WorkerHeartbeat.objects.all().delete()
    assert "not running" not in text(client.get(progress_url, headers={"HX-Request": "true"}))


def test_a_queued_import_is_one_transaction_with_its_task(people, programs, settings):
    """With the database backend the task row is written with the queued state, or neither."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    staged = stage_bom(people, programs)
    before = DBTaskResult.objects.count()
    queue_bom_import(actor=people.oem_buyer, staged=staged, lines=1)
    assert DBTaskResult.objects.count() == before + 1
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert task.task_path == "accord.parts.tasks.commit_staged_bom_import"
    assert task.args_kwargs["args"] == [staged.pk]


def test_my_imports_lists_ones_own_unfinished_uploads(client_for, people, programs):
    bom = stage_bom(people, programs, filename="mine.csv")
    parts = stage_catalogue_import(actor=people.oem_buyer, data=PARTS, filename="caps.csv")
    done = stage_bom(people, programs, filename="done.csv", assembly_number="DONE")
    BomImport.objects.filter(pk=done.pk).update(status=BomImportStatus.COMMITTED)
    old = stage_bom(people, programs, filename="old.csv", assembly_number="OLD")
    age(old, 8)
    page = client_for("oem_buyer").get(reverse("my_imports"))
    assert page.status_code == 200
    rows = {row[0]: row for row in table(page, "Your unfinished uploads, newest first")}
    assert set(rows) == {"mine.csv", "caps.csv", "old.csv"}
    assert rows["mine.csv"][1:4] == ["BOM", "Earbuds X2: BG-ASSY rev A", "Previewed"]
    assert rows["caps.csv"][1:4] == ["Parts list", "Your organisation's parts", "Previewed"]
    assert rows["old.csv"][3] == "Expired" and "Resume" not in rows["old.csv"][5]
    assert rows["mine.csv"][5] == "Resume Discard"
    html = page.content.decode()
    assert reverse("bom_import_preview", args=[bom.pk]) in html
    assert reverse("catalogue_import_discard", args=[parts.pk]) in html
    # Nobody else sees them: not a colleague, not a partner.
    for persona in ("oem_engineer", "ems_planner", "outsider"):
        other = client_for(persona).get(reverse("my_imports"))
        assert "You have no unfinished uploads." in text(other), persona


def test_an_expired_upload_is_not_resumed_and_the_sweep_discards_it(client_for, people, programs):
    staged = stage_bom(people, programs)
    parts = stage_catalogue_import(actor=people.oem_buyer, data=PARTS, filename="caps.csv")
    fresh = stage_bom(people, programs, filename="fresh.csv", assembly_number="FRESH")
    age(staged, 7.5)
    age(parts, 7.5)
    client = client_for("oem_buyer")
    refused = client.post(reverse("bom_import_confirm", args=[staged.pk]))
    assert refused.status_code == 410 and "has expired" in text(refused)
    assert not Part.objects.filter(number="BG-ASSY").exists()
    assert "This upload has expired" in text(
        client.get(reverse("bom_import_preview", args=[staged.pk]))
    )
    assert client.post(reverse("catalogue_import_confirm", args=[parts.pk])).status_code == 410
    assert "This upload has expired" in text(
        client.get(reverse("catalogue_import_preview", args=[parts.pk]))
    )
    out = io.StringIO()
    call_command("prune_import_uploads", stdout=out)
    assert "Discarded 2 expired upload(s)." in out.getvalue()
    for row in (staged, parts):
        row.refresh_from_db()
        assert (row.status, bytes(row.data)) == (BomImportStatus.DISCARDED, b"")
    fresh.refresh_from_db()
    assert fresh.status == BomImportStatus.PREVIEWED
    event = Event.objects.get(verb="discarded expired uploads")
    assert (event.changes["bom_files"], event.changes["parts_lists"]) == (1, 1)
    # Again: nothing to do, nothing logged.
    call_command("prune_import_uploads", stdout=io.StringIO())
    assert Event.objects.filter(verb="discarded expired uploads").count() == 1
    assert client.get(reverse("bom_import_preview", args=[staged.pk])).status_code == 404


def test_the_sweep_keeps_uploads_for_at_least_an_hour(db):
    from accord.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        prune_import_uploads(actor=None, older_than=dt.timedelta(minutes=5))
