"""The fixed cost of a request: building querysets is Python work that no query count shows.

A part detail used to call QuerySet.filter() 33 times (about 15 ms of Django building and
compiling nested subqueries, for five sub-millisecond queries). The access rules now start from
the person's Reach, read once per request: this test fails if the part page or the API detail
goes back to building more querysets than the budget, whoever asks (owner, partner under an
NDA, seller). Counting calls is stable where milliseconds on a shared machine are not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.api.tests.utils import API

# (persona, part) -> the most filter()/exclude() calls and SQL queries a read may cost.
# The queries include the session and the person (the test client signs in with a session),
# the person's programs and NDAs (Reach), and the access-log entries of restricted reads.
# The page also reads the sources' lifecycle notices (one filter) and, for an administrator,
# the organisations connected with theirs among the add-source form's suppliers (one more).
# Every page's header counts the person's unread notifications (one filter, one query).
BUDGETS = {
    ("oem_buyer", "HAL-200-0001"): {"page": (16, 11), "api": (8, 7)},
    ("ems_planner", "HAL-400-0001"): {"page": (21, 14), "api": (17, 11)},
    ("supplier_rep", "HAL-400-0001"): {"page": (23, 12), "api": (19, 9)},
}


@contextmanager
def counted_filters() -> Iterator[list[int]]:
    calls = [0]
    filter_, exclude = QuerySet.filter, QuerySet.exclude

    def counting_filter(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        calls[0] += 1
        return filter_(self, *args, **kwargs)

    def counting_exclude(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        calls[0] += 1
        return exclude(self, *args, **kwargs)

    with (
        mock.patch.object(QuerySet, "filter", counting_filter),
        mock.patch.object(QuerySet, "exclude", counting_exclude),
    ):
        yield calls


@pytest.mark.parametrize(("persona", "number"), sorted(BUDGETS))
def test_a_part_detail_builds_few_querysets(
    client_for: Any, parts: Any, persona: str, number: str
) -> None:
    client = client_for(persona)
    part = parts[number]
    urls = {"page": reverse("part_detail", args=[part.pk]), "api": f"{API}/parts/{part.pk}"}
    for kind, url in urls.items():
        assert client.get(url).status_code == 200  # the session is loaded and kept
        with counted_filters() as calls, CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        most_filters, most_queries = BUDGETS[(persona, number)][kind]
        assert calls[0] <= most_filters, (kind, calls[0])
        assert len(queries) <= most_queries, (kind, [q["sql"][:80] for q in queries])


def test_the_counter_counts(people: Any) -> None:
    """A budget that could not be exceeded would prove nothing."""
    from accord.parts.access import parts_visible_to

    with counted_filters() as calls:
        parts_visible_to(people.ems_planner).filter(number="x").exclude(number="y")
    assert calls[0] >= 3
