"""The page envelope, and a number of SQL queries that does not grow with the page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.tests.utils import API, numbers
from accord.parts import services as part_services


def test_page_envelope_with_next_and_previous(client_for):
    client = client_for("oem_buyer")
    first = client.get(f"{API}/parts?page_size=5&sort=number").json()
    assert (first["count"], first["page"], first["page_size"]) == (14, 1, 5)
    assert len(first["results"]) == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/parts?page_size=5&sort=number&page=2"
    last = client.get(f"{API}/parts?page_size=5&sort=number&page=3").json()
    assert [p["number"] for p in last["results"]] == [
        "HAL-400-0001",
        "HAL-500-0001",
        "HAL-600-0001",
        "PHRM-MAIN",
    ]
    assert last["next"] is None
    assert last["previous"].endswith("page=2")


def test_pages_cover_every_row_once(client_for):
    client = client_for("oem_buyer")
    everything = numbers(client.get(f"{API}/parts?page_size=200"))
    paged = []
    for page in (1, 2, 3, 4, 5):
        paged += numbers(client.get(f"{API}/parts?page_size=3&page={page}"))
    assert paged == everything
    assert len(set(everything)) == 14


def test_page_past_the_end_is_empty_not_an_error(client_for):
    body = client_for("oem_buyer").get(f"{API}/parts?page=99").json()
    assert body["count"] == 14 and body["results"] == [] and body["next"] is None


def test_default_and_maximum_page_size(client_for):
    client = client_for("oem_buyer")
    assert client.get(f"{API}/parts").json()["page_size"] == 50
    assert client.get(f"{API}/parts?page_size=200").status_code == 200
    assert client.get(f"{API}/parts?page_size=201").status_code == 422


def _more_parts(people, n: int) -> None:
    for i in range(n):
        part_services.create_part(actor=people.oem_buyer, number=f"BULK-{i:03}", description="x")


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), len(response.json()["results"])


def test_part_list_queries_do_not_grow_with_the_page(client_for, people):
    _more_parts(people, 40)
    client = client_for("oem_buyer")
    client.get(f"{API}/me")  # warm the session
    small, small_rows = _queries(client, f"{API}/parts?page_size=10")
    large, large_rows = _queries(client, f"{API}/parts?page_size=100")
    assert (small_rows, large_rows) == (10, 54)
    assert small == large


def test_other_lists_do_not_grow_with_the_page(client_for, people):
    _more_parts(people, 12)
    client = client_for("oem_buyer")
    for path in ["/events", "/boms", "/programs", "/ndas", "/organisations"]:
        small, small_rows = _queries(client, f"{API}{path}?page_size=1")
        large, large_rows = _queries(client, f"{API}{path}?page_size=200")
        assert large_rows > small_rows == 1, path
        assert small == large, path
