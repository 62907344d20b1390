"""Certificate expiry alerts, on a clock the test controls. Hand-computed: a certificate valid
until 2027-03-01 alerts at 90 days on 2026-12-01 (December 31 + January 31 + February 28 days
= 90: 2026-12-01 is exactly 90 days before), at 30 days on 2027-01-30, at 7 days on
2027-02-22 and on the day, 2027-03-01."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command

from accord.partners.services import update_certificate
from accord.threads.alerts import due_levels
from accord.threads.models import CertificateAlert, Notification
from accord.threads.sweep import run_sweep
from accord.threads.tests.notification_world import meridian_certificate

UNTIL = dt.date(2027, 3, 1)
BOTH_SIDES = {"ems_planner", "ems_quality", "oem_buyer", "oem_engineer", "other_oem_user"}


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T08:00:00+00:00")


def alerted(certificate: Any) -> list[tuple[int, bool]]:
    return list(
        CertificateAlert.objects.filter(certificate=certificate)
        .order_by("-level")
        .values_list("level", "sent")
    )


def recipients(certificate: Any, event: str) -> set[str]:
    return set(
        Notification.objects.filter(
            target_kind="certificate", target_id=certificate.pk, event=event
        ).values_list("recipient__username", flat=True)
    )


def test_the_levels_by_hand() -> None:
    assert UNTIL - dt.date(2026, 12, 1) == dt.timedelta(days=90)
    assert due_levels(UNTIL, dt.date(2026, 11, 30), (90, 30, 7, 0)) == []
    assert due_levels(UNTIL, dt.date(2026, 12, 1), (90, 30, 7, 0)) == [90]
    assert due_levels(UNTIL, dt.date(2027, 1, 29), (90, 30, 7, 0)) == [90]
    assert due_levels(UNTIL, dt.date(2027, 1, 30), (90, 30, 7, 0)) == [90, 30]
    assert due_levels(UNTIL, dt.date(2027, 2, 22), (90, 30, 7, 0)) == [90, 30, 7]
    assert due_levels(UNTIL, dt.date(2027, 2, 28), (90, 30, 7, 0)) == [90, 30, 7]
    assert due_levels(UNTIL, dt.date(2027, 3, 1), (90, 30, 7, 0)) == [90, 30, 7, 0]


def test_each_level_once_to_both_sides_and_missed_days_caught_up(people: Any) -> None:
    certificate = meridian_certificate(people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL)
    assert run_sweep(at("2026-11-30"))["certificate_alerts"] == 0
    assert run_sweep(at("2026-12-01"))["certificate_alerts"] == 1
    assert alerted(certificate) == [(90, True)]
    # Both sides: Meridian's people, and the buyers of the programs that rely on Meridian
    # (Halcyon's on EBX2 and PHRM, Roverly's on RVC). Not Brightline, Sunridge nor Quillon.
    assert recipients(certificate, "certificate_expiring") == BOTH_SIDES
    # The same day again, and the next days: nothing more.
    assert run_sweep(at("2026-12-01"))["certificate_alerts"] == 0
    assert run_sweep(at("2026-12-02"))["certificate_alerts"] == 0
    assert Notification.objects.filter(target_id=certificate.pk).count() == len(BOTH_SIDES)
    # The sweep last ran on 2027-01-29; three days missed (30, 31 January, 1 February): the
    # 30-day level (due 2027-01-30) is sent once on 2 February.
    assert run_sweep(at("2027-01-29"))["certificate_alerts"] == 0
    assert run_sweep(at("2027-02-02"))["certificate_alerts"] == 1
    assert run_sweep(at("2027-02-02"))["certificate_alerts"] == 0
    assert alerted(certificate) == [(90, True), (30, True)]
    assert Notification.objects.filter(target_id=certificate.pk).count() == 2 * len(BOTH_SIDES)
    # From 2027-02-21 to the day of expiry in one jump: only "expired" is sent, the 7-day
    # level is recorded as passed, not sent.
    assert run_sweep(at("2027-02-21"))["certificate_alerts"] == 0
    assert run_sweep(at("2027-03-01"))["certificate_alerts"] == 1
    assert alerted(certificate) == [(90, True), (30, True), (7, False), (0, True)]
    assert recipients(certificate, "certificate_expired") == BOTH_SIDES
    assert run_sweep(at("2027-03-05"))["certificate_alerts"] == 0


def test_a_renewed_certificate_alerts_again(people: Any) -> None:
    certificate = meridian_certificate(people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL)
    run_sweep(at("2027-02-25"))
    assert alerted(certificate) == [(90, False), (30, False), (7, True)]
    update_certificate(
        actor=people.ems_quality, certificate=certificate, valid_until=dt.date(2030, 3, 1)
    )
    assert run_sweep(at("2027-02-26"))["certificate_alerts"] == 0
    assert run_sweep(at("2029-12-01"))["certificate_alerts"] == 1
    renewed = CertificateAlert.objects.filter(
        certificate=certificate, valid_until=dt.date(2030, 3, 1)
    )
    assert list(renewed.values_list("level", "sent")) == [(90, True)]


def test_retired_and_long_expired_certificates_are_not_alerted(people: Any) -> None:
    from accord.partners.services import retire_certificate

    old = meridian_certificate(
        people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL, number="OLD-1"
    )
    retire_certificate(actor=people.ems_quality, certificate=old)
    assert run_sweep(at("2027-03-01"))["certificate_alerts"] == 0
    expired = meridian_certificate(
        people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL, number="OLD-2"
    )
    assert run_sweep(at("2027-06-01"))["certificate_alerts"] == 0
    assert not CertificateAlert.objects.filter(certificate=expired).exists()


def test_levels_come_from_the_setting(people: Any, settings: Any) -> None:
    settings.ACCORD_CERT_ALERT_DAYS = (14,)
    certificate = meridian_certificate(people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL)
    assert run_sweep(at("2027-02-14"))["certificate_alerts"] == 0
    assert run_sweep(at("2027-02-15"))["certificate_alerts"] == 1
    assert alerted(certificate) == [(14, True)]


def test_sweep_command_prints_each_step_and_runs_twice_without_duplicates(people: Any) -> None:
    certificate = meridian_certificate(people, valid_from=dt.date(2024, 3, 1), valid_until=UNTIL)
    out = StringIO()
    call_command("sweep", "--now", "2026-12-01T08:00:00+00:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Sweep at 2026-12-01T08:00:00+00:00"
    assert "certificate_alerts: 1" in lines
    assert {line.split(":")[0] for line in lines[1:]} >= {
        "certificate_alerts",
        "email_batches",
        "digests",
        "email_send",
    }
    again = StringIO()
    call_command("sweep", "--now", "2026-12-01T09:00:00+00:00", stdout=again)
    assert "certificate_alerts: 0" in again.getvalue().splitlines()
    assert Notification.objects.filter(target_id=certificate.pk).count() == len(BOTH_SIDES)
