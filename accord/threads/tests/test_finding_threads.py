"""An audit finding is a thread subject: restricted data, seen by the audit's two sides only
(the audited one as members of the program under an NDA), and only in the audit's program."""

from __future__ import annotations

from typing import Any

import pytest

from accord.core.errors import InvalidInput, NotFound
from accord.partners.audits_access import findings_visible_to
from accord.partners.tests.audit_sample import finding, pulse_audit
from accord.threads.access import get_thread_for_user, threads_visible_to
from accord.threads.thread_services import create_thread


def test_a_thread_on_a_finding_is_seen_by_who_sees_the_finding_in_its_program(
    people: Any, programs: Any, client_for: Any
) -> None:
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    thread = create_thread(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        subject_kind_name="finding",
        subject_id=major.pk,
        title="Reflow profile after maintenance",
    )
    page = client_for("oem_buyer").get(f"/threads/{thread.pk}/")
    assert page.status_code == 200
    assert "Finding 1 (Major) of the audit of PEN1" in page.content.decode()
    seers = {
        name for name in people if threads_visible_to(people[name]).filter(pk=thread.pk).exists()
    }
    finding_seers = {
        name for name in people if findings_visible_to(people[name]).filter(pk=major.pk).exists()
    }
    assert "oem_buyer" in seers and "ems_quality" in seers
    assert seers <= finding_seers
    for outsider in ("outsider", "other_oem_user", "nda_expired_partner", "supplier_rep"):
        assert outsider not in seers
        with pytest.raises(NotFound):
            get_thread_for_user(people[outsider], thread.pk)


def test_a_finding_belongs_to_its_audits_program(people: Any, programs: Any) -> None:
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    with pytest.raises((InvalidInput, NotFound)):
        create_thread(
            actor=people.oem_buyer,
            program=programs["EBX2"],
            subject_kind_name="finding",
            subject_id=major.pk,
            title="In the wrong program",
        )
