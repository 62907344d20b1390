"""A hand-built world for the gap view: Pulse HRM (PHRM) requires ISO 13485 and IPC-A-610
Class 3, both with SMT in scope; its last scheduled build is due in 400 days. Meridian (EMS,
a partner) has six plants, each with what the case needs:

- GAPA: ISO 9001 only -> ISO 13485 missing, IPC-A-610 missing;
- GAPB: ISO 13485 whose scope lacks SMT -> out of scope; IPC missing;
- GAPC: IPC-A-610 Class 2 with SMT -> IPC out of scope; ISO 13485 missing;
- GAPD: ISO 13485 with SMT, verified, valid 100 more days -> expiring before the last build;
- GAPE: ISO 13485 with SMT, valid two more years, nobody verified it -> unverified;
- GAPF: ISO 13485 and IPC-A-610 Class 3, both with SMT, verified -> both met.

Brightline (another EMS, added as a partner of PHRM) has one plant with nothing: its two rows
are missing, and Meridian's people never see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accord.core.access import today
from accord.orgs.services import add_program_partner
from accord.partners.requirements import add_requirement
from accord.partners.services import verify_certificate
from accord.partners.tests.sample import certificate
from accord.supply.services import create_site
from accord.supply.services.builds import schedule_build

LAST_BUILD_DAYS = 400


@dataclass
class GapWorld:
    program: Any
    sites: dict[str, Any]
    iso: Any
    ipc: Any
    last_build: dt.date


def build_gap_world(people: Any, programs: Any, orgs: Any, parts: Any) -> GapWorld:
    day = today()
    buyer, planner, quality = people.oem_buyer, people.ems_planner, people.ems_quality
    program = programs["PHRM"]
    add_program_partner(actor=buyer, program=program, organisation=orgs["brightline"])
    sites = {
        code: create_site(actor=planner, code=code, name=f"Plant {code}", country="MY")
        for code in ("GAPA", "GAPB", "GAPC", "GAPD", "GAPE", "GAPF")
    }
    sites["BRL1"] = create_site(
        actor=people.nda_expired_partner, code="BRL1", name="Monterrey", country="MX"
    )
    iso = add_requirement(
        actor=buyer, program=program, kind="certificate", standard="ISO 13485", processes=["smt"]
    )
    ipc = add_requirement(
        actor=buyer,
        program=program,
        kind="certificate",
        standard="IPC-A-610",
        min_ipc_class=3,
        processes=["smt"],
    )
    last = day + dt.timedelta(days=LAST_BUILD_DAYS)
    for due in (day + dt.timedelta(days=30), last):
        schedule_build(
            actor=buyer,
            program=program,
            assembly=parts["PHRM-MAIN"],
            quantity_due="100",
            due_date=due,
        )

    def verified(found: Any) -> Any:
        return verify_certificate(actor=buyer, certificate=found)

    certificate(quality, sites["GAPA"], "ISO 9001", processes=["smt"])
    certificate(quality, sites["GAPB"], "ISO 13485", processes=["box_build"])
    certificate(quality, sites["GAPC"], "IPC-A-610", ipc_class=2, processes=["smt"])
    verified(
        certificate(
            quality,
            sites["GAPD"],
            "ISO 13485",
            processes=["smt"],
            valid_until=day + dt.timedelta(days=100),
        )
    )
    certificate(quality, sites["GAPE"], "ISO 13485", processes=["smt"])
    verified(certificate(quality, sites["GAPF"], "ISO 13485", processes=["smt"]))
    verified(certificate(quality, sites["GAPF"], "IPC-A-610", ipc_class=3, processes=["smt"]))
    return GapWorld(program=program, sites=sites, iso=iso, ipc=ipc, last_build=last)
