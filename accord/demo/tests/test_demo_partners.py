"""The demo's certificates (accord/demo/partners.py): Meridian's plant holds ISO 9001 and an
IPC-A-610 Class 3 listing, and the Pulse HRM draft shows the ISO 13485 gap."""

from __future__ import annotations

from accord.agreements.queries import agreement_detail
from accord.core.access import today
from accord.demo.loader import import_real_files, world_from_db
from accord.demo.partners import draft_pulse_sow, record_certificates
from accord.demo.supply import load_supply_story
from accord.partners.models import Certificate
from accord.partners.queries import certificate_rows


def test_the_pulse_hrm_draft_shows_the_iso_13485_gap(db):
    world = world_from_db()
    import_real_files(world)
    load_supply_story(world)
    record_certificates(world)
    rows = certificate_rows(Certificate.objects.all(), today()).order_by("standard")
    assert [
        (c.label, c.status, c.has_evidence, c.verified_by.username if c.verified_by else None)
        for c in rows
    ] == [
        ("IPC-A-610 Class 3", "expiring", False, None),
        ("ISO 9001", "valid", True, "oem_buyer"),
    ]
    detail = agreement_detail(draft_pulse_sow(world))
    assert [str(p) for p in detail.problems] == [
        "certification ISO 13485: Meridian Electronics Manufacturing holds no valid "
        "ISO 13485 certificate at any site"
    ]
    assert detail.notes == []
