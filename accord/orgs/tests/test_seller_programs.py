"""A supplier or distributor on a program sees the owner's people and its own, never the other
partner organisations or their people, nor the description unless the owner shares it: on the
program page and API, the organisations list, the program's events and the dashboard."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.urls import reverse

from accord.api.tests.utils import API
from accord.core.models import Event
from accord.orgs import services
from accord.orgs.access import (
    events_visible_to,
    members_visible_to,
    organisations_visible_to,
    partners_visible_to,
    program_description,
)
from accord.orgs.models import Organisation, Program
from accord.web.tests.helpers import rows_by_first_cell, table, text

SUNRIDGE_SEES = {"oem_buyer", "oem_engineer", "supplier_rep"}


def test_seller_sees_the_owners_people_and_its_own(people: Any, programs: Any) -> None:
    ebx2 = programs["EBX2"]
    seen = set(
        members_visible_to(people.supplier_rep, ebx2).values_list("person__username", flat=True)
    )
    assert seen == SUNRIDGE_SEES
    assert set(
        members_visible_to(people.arrowpoint_rep, ebx2).values_list("person__username", flat=True)
    ) == {"oem_buyer", "oem_engineer", "arrowpoint_rep"}
    everyone = set(
        members_visible_to(people.ems_planner, ebx2).values_list("person__username", flat=True)
    )
    assert everyone == SUNRIDGE_SEES | {"ems_planner", "nda_expired_partner", "arrowpoint_rep"}
    partners = partners_visible_to(people.supplier_rep, ebx2)
    assert [p.organisation.name for p in partners] == ["Sunridge Acoustics"]
    assert partners_visible_to(people.nda_expired_partner, ebx2).count() == 4


def test_seller_knows_only_its_own_organisation_and_the_owners(people: Any) -> None:
    names = set(organisations_visible_to(people.kestrel_rep).values_list("name", flat=True))
    assert names == {"Kestrel Cells", "Halcyon Devices"}
    planner = set(organisations_visible_to(people.ems_quality).values_list("name", flat=True))
    assert planner == {"Meridian Electronics Manufacturing", "Halcyon Devices", "Kestrel Cells"}


def test_program_page_as_a_seller(client_for: Any, programs: Any) -> None:
    response = client_for("supplier_rep").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    assert response.status_code == 200
    members = rows_by_first_cell(table(response, "People with need-to-know"))
    assert set(members) == {"Maya Okafor", "Tomas Lindqvist", "Mei Lin"}
    partners = rows_by_first_cell(table(response, "Organisations taking part"))
    assert set(partners) == {"Sunridge Acoustics"}
    page = text(response)
    for hidden in ("Meridian", "Brightline", "Arrowpoint", "Aisha Rahman", "Lucia Ortega"):
        assert hidden not in page, hidden
    assert "True-wireless earbuds" not in page  # EBX2's description is not shared
    # The EMS sees everyone, and the description.
    full = client_for("ems_planner").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    assert len(table(full, "People with need-to-know")) == 6
    assert "True-wireless earbuds" in text(full)


def test_description_is_shown_to_sellers_only_when_shared(
    client_for: Any, programs: Any, people: Any
) -> None:
    phrm, ebx2 = programs["PHRM"], programs["EBX2"]
    assert phrm.description_shared and not ebx2.description_shared
    assert program_description(people.kestrel_rep, phrm) == phrm.description
    assert program_description(people.supplier_rep, ebx2) == ""
    assert program_description(people.nda_expired_partner, ebx2) == ebx2.description
    kestrel = client_for("kestrel_rep")
    assert "ISO 13485" in text(kestrel.get(reverse("program_detail", args=[phrm.pk])))
    api = {
        p["code"]: p for p in client_for("supplier_rep").get(f"{API}/programs").json()["results"]
    }
    assert api["EBX2"]["description"] == ""
    detail = client_for("supplier_rep").get(f"{API}/programs/{ebx2.pk}").json()
    assert detail["description"] == ""
    assert client_for("kestrel_rep").get(f"{API}/programs/{phrm.pk}").json()["description"]
    assert client_for("oem_engineer").get(f"{API}/programs/{ebx2.pk}").json()["description"]
    Program.objects.filter(pk=ebx2.pk).update(description_shared=True)
    assert client_for("supplier_rep").get(f"{API}/programs/{ebx2.pk}").json()["description"]


def _verbs(user: Any, program: Program) -> set[tuple[str, str]]:
    return {
        (e.verb, e.changes.get("person") or e.changes.get("partner") or "")
        for e in events_visible_to(user).filter(program=program)
    }


def test_seller_sees_program_events_about_the_owner_or_itself(
    people: Any, programs: Any, orgs: Any
) -> None:
    ebx2 = programs["EBX2"]
    seen = _verbs(people.supplier_rep, ebx2)
    assert ("created program", "") in seen
    assert ("added partner", "Sunridge Acoustics") in seen
    assert ("added member", "supplier_rep") in seen
    assert ("added member", "oem_engineer") in seen
    for other in ("Meridian Electronics Manufacturing", "Brightline Assembly"):
        assert ("added partner", other) not in seen
    assert ("added member", "ems_planner") not in seen
    assert ("added member", "arrowpoint_rep") not in seen
    # Everyone else on the program sees the whole history.
    assert ("added member", "arrowpoint_rep") in _verbs(people.nda_expired_partner, ebx2)
    # A description change is kept from sellers while the description is.
    services.update_program(actor=people.oem_buyer, program=ebx2, description="Secret plans")
    updated = ("updated program", "")
    assert updated not in _verbs(people.supplier_rep, ebx2)
    assert updated in _verbs(people.ems_planner, ebx2)
    Program.objects.filter(pk=ebx2.pk).update(description_shared=True)
    assert updated in _verbs(people.supplier_rep, ebx2)
    # An event about Meridian done by a Meridian person (say, a future thread) stays hidden.
    assert (
        not events_visible_to(people.supplier_rep)
        .filter(organisation=orgs["meridian"], program=ebx2)
        .exists()
    )
    page = text(client_for_events(people))
    assert "Aisha Rahman" not in page and "Meridian" not in page


def client_for_events(people: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(people.supplier_rep)
    return client.get(reverse("event_list"))


def test_dashboard_and_program_list_count_the_members_a_seller_sees(client_for: Any) -> None:
    rows = rows_by_first_cell(
        table(client_for("supplier_rep").get(reverse("dashboard")), "Programs")
    )
    assert rows["Earbuds X2"][5] == "3"
    listed = table(client_for("supplier_rep").get(reverse("program_list")), "Programs you are")
    assert listed[0][5] == "3"
    planner = rows_by_first_cell(
        table(client_for("ems_planner").get(reverse("program_list")), "Programs")
    )
    assert planner["Earbuds X2"][5] == "6"


def test_events_recorded_before_the_subject_column_are_given_one(people: Any, orgs: Any) -> None:
    """The migration that added Event.subject_organisation names it from the changes."""
    migration = importlib.import_module("accord.core.migrations.0004_access_log_rows_event_subject")
    Event.objects.filter(verb__in=["added member", "added partner"]).update(
        subject_organisation=None
    )
    migration.name_the_subjects(apps, None)
    partner = Event.objects.filter(verb="added partner", changes__partner="Brightline Assembly")
    assert partner.get().subject_organisation == orgs["brightline"]
    member = Event.objects.get(verb="added member", changes__person="kestrel_rep")
    assert member.subject_organisation == Organisation.objects.get(name="Kestrel Cells")
    assert not Event.objects.filter(verb="added member", subject_organisation=None).exists()
