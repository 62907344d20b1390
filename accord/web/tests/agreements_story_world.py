"""The world of the agreements browser story (test_browser_agreements.py), built through the
services in the live server's own database: the persona world (accord/demo/personas.py, as the
suite's fixtures), both sides' signers named with the signing right, the issue's RFQ with its
two quotes, and the issue's invoice against SOW v3. Not the demo loader: the story drafts its
own agreement in the pages.

Run in a subprocess against the server's database, before gunicorn starts:
    python -c "import django; django.setup(); from accord.web.tests.agreements_story_world
    import build; build()"
"""

from __future__ import annotations

from django.db import transaction

from accord.agreements.invoice_services import create_invoice
from accord.agreements.rfq_services import submit_quote
from accord.agreements.tests.invoice_sample import (
    earlier_stencil_invoice,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote, second_ems_quote
from accord.demo import DEMO_PASSWORD
from accord.demo.personas import build_world
from accord.demo.services import set_demo_passwords
from accord.orgs.services import set_signing_right

SIGNERS = ("oem_buyer", "ems_planner")
STORY_PEOPLE = ("oem_buyer", "ems_planner")


def build() -> None:
    world = build_world()
    people, programs, orgs = world.people, world.programs, world.orgs
    with transaction.atomic():
        set_demo_passwords(actor=None, usernames=STORY_PEOPLE, password=DEMO_PASSWORD)
        # Halcyon's buyer and Meridian's planner sign for their organisations.
        for username in SIGNERS:
            people[username] = set_signing_right(actor=None, person=people[username], allowed=True)
        # The RFQ: Meridian's quote A and Corvid Assembly's quote B.
        rfq = ebx2_rfq(people, programs, world.boms, orgs)
        submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(QUOTE_A))
        second_ems_quote(rfq, people["oem_buyer"])
        # The invoice against SOW v3, after an earlier one billed the stencil.
        sow = sow_v3(people, programs, orgs)
        po_with_receipt(orgs, programs, world.parts)
        create_invoice(
            actor=people["ems_planner"], agreement=sow, invoice=earlier_stencil_invoice()
        )
        create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data())
