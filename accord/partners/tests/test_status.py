"""The status rule: the function and the SQL annotation agree, day by day, at each boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.partners.choices import CertificateStatus as S
from accord.partners.models import Certificate
from accord.partners.status import status_of, with_status
from accord.partners.tests.sample import certificate, penang

DAY = dt.date(2026, 12, 4)
CASES = [
    # valid_from, valid_until, suspended -> status on DAY
    (dt.date(2025, 1, 1), dt.date(2027, 12, 31), False, S.VALID),
    (dt.date(2025, 1, 1), dt.date(2027, 3, 5), False, S.VALID),  # 91 days left (27+31+28+5)
    (dt.date(2025, 1, 1), dt.date(2027, 3, 4), False, S.EXPIRING),  # 90 days left
    (dt.date(2025, 1, 1), DAY, False, S.EXPIRING),  # its last day
    (dt.date(2025, 1, 1), dt.date(2026, 12, 3), False, S.EXPIRED),  # ended yesterday
    (dt.date(2026, 12, 5), dt.date(2029, 12, 4), False, S.NOT_YET_VALID),
    (dt.date(2025, 1, 1), dt.date(2027, 12, 31), True, S.SUSPENDED),
    (dt.date(2025, 1, 1), dt.date(2026, 1, 1), True, S.SUSPENDED),  # suspended beats expired
]


@pytest.mark.parametrize(("start", "end", "suspended", "expected"), CASES)
def test_status_of(start, end, suspended, expected):
    assert status_of(valid_from=start, valid_until=end, suspended=suspended, day=DAY) == expected


def test_the_annotation_gives_the_same_status_as_the_function(people):
    site = penang(people.ems_planner)
    for n, (start, end, suspended, _expected) in enumerate(CASES):
        certificate(
            people.ems_quality,
            site,
            number=f"C-{n}",
            valid_from=start,
            valid_until=end,
            suspended=suspended,
        )
    annotated = with_status(Certificate.objects.filter(site=site), DAY).order_by("number")
    assert [c.status for c in annotated] == [expected.value for *_x, expected in CASES]
