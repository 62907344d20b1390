"""Need-to-know rules straight on the access layer (the matrix test covers them over HTTP)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser

from accord.core.models import AccessLogEntry, Event
from accord.orgs.access import programs_visible_to, restricted_program_ids
from accord.orgs.models import Nda
from accord.parts.access import boms_visible_to, get_bom_for_user, parts_visible_to


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_programs_are_visible_person_by_person(people):
    assert codes(programs_visible_to(people.oem_buyer)) == {"EBX2", "PHRM"}
    assert codes(programs_visible_to(people.oem_engineer)) == {"EBX2"}
    assert codes(programs_visible_to(people.ems_planner)) == {"EBX2", "PHRM", "RVC"}
    assert codes(programs_visible_to(people.ems_quality)) == {"PHRM"}
    assert codes(programs_visible_to(people.other_oem_user)) == {"RVC"}
    assert codes(programs_visible_to(people.outsider)) == set()
    assert codes(programs_visible_to(AnonymousUser())) == set()


def test_restricted_data_needs_an_nda_in_force(people, programs):
    assert set(restricted_program_ids(people.ems_planner).values_list("pk", flat=True)) == {
        programs["EBX2"].pk,
        programs["PHRM"].pk,
        programs["RVC"].pk,
    }
    assert not restricted_program_ids(people.nda_expired_partner).exists()


def test_expired_nda_partner_sees_program_but_not_restricted_bom(people, boms):
    assert codes(programs_visible_to(people.nda_expired_partner)) == {"EBX2"}
    assert not boms_visible_to(people.nda_expired_partner).exists()


def test_nda_lapse_revokes_at_once(people, boms):
    planner = people.ems_planner
    assert boms_visible_to(planner).filter(pk=boms["EBX2-PCBA"].pk).exists()
    Nda.objects.filter(reference="NDA-HAL-MER-2025").update(
        expiry_date=dt.date.today() - dt.timedelta(days=1)
    )
    assert not boms_visible_to(planner).filter(pk=boms["EBX2-PCBA"].pk).exists()
    # Roverly's NDA with Meridian is unaffected.
    assert boms_visible_to(planner).filter(pk=boms["RVC-MAIN"].pk).exists()


def test_sellers_see_only_parts_they_are_approved_for(people):
    numbers = set(parts_visible_to(people.supplier_rep).values_list("number", flat=True))
    assert numbers == {"HAL-400-0001"}
    assert not boms_visible_to(people.supplier_rep).exists()
    assert not parts_visible_to(people.outsider).exists()


def test_other_customer_of_the_ems_sees_none_of_halcyon(people):
    numbers = set(parts_visible_to(people.other_oem_user).values_list("number", flat=True))
    assert numbers and all(n.startswith("RVC") for n in numbers)


def test_reading_restricted_bom_of_another_org_is_logged(people, boms):
    bom = boms["EBX2-PCBA"]
    before = AccessLogEntry.objects.count()
    get_bom_for_user(people.oem_buyer, bom.pk)  # own data: not logged
    assert AccessLogEntry.objects.count() == before
    get_bom_for_user(people.ems_planner, bom.pk, path="/boms/x")
    entry = AccessLogEntry.objects.latest("id")
    assert (entry.reader, entry.owner_id, entry.object_id) == (
        people.ems_planner,
        bom.program.owner_id,
        str(bom.pk),
    )


def test_world_was_built_through_services_with_events(people):
    assert Event.objects.filter(verb="created BOM").count() == 4
    assert Event.objects.filter(verb="added member", actor=people.oem_buyer).exists()


def test_another_orgs_part_follows_its_own_classification(people, parts):
    from accord.parts.models import Part

    planner, expired = people.ems_planner, people.nda_expired_partner
    capacitor = parts["HAL-100-0001"]  # program part, in EBX2-PCBA and PHRM-MAIN
    assert parts_visible_to(planner).filter(pk=capacitor.pk).exists()
    Part.objects.filter(pk=capacitor.pk).update(classification="internal")
    assert not parts_visible_to(planner).filter(pk=capacitor.pk).exists()
    assert parts_visible_to(people.oem_engineer).filter(pk=capacitor.pk).exists()  # owner
    # Restricted: the planner has the NDA covering EBX2; the lapsed partner would not.
    Part.objects.filter(pk=capacitor.pk).update(classification="restricted")
    assert parts_visible_to(planner).filter(pk=capacitor.pk).exists()
    assert not parts_visible_to(expired).filter(pk=capacitor.pk).exists()


def test_sellers_lose_a_part_when_their_source_is_rejected_or_the_nda_lapses(people, parts):
    from accord.parts.models import ApprovedSource

    rep, driver = people.supplier_rep, parts["HAL-400-0001"]  # restricted, made by Sunridge
    assert parts_visible_to(rep).filter(pk=driver.pk).exists()
    Nda.objects.filter(reference="NDA-HAL-SUN-2025").update(
        expiry_date=dt.date.today() - dt.timedelta(days=1)
    )
    assert not parts_visible_to(rep).filter(pk=driver.pk).exists()
    Nda.objects.filter(reference="NDA-HAL-SUN-2025").update(expiry_date=None)
    ApprovedSource.objects.filter(part=driver).update(status="rejected")
    assert not parts_visible_to(rep).filter(pk=driver.pk).exists()
