"""The demo's audit (accord/demo/audits.py): Halcyon's process audit of Meridian's plant for
Pulse HRM, its major finding's 8D open at D4, a minor finding and an observation."""

from __future__ import annotations

from accord.demo.audits import EIGHTD, record_audit
from accord.demo.loader import import_real_files, world_from_db
from accord.demo.supply import load_supply_story
from accord.partners.audit_queries import eightd_steps
from accord.partners.audits_access import open_findings_visible_to


def test_the_demo_audit_has_an_open_8d(db):
    world = world_from_db()
    import_real_files(world)
    load_supply_story(world)
    audit = record_audit(world)
    assert (audit.status, audit.site.code, audit.program.code) == ("open", "PEN1", "PHRM")
    phrm = world.programs["PHRM"]
    found = list(open_findings_visible_to(world.people["ems_quality"], phrm).order_by("number"))
    assert [(f.severity, f.status) for f in found] == [
        ("major", "open"),
        ("minor", "open"),
        ("observation", "open"),
    ]
    steps = eightd_steps(found[0])
    assert steps is not None
    assert [s.text for s in steps] == [*EIGHTD.values(), "", "", "", ""]
    assert {s.filled_by for s in steps[:4]} == {"Daniel Tan"}
    assert not open_findings_visible_to(world.people["outsider"]).exists()
    assert not open_findings_visible_to(world.people["other_oem_user"], phrm).exists()
