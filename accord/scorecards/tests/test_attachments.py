"""Files on scorecard comments (a corrective-action plan), on October of test_cards.py: what is
accepted and refused, the names they are stored under, and who uploads and downloads them
through the pages, the API and the command (the other side's download is in the owner's
access log; anyone else gets 404)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.errors import Forbidden, InvalidInput, TooLarge
from accord.core.models import AccessLogEntry, Event
from accord.scorecards.attachments import AttachedFile, read_upload, safe_filename
from accord.scorecards.models import CardComment, CommentAttachment
from accord.scorecards.services import attach_files, comment_on_month, compute_cards
from accord.scorecards.tests.test_cards import AS_OF, OCT, october  # noqa: F401
from accord.web.tests.helpers import text

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)


def office(member: str, *extra: str) -> bytes:
    """A minimal Office Open XML package holding `member` (and `extra` parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in (member, *extra):
            archive.writestr(name, "<x/>")
    return out.getvalue()


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Action", "Owner", "Due"])
    sheet.append(["Second plating shift", "Sunridge QA", "2026-11-30"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def card(october):  # noqa: F811
    compute_cards(october["template"], as_of=AS_OF)
    return october


def card_path(card: dict[str, Any]) -> str:
    return f"/scorecards/{card['template'].pk}/{card['sunridge'].pk}/"


def reads_of(owner: Any) -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(owner=owner)
        .order_by("id")
        .values_list("reader__username", "channel", "object_type")
    )


# What is accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("plan.PDF", PDF, "application/pdf"),
        (
            "8D report.docx",
            office("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "actions.xlsx",
            None,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("bent leads.png", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
        ("notes.txt", "Galvanik: zweite Schicht ab 2.11. – Müller\n".encode(), "text/plain"),
        ("lots.csv", b"lot,qty\nA1,100\n", "text/csv"),
    ],
)
def test_accepted_kinds_are_stored_with_their_own_content_type(name, data, content_type):
    checked = AttachedFile.checked(workbook() if data is None else data, name)
    assert checked.content_type == content_type
    assert checked.filename == name.replace(".PDF", ".pdf")


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("plan.pdf", b"MZ\x90\x00 a Windows program", "is not a PDF file"),
        ("plan.docx", PDF, "is not a Word document"),
        ("plan.xlsx", office("word/document.xml"), "is not an Excel workbook"),
        ("macros.xlsx", office("xl/workbook.xml", "xl/vbaProject.bin"), "is not an Excel workbook"),
        ("plan.exe", b"MZ\x90\x00", "attach a file of one of these kinds"),
        ("page.html", b"<script>alert(1)</script>", "attach a file of one of these kinds"),
        ("drawing.svg", b"<svg onload='alert(1)'/>", "attach a file of one of these kinds"),
        ("no extension", PDF, "attach a file of one of these kinds"),
        ("binary.txt", b"text\x00with a NUL", "is not a text file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, data, why):
    with pytest.raises(InvalidInput, match=why):
        AttachedFile.checked(data, name)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(settings):
    settings.MAX_SCORECARD_ATTACHMENT_MB = 1
    big = PDF + bytes(1024 * 1024)
    with pytest.raises(TooLarge, match="larger than 1 MB"):
        AttachedFile.checked(big, "plan.pdf")

    class Unread(SimpleUploadedFile):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("read although too large")

    with pytest.raises(TooLarge):
        read_upload(Unread("plan.pdf", big, "application/pdf"))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/plan.pdf", "plan.pdf"),
        ("C:\\Users\\qa\\Desktop\\plan.pdf", "plan.pdf"),
        ("plan\u202efdp.exe.pdf", "planfdp.exe.pdf"),  # no right-to-left override
        ("line\r\nbreak\t.pdf", "linebreak.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "abcdefgh.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("   .pdf", "attachment.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(given, stored):
    assert safe_filename(given)[0] == stored


# Pages ----------------------------------------------------------------------------------------


def test_the_supplier_posts_its_plan_with_files_and_the_buyer_downloads_them(
    card, client_for, orgs
):
    rep = client_for("supplier_rep")
    response = rep.post(
        f"{card_path(card)}comments/",
        {
            "month": "2026-10",
            "text": "8D: plating bath contaminated; second shift and daily titration.",
            "corrective_action": "on",
            "attachments": [
                SimpleUploadedFile("8D plan.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("actions.xlsx", workbook(), "application/octet-stream"),
            ],
        },
        follow=True,
    )
    assert "is on the card with 2 files" in text(response)
    comment = CardComment.objects.get()
    files = {a.filename: a for a in CommentAttachment.objects.filter(comment=comment)}
    assert set(files) == {"8D plan.pdf", "actions.xlsx"}
    assert files["8D plan.pdf"].size == len(PDF)
    page = client_for("oem_buyer").get(card_path(card))
    url = f"{card_path(card)}attachments/{files['8D plan.pdf'].pk}/"
    assert url in page.content.decode()
    assert "8D plan.pdf" in text(page)
    assert reads_of(orgs["sunridge"]) == []  # seeing the names is not reading the file

    download = client_for("oem_buyer").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="8D plan.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert reads_of(orgs["sunridge"]) == [("oem_buyer", "web", "scorecards.commentattachment")]
    # The supplier's own file: no entry; the planner does not see the card; another card's
    # address does not reach it.
    assert client_for("supplier_rep").get(url).status_code == 200
    assert client_for("ems_planner").get(url).status_code == 404
    other_card = f"/scorecards/{card['template'].pk}/{orgs['meridian'].pk}/"
    elsewhere = f"{other_card}attachments/{files['actions.xlsx'].pk}/"
    assert client_for("oem_buyer").get(elsewhere).status_code == 404
    assert reads_of(orgs["sunridge"]) == [("oem_buyer", "web", "scorecards.commentattachment")]
    event = Event.objects.filter(verb="attached files to scorecard comment").get()
    assert [f["name"] for f in event.changes["files"]] == ["8D plan.pdf", "actions.xlsx"]
    assert event.subject_organisation == orgs["halcyon"]


def test_a_refused_file_leaves_no_comment_either(card, client_for):
    response = client_for("supplier_rep").post(
        f"{card_path(card)}comments/",
        {
            "month": "2026-10",
            "text": "Our plan is attached.",
            "corrective_action": "on",
            "attachments": [
                SimpleUploadedFile("plan.pdf", PDF),
                SimpleUploadedFile("plan.pdf.exe", b"MZ\x90\x00"),
            ],
        },
        follow=True,
    )
    assert "attach a file of one of these kinds" in text(response)
    assert not CardComment.objects.exists() and not CommentAttachment.objects.exists()


def test_the_file_input_is_on_the_card_page(card, client_for):
    page = client_for("supplier_rep").get(card_path(card)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="attachments"' in page and "multiple" in page


# Services ----------------------------------------------------------------------------------


def test_only_the_comments_own_side_attaches_and_at_most_five_files(card, people, orgs):
    comment = comment_on_month(
        actor=people.supplier_rep,
        template=card["template"],
        rated_id=orgs["sunridge"].pk,
        month=OCT,
        text="Plan to follow.",
        corrective_action=True,
    )
    pdf = AttachedFile.checked(PDF, "plan.pdf")
    with pytest.raises(Forbidden):
        attach_files(actor=people.oem_buyer, comment=comment, files=[pdf])
    attach_files(actor=people.supplier_rep, comment=comment, files=[pdf] * 4)
    with pytest.raises(InvalidInput, match="at most 5 files"):
        attach_files(actor=people.supplier_rep, comment=comment, files=[pdf, pdf])
    attach_files(actor=people.supplier_rep, comment=comment, files=[pdf])
    assert CommentAttachment.objects.filter(comment=comment).count() == 5


# API ---------------------------------------------------------------------------------------


def test_the_api_attaches_lists_and_serves_files(card, people, orgs):
    rep = token_client(people.supplier_rep)[0]
    base = f"{API}/scorecards/{card['template'].pk}/{orgs['sunridge'].pk}"
    made = send(
        rep,
        "POST",
        f"{base}/comments",
        {"month": "2026-10", "text": "Corrective action: see the file.", "corrective_action": True},
    ).json()
    assert made["attachments"] == []
    attach = f"{base}/comments/{made['id']}/attachments"
    answer = rep.post(attach, {"file": SimpleUploadedFile("8D.pdf", PDF)})
    assert answer.status_code == 201, answer.content
    [shown] = answer.json()["attachments"]
    assert (shown["filename"], shown["content_type"], shown["size"]) == (
        "8D.pdf",
        "application/pdf",
        len(PDF),
    )
    refused = rep.post(attach, {"file": SimpleUploadedFile("8D.pdf", b"<html>")})
    assert_error(refused, 422, "invalid")
    buyer = token_client(people.oem_buyer)[0]
    # The buyer sees the supplier's comment but does not add to its word; the planner sees
    # no card at all.
    assert_error(buyer.post(attach, {"file": SimpleUploadedFile("x.pdf", PDF)}), 403, "forbidden")
    planner = token_client(people.ems_planner)[0]
    assert_error(planner.post(attach, {"file": SimpleUploadedFile("x.pdf", PDF)}), 404, "not_found")
    [listed] = send(buyer, "GET", f"{base}/comments").json()["results"]
    assert [a["filename"] for a in listed["attachments"]] == ["8D.pdf"]
    file_url = f"{base}/attachments/{shown['id']}"
    download = buyer.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert reads_of(orgs["sunridge"]) == [("oem_buyer", "api", "scorecards.commentattachment")]
    assert_error(planner.get(file_url), 404, "not_found")
    assert CommentAttachment.objects.count() == 1


def test_the_api_refuses_a_file_past_the_limit_with_413(card, people, orgs, settings):
    settings.MAX_SCORECARD_ATTACHMENT_MB = 1
    comment = comment_on_month(
        actor=people.supplier_rep,
        template=card["template"],
        rated_id=orgs["sunridge"].pk,
        month=OCT,
        text="Plan.",
    )
    rep = token_client(people.supplier_rep)[0]
    url = f"{API}/scorecards/{card['template'].pk}/{orgs['sunridge'].pk}/comments/{comment.pk}"
    big = SimpleUploadedFile("plan.pdf", PDF + bytes(1024 * 1024))
    assert_error(rep.post(f"{url}/attachments", {"file": big}), 413, "too_large")
    assert not CommentAttachment.objects.exists()


# Command -----------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scorecards", *args, stdout=out)
    return out.getvalue()


def test_the_command_comments_with_a_file_lists_and_downloads_it(card, orgs, tmp_path):
    plan = tmp_path / "8D plan.pdf"
    plan.write_bytes(PDF)
    said = run(
        "--card",
        "halcyon",
        "--month",
        "2026-10",
        "--comment",
        "Second shift at the plating line.",
        "--corrective-action",
        "--attach",
        str(plan),
        "--as",
        "supplier_rep",
    )
    assert "is on the card with 1 file(s)" in said
    comment = CardComment.objects.get()
    assert comment.corrective_action and comment.organisation == orgs["sunridge"]
    [attachment] = CommentAttachment.objects.all()
    [listed] = json.loads(
        run("--card", "Sunr", "--comments", "--format", "json", "--as", "oem_buyer")
    )
    assert listed["attachments"] == [
        {"id": attachment.pk, "filename": "8D plan.pdf", "size": len(PDF)}
    ]
    saved = tmp_path / "downloaded.pdf"
    said = run("--download", str(attachment.pk), "--output", str(saved), "--as", "oem_buyer")
    assert saved.read_bytes() == PDF and "Saved 8D plan.pdf" in said
    assert reads_of(orgs["sunridge"]) == [("oem_buyer", "cli", "scorecards.commentattachment")]
    with pytest.raises(CommandError, match="exists already"):
        run("--download", str(attachment.pk), "--output", str(saved), "--as", "oem_buyer")
    with pytest.raises(CommandError, match="404"):
        run("--download", str(attachment.pk), "--output", str(tmp_path), "--as", "ems_planner")
    # Files are added to one's own side's comment only; a wrong file is refused whole.
    with pytest.raises(CommandError, match="403"):
        run(
            "--card",
            "sunridge",
            "--attach",
            str(plan),
            "--to-comment",
            str(comment.pk),
            "--as",
            "oem_buyer",
        )
    bad = tmp_path / "plan.docx"
    bad.write_bytes(PDF)
    with pytest.raises(CommandError, match="is not a Word document"):
        run(
            "--card",
            "halcyon",
            "--month",
            "2026-10",
            "--comment",
            "Another.",
            "--attach",
            str(bad),
            "--as",
            "supplier_rep",
        )
    assert CardComment.objects.count() == 1
    with pytest.raises(CommandError, match="No card of 'meridian'"):
        run("--card", "meridian", "--comments", "--as", "supplier_rep")
