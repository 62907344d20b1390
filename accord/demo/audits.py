"""The demo's audit (issue 14, item 5), written through the audit services as the people would
act: Halcyon's buyer led a process audit of Meridian's Penang plant for Pulse HRM twelve days
ago and recorded three findings. The major one has its 8D open: Meridian's quality engineer
has filled D1 to D4 (team, problem, containment, root cause); the corrective actions, their
validation and the evidence are still to come. A minor finding and an observation wait for
Meridian's answer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accord.core.access import today
from accord.demo.personas import World
from accord.partners.audit_models import Audit
from accord.partners.audit_services import fill_discipline, plan_audit, record_finding
from accord.supply.models import Site

AUDIT_SCOPE = (
    "Process audit of the Pulse HRM main board: SMT line 2 (print, place, reflow), AOI, "
    "final assembly and functional test, against ISO 13485:2016 sections 6.4, 7.5 and 8.3."
)
MAJOR_DESCRIPTION = (
    "The reflow oven of SMT line 2 was released after maintenance on the 3rd without a "
    "profile run: no record shows the Pulse HRM profile was revalidated before lots 2648 to "
    "2650 were soldered."
)
EIGHTD = {
    1: "Daniel Tan (supplier quality, lead), Aisha Rahman (material planning), SMT-2 line "
    "leader, the maintenance technician who serviced the oven.",
    2: "Oven SMT-2 released after heater replacement without a thermocouple profile run; "
    "three Pulse HRM lots (2648-2650, 1,440 boards) reflowed on an unverified profile.",
    3: "Lots 2648-2650 quarantined in bond store Q2; 100% X-ray of the BGA and AOI re-run on "
    "the boards in WIP; no shipment since. Profile run done on the 9th: within limits.",
    4: "The maintenance work instruction WI-MNT-022 ends at the heater's power check: it has "
    "no step for a profile run before the line is released, and production's release "
    "checklist assumes maintenance did it.",
}


def record_audit(world: World) -> Audit:
    """Halcyon's process audit of PEN1 on Pulse HRM, with its three findings."""
    day = today()
    buyer, quality = world.people["oem_buyer"], world.people["ems_quality"]
    plant = Site.objects.get(organisation=world.orgs["meridian"], code="PEN1")
    with transaction.atomic():
        audit = plan_audit(
            actor=buyer,
            site=plant,
            kind="process",
            planned_date=day - dt.timedelta(days=12),
            performed_date=day - dt.timedelta(days=12),
            scope=AUDIT_SCOPE,
            program=world.programs["PHRM"],
        )
        major = record_finding(
            actor=buyer,
            audit=audit,
            severity="major",
            clause="ISO 13485:2016 7.5.6",
            description=MAJOR_DESCRIPTION,
            due_date=day + dt.timedelta(days=18),
        )
        record_finding(
            actor=buyer,
            audit=audit,
            severity="minor",
            clause="ISO 13485:2016 6.4.1",
            description="The humidity log of the moisture-sensitive device store has no "
            "readings for two weekends in the last month.",
            due_date=day + dt.timedelta(days=25),
        )
        record_finding(
            actor=buyer,
            audit=audit,
            severity="observation",
            clause="ISO 13485:2016 4.2.4",
            description="Work instructions at final test are printed copies; their revision "
            "is not checked against the released one at the start of a shift.",
            due_date=day + dt.timedelta(days=30),
        )
        for discipline, text in EIGHTD.items():
            fill_discipline(actor=quality, finding=major, discipline=discipline, text=text)
    return audit
