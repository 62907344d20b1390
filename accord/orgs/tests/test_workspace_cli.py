"""The workspace from the command line: `accord people|organisations|programs|ndas|boms|parts`,
acting as a person whose access applies exactly as in the pages."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.orgs import services
from accord.orgs.models import Nda, Organisation, Person, Program
from accord.parts.models import ApprovedSource, Bom, Part


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_people_from_the_command_line(people: Any) -> None:
    added = run(
        "people", "add", "--as", "oem_buyer", "--username", "sam", "--email", "sam@h.example"
    )
    assert "added: sam" in added
    link = re.search(r"link: (http://127\.0\.0\.1:8000/join/\S+/)", added)
    assert link, added
    sam = Person.objects.get(username="sam")
    assert sam.organisation == people.oem_buyer.organisation and not sam.has_usable_password()
    secret = link.group(1).rsplit("/", 2)[-2]
    services.accept_invitation(secret=secret, password="a long enough passphrase")
    invited = json.loads(
        run("people", "invite", "--as", "oem_buyer", "--email", "kim@h.example", "--json")
    )
    assert invited["email"] == "kim@h.example" and "/join/" in invited["link"]
    run("people", "edit", "sam", "--as", "oem_buyer", "--title", "Buyer", "--admin", "yes")
    sam.refresh_from_db()
    assert sam.title == "Buyer" and sam.is_org_admin
    assert "Deactivated sam" in run("people", "deactivate", "sam", "--as", "oem_buyer")
    listing = json.loads(run("people", "list", "--as", "oem_buyer", "--json"))
    assert {"username": "sam", "active": False}.items() <= next(
        p for p in listing if p["username"] == "sam"
    ).items()
    # A non-administrator is refused with the reason, and another organisation's person is
    # as absent as anything else one may not see.
    with pytest.raises(CommandError, match="Only an administrator"):
        run("people", "deactivate", "oem_buyer", "--as", "oem_engineer")
    with pytest.raises(CommandError, match="Not found"):
        run("people", "deactivate", "ems_quality", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="No active person"):
        run("people", "list", "--as", "sam")


def test_a_workspace_built_from_the_command_line(people: Any, tmp_path: Any) -> None:
    created = run(
        "organisations",
        "create-partner",
        "Tanjung Assembly",
        "--kind",
        "ems",
        "--as",
        "oem_buyer",
        "--admin-username",
        "farah",
        "--admin-email",
        "farah@tanjung.example",
    )
    assert "created: Tanjung Assembly" in created and "/join/" in created
    tanjung = Organisation.objects.get(name="Tanjung Assembly")
    assert "Created WTCH" in run("programs", "create", "WTCH", "Watch", "--as", "oem_buyer")
    run(
        "programs",
        "add-partner",
        "WTCH",
        tanjung.slug,
        "--as",
        "oem_buyer",
        "--responsibility",
        "EMS",
    )
    farah = Person.objects.get(username="farah")
    run("programs", "add-member", "WTCH", "farah", "--as", "oem_buyer")
    program = Program.objects.get(code="WTCH")
    assert program.members.filter(person=farah).exists()
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    registered = run(
        "ndas",
        "register",
        "NDA-HAL-TJG",
        tanjung.slug,
        "--as",
        "oem_buyer",
        "--effective",
        "2026-01-01",
        "--program",
        "WTCH",
        "--document",
        str(pdf),
    )
    assert "Registered NDA-HAL-TJG" in registered
    nda = Nda.objects.get(reference="NDA-HAL-TJG")
    assert list(nda.programs.values_list("code", flat=True)) == ["WTCH"] and nda.document
    run("ndas", "amend", "NDA-HAL-TJG", "--as", "oem_buyer", "--expiry", "2027-12-31")
    nda.refresh_from_db()
    assert str(nda.expiry_date) == "2027-12-31"
    run("ndas", "terminate", "NDA-HAL-TJG", "--as", "oem_buyer")
    nda.refresh_from_db()
    assert nda.status == "terminated"
    run("programs", "remove-partner", "WTCH", tanjung.slug, "--as", "oem_buyer")
    assert not program.members.filter(person=farah).exists()
    run("programs", "archive", "WTCH", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="archived"):
        run("programs", "edit", "WTCH", "--as", "oem_buyer", "--status", "npi")
    with pytest.raises(CommandError, match="not a date"):
        run("ndas", "amend", "NDA-HAL-TJG", "--as", "oem_buyer", "--expiry", "soon")


def test_boms_and_parts_from_the_command_line(people: Any, parts: Any) -> None:
    assert "is now obsolete" in run(
        "boms", "status", "EBX2", "EBX2-PCBA", "B", "obsolete", "--as", "oem_engineer"
    )
    assert Bom.objects.get(assembly__number="EBX2-PCBA").status == "obsolete"
    with pytest.raises(CommandError, match="No BOM"):
        run("boms", "status", "EBX2", "EBX2-PCBA", "B", "released", "--as", "supplier_rep")
    run("parts", "edit", "HAL-200-0004", "--as", "oem_buyer", "--description", "MEMS mic, I2S")
    assert Part.objects.get(number="HAL-200-0004").description == "MEMS mic, I2S"
    notice = run(
        "parts",
        "lifecycle-notice",
        "HAL-200-0002",
        "--as",
        "oem_buyer",
        "--mpn",
        "TPS7A0233PDBVR",
        "--lifecycle",
        "eol",
        "--reference",
        "PDN-TI-1",
    )
    assert "is now End of life" in notice
    with pytest.raises(CommandError, match="reason"):
        run(
            "parts",
            "source-status",
            "HAL-100-0002",
            "--as",
            "oem_buyer",
            "--mpn",
            "RC0402FR-0710KL",
            "--to",
            "approved",
        )
    run(
        "parts",
        "source-status",
        "HAL-100-0002",
        "--as",
        "oem_buyer",
        "--mpn",
        "rc0402fr-0710kl",
        "--to",
        "approved",
        "--reason",
        "qualified",
    )
    assert ApprovedSource.objects.get(manufacturer_part__mpn="RC0402FR-0710KL").status == (
        "approved"
    )
    with pytest.raises(CommandError, match="Not found"):
        run("parts", "edit", "HAL-100-0002", "--as", "ems_planner", "--value", "1k")
