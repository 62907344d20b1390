"""What a form or the API refuses, a script refuses too: the services the CLI reaches apply the
rule for stored text, and usernames are stored in their one normal spelling."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accord.core.errors import Conflict, InvalidInput
from accord.core.models import ApiToken
from accord.orgs import services
from accord.orgs.models import Organisation, Person
from accord.parts.models import Bom, BomImport, Part

STRONG = "correct-horse-battery-staple-42"
BOM_CSV = b"Designator,Qty,Manufacturer,MPN,Description\nR1,1,Yageo,RC0402FR-0710KL,Resistor\n"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("name", "Acme\x07 Assembly"),
        ("--admin", "acme\u202eadmin"),
        ("--first-name", "Ann\x1b"),
        ("--title", "Buyer\nand planner"),
        ("--website", "https://acme.example/\x00"),
    ],
)
def test_createorg_refuses_control_characters(db, option, value):
    args = {
        "name": "Acme Assembly",
        "--admin": "acme_admin",
        "--first-name": "Ann",
        "--title": "Buyer",
        "--website": "https://acme.example/",
    }
    args[option] = value
    name = args.pop("name")
    with pytest.raises(CommandError, match="not allowed"):
        run(
            "createorg",
            name,
            "--kind=ems",
            "--email=admin@acme.example",
            f"--password={STRONG}",
            *(f"{k}={v}" for k, v in args.items()),
        )
    assert not Organisation.objects.filter(name__startswith="Acme").exists()
    assert not Person.objects.filter(username__startswith="acme").exists()


def test_createorg_stores_the_admin_username_normalised(db):
    out, _ = run(
        "createorg",
        "Acme Assembly",
        "--kind=ems",
        "--admin= ＡＣＭＥ_Admin ",
        "--email=admin@acme.example",
        f"--password={STRONG}",
    )
    assert "with administrator acme_admin." in out
    admin = Person.objects.get(organisation__name="Acme Assembly")
    assert admin.username == "acme_admin"
    for spelling in ["acme_admin", "ACME_ADMIN", " Acme_Admin", "ａｃｍｅ_ａｄｍｉｎ"]:
        assert authenticate(username=spelling, password=STRONG) == admin


def test_a_second_spelling_of_a_taken_username_is_taken(db, orgs):
    with pytest.raises(Conflict):
        services.create_person(
            actor=None, organisation=orgs["halcyon"], username="ＯＥＭ_BUYER", password=STRONG
        )


@pytest.mark.parametrize("username", ["", "   ", "a\x00b", "x" * 151])
def test_create_person_refuses_an_unusable_username(db, orgs, username):
    with pytest.raises(InvalidInput):
        services.create_person(
            actor=None, organisation=orgs["halcyon"], username=username, password=STRONG
        )


def test_createtoken_refuses_control_characters_and_finds_any_spelling(db, people):
    before = ApiToken.objects.count()
    with pytest.raises(CommandError, match="U\\+0007"):
        run("createtoken", "oem_buyer", "--name", "ci\x07")
    assert ApiToken.objects.count() == before
    out, _ = run("createtoken", "ＯＥＭ_Buyer", "--name", "ci")
    assert out.strip().startswith("acc_")
    assert ApiToken.objects.get(name="ci").person == people.oem_buyer


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--assembly", "CLI\u202eASSY", "assembly"),
        ("--revision", "A\x07", "revision"),
        ("--description", "Main\x1bboard", "assembly_description"),
    ],
)
def test_import_bom_refuses_control_characters_in_its_names(
    db, tmp_path: Path, option, value, field
):
    path = tmp_path / "bom.csv"
    path.write_bytes(BOM_CSV)
    args = {"--assembly": "CLI-ASSY", "--revision": "A", "--description": "Main board"}
    args[option] = value
    before = (Part.objects.count(), Bom.objects.count(), BomImport.objects.count())
    with pytest.raises(CommandError, match=field):
        run(
            "import_bom",
            str(path),
            "--program=EBX2",
            "--as=OEM_BUYER",
            *(f"{k}={v}" for k, v in args.items()),
        )
    assert (Part.objects.count(), Bom.objects.count(), BomImport.objects.count()) == before


def test_migration_normalises_older_usernames_unless_they_would_collide(db, orgs, capsys):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accord.orgs.migrations.0003_normalise_usernames")
    halcyon = orgs["halcyon"]
    for username in ["Maya", " ＡＮＮ", "Bob", "bob "]:
        Person.objects.create(username=username, organisation=halcyon)
    migration.normalise(apps, None)
    usernames = set(Person.objects.filter(organisation=halcyon).values_list("username", flat=True))
    assert {"maya", "ann", "Bob", "bob "} <= usernames
    assert "'Bob' kept" in capsys.readouterr().out
    maya = Person.objects.get(username="maya")
    maya.set_password(STRONG)
    maya.save()
    assert authenticate(username=" MAYA", password=STRONG) == maya
