"""The demo's capabilities and Pulse HRM's requirements (accord/demo/partners.py): the gap view
shows ISO 13485 missing at Meridian's plant, which holds ISO 9001 only (issue 14's story)."""

from __future__ import annotations

from typing import Any

from accord.core.access import today
from accord.demo.loader import import_real_files, world_from_db
from accord.demo.partners import record_capabilities_and_requirements, record_certificates
from accord.demo.supply import load_supply_story
from accord.partners.capability_access import sites_with_capabilities_visible
from accord.partners.capability_queries import SearchCriteria, search_sites
from accord.partners.gaps import gap_report


def test_pulse_hrm_gap_view_shows_iso_13485_missing(db: Any) -> None:
    world = world_from_db()
    import_real_files(world)
    load_supply_story(world)
    record_certificates(world)
    record_capabilities_and_requirements(world)
    report = gap_report(world.programs["PHRM"], organisations=None, day=today())
    assert [(r.site_code, r.requirement, r.verdict.value) for r in report.rows] == [
        ("PEN1", "IPC-A-610 Class 3 (SMT)", "unverified"),
        ("PEN1", "ISO 13485", "missing"),
        ("PEN1", "Process: SMT, BGA/X-ray, Functional test", "met"),
    ]
    buyer = world.people["oem_buyer"]
    found = search_sites(
        sites_with_capabilities_visible(buyer),
        SearchCriteria(processes=("smt", "bga_xray"), standard="ISO 9001", country="MY"),
        today(),
    )
    assert [s.code for s in found] == ["PEN1"]
    medical = SearchCriteria(processes=("smt",), standard="ISO 13485")
    assert not search_sites(sites_with_capabilities_visible(buyer), medical, today()).exists()
