"""`accord createorg` and `accord createtoken`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accord.core.models import ApiToken, Event
from accord.core.services import authenticate_token
from accord.orgs.models import Organisation, Person

STRONG = "correct-horse-battery-staple-42"


def createorg(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("createorg", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_createorg_bootstraps_an_organisation_and_its_admin(db, monkeypatch):
    monkeypatch.setenv("ACME_ADMIN_PASSWORD", STRONG)
    out = createorg(
        "Acme Assembly",
        "--kind=ems",
        "--admin=acme_admin",
        "--email=admin@acme.example",
        "--password-from-env=ACME_ADMIN_PASSWORD",
        "--country=de",
    )
    assert "Created Acme Assembly (EMS provider) with administrator acme_admin." in out
    org = Organisation.objects.get(name="Acme Assembly")
    assert (org.kind, org.country) == ("ems", "DE")
    admin = Person.objects.get(username="acme_admin")
    assert admin.organisation == org and admin.is_org_admin
    assert authenticate(username="acme_admin", password=STRONG) == admin
    assert Event.objects.filter(verb="created", object_id=str(org.pk), actor=None).exists()
    assert Event.objects.filter(verb="added person", object_id=str(admin.pk)).exists()


def test_createorg_writes_nothing_when_the_admin_cannot_be_created(db):
    with pytest.raises(CommandError, match="taken"):
        createorg(
            "Acme Assembly",
            "--kind=ems",
            "--admin=oem_buyer",  # a persona: the username is taken
            "--email=admin@acme.example",
            f"--password={STRONG}",
        )
    assert not Organisation.objects.filter(name="Acme Assembly").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password=short"], "too weak"),
        (["--password-from-env=ACCORD_TEST_UNSET_VARIABLE"], "not set"),
        ([], "no terminal"),
        (["--email=not-an-address", f"--password={STRONG}"], "not an e-mail"),
        (["--kind=ems", f"--password={STRONG}"], "already exists"),
    ],
)
def test_createorg_refusals(db, monkeypatch, args, message):
    monkeypatch.delenv("ACCORD_TEST_UNSET_VARIABLE", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    name = "Halcyon Devices" if "already exists" in message else "Brand New Org"
    base = ["--kind=oem", "--admin=new_admin", "--email=new@new.example"]
    before = (Organisation.objects.count(), Person.objects.count())
    with pytest.raises(CommandError, match=message):
        createorg(name, *base, *args)
    assert (Organisation.objects.count(), Person.objects.count()) == before


def test_createtoken_prints_a_working_secret_once(db):
    out, err = StringIO(), StringIO()
    call_command("createtoken", "oem_buyer", "--name=ERP sync", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "\n" not in secret
    token = authenticate_token(secret)
    assert token is not None and token.person.username == "oem_buyer"
    assert token.name == "ERP sync" and token.expires_at is None
    assert secret not in err.getvalue()
    assert not ApiToken.objects.filter(digest=secret).exists()  # only the digest is stored


def test_createtoken_expiry_and_refusals(db):
    out = StringIO()
    call_command(
        "createtoken",
        "ems_planner",
        "--name=nightly",
        "--expires-in-days=30",
        stdout=out,
        stderr=StringIO(),
    )
    token = authenticate_token(out.getvalue().strip())
    assert token is not None and token.expires_at is not None
    with pytest.raises(CommandError, match="No active person"):
        call_command("createtoken", "nobody", "--name=x", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="name"):
        call_command("createtoken", "oem_buyer", "--name=  ", stdout=StringIO(), stderr=StringIO())
