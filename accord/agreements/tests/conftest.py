from __future__ import annotations

from typing import Any

import pytest

from accord.agreements.tests.sample import draft_ebx2


@pytest.fixture
def agreement(people: Any, programs: Any, orgs: Any) -> Any:
    """Halcyon's SOW with Meridian for Earbuds X2: version 1, a draft that passes the check."""
    return draft_ebx2(people.oem_buyer, programs["EBX2"], orgs["meridian"])
