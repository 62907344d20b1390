"""Search by value through the parts page, its export and GET /api/v1/parts?q=, on the persona
world, the demo's real Digi-Key and Octopart catalogues and a distributor-style parts list
whose values are only in the descriptions ("CAP CER 0.1UF 25V X5R 0402")."""

from __future__ import annotations

import csv
import importlib
import io
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from accord.api.tests.utils import API
from accord.demo import data_path
from accord.parts import services
from accord.parts.access import parts_visible_to
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import ApprovedSource, Part
from accord.parts.services.catalogue_import import import_catalogue
from accord.parts.value_keys import part_value_keys
from accord.web.tests.helpers import csv_rows, table, text

DEMO_CATALOGUES = [
    ("parts", "Digi-Key_digikey-kicad-library", "digikey_kicad_library_parts_flattened.csv"),
    ("parts", "octopart_CPL-Data", "cpl_parts_with_alternates_flattened.csv"),
]
# Rows as a distributor lists them: the value only in the description, the package beside it.
CERAMIC = "Capacitors > Ceramic Capacitors"
CHIP_RESISTOR = "Resistors > Chip Resistor - Surface Mount"
DISTRIBUTOR_ROWS = [
    ("Manufacturer", "MPN", "Description", "Category", "Package"),
    ("Samsung Electro-Mechanics", "CL05A104KA5NNNC", "CAP CER 0.1UF 25V X5R 0402", CERAMIC, "0402"),
    ("Murata Electronics", "GRM155R61E104KA87D", "CAP CER 0.1UF 25V X5R 0402", CERAMIC, "0402"),
    ("TDK Corporation", "C1608X7R1H104K080AA", "CAP CER 0.1UF 50V X7R 0603", CERAMIC, "0603"),
    ("Samsung Electro-Mechanics", "CL10A475KO8NNNC", "CAP CER 4.7UF 16V X5R 0603", CERAMIC, "0603"),
    ("Murata Electronics", "LQG15HSR10J02D", "FIXED IND 100NH 150MA 1.8 OHM SMD",
     "Inductors, Coils, Chokes > Fixed Inductors", "0402"),
    ("Yageo", "RC0402FR-0710KL", "RES 10K OHM 1% 1/16W 0402", CHIP_RESISTOR, "0402"),
    ("Stackpole Electronics Inc", "RMCF0603FT1R50", "RES 1.5 OHM 1% 1/10W 0603", CHIP_RESISTOR,
     "0603"),
]  # fmt: skip


def distributor_list() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(DISTRIBUTOR_ROWS)
    return out.getvalue().encode()


# Oracles, independent of the parser: how these values are written in the files.
TEN_K = r"(?<![\w.,])10\s?k(?:\s?(?:Ω|ohms?))?(?![\w.])"
HUNDRED_N = r"(?<![\w.,])(?:100\s?nF?|0\.1\s?[uµ]F?)(?![\w.])"
FOUR_U_SEVEN = r"(?<![\w.,])(?:4\.7\s?[uµ]F?|4[uµ]7F?)(?![\w.])"
ONE_R_FIVE = r"(?<![\w.,])(?:1\.5\s?(?:Ω|ohms?)|1R5)(?![\w.])"


@pytest.fixture
def catalogue(people: Any) -> None:
    for path in DEMO_CATALOGUES:
        import_catalogue(
            actor=people.oem_buyer, data=data_path(*path).read_bytes(), filename=path[-1]
        )
    import_catalogue(actor=people.oem_buyer, data=distributor_list(), filename="distributor.csv")


def oracle(people: Any, pattern: str, category: str, package: str | None = None) -> set[str]:
    """The buyer's parts of this category whose value or description writes the value so."""
    found = set()
    for number, value, description, name, pack in parts_visible_to(people.oem_buyer).values_list(
        "number", "value", "description", "category__name", "package"
    ):
        if category not in (name or "").lower():
            continue
        if package and package not in pack and package not in description:
            continue
        if re.search(pattern, value, re.I) or re.search(pattern, description, re.I):
            found.add(number)
    return found


def in_category(numbers: set[str], category: str) -> set[str]:
    names = dict(Part.objects.filter(number__in=numbers).values_list("number", "category__name"))
    return {n for n in numbers if category in (names[n] or "").lower()}


def search_everywhere(client: Any, q: str) -> set[str]:
    """The parts a search finds through the API, the export and the page, which must agree."""
    body = client.get(f"{API}/parts", {"q": q, "page_size": 200}).json()
    assert body["count"] <= 200
    api = [r["number"] for r in body["results"]]
    exported = csv_rows(client.get(reverse("part_list"), {"q": q, "format": "csv"}))
    export = [row[0] for row in exported[1:]]
    page = client.get(reverse("part_list"), {"q": q})
    shown = [re.sub(r" rev \S+$", "", row[0]) for row in table(page, "Parts") if len(row) > 1]
    assert export == api, q
    assert shown == api[:50], q
    if len(api) > 50:
        assert f"of {len(api)}" in text(page)
    return set(api)


def test_a_resistance_typed_every_way_finds_the_same_resistors(
    client_for: Any, people: Any, catalogue: None
) -> None:
    expected = oracle(people, TEN_K, "resistor")
    assert {
        "HAL-100-0002",  # the persona world's 10k
        "CPL-RES-0402-10K-0.063W",  # Octopart: "Resistor 10 kΩ ±1% 0402 63 mW"
        "4609X-101-103LF",  # Digi-Key: "RES ARRAY 8 RES 10K OHM 9SIP", no value field
        "P120PK-Y25BR10K",  # Digi-Key: "POT 10K OHM 1/20W PLASTIC LINEAR"
        "RC0402FR-0710KL",  # "RES 10K OHM 1% 1/16W 0402", no value field
    } <= expected
    client = client_for("oem_buyer")
    for q in ["10 kΩ", "10k", "10K", "10000", "10 kohm", "10K OHM"]:
        assert in_category(search_everywhere(client, q), "resistor") == expected, q


def test_100n_0402_finds_capacitors_whatever_their_value_field_says(
    client_for: Any, people: Any, catalogue: None
) -> None:
    expected = oracle(people, HUNDRED_N, "capacitor", package="0402")
    assert {
        "HAL-100-0001",  # value 100n
        "CPL-CAP-X7R-0402-100NF-16V",  # value "100 nF"
        "CL05A104KA5NNNC",  # no value: "CAP CER 0.1UF 25V X5R 0402"
        "GRM155R61E104KA87D",
    } <= expected
    assert "C1608X7R1H104K080AA" not in expected  # 0.1 µF but 0603
    client = client_for("oem_buyer")
    for q in ["100n 0402", "0.1u 0402", "0.1µF 0402", "100nF 0402", "0402 100 nF", "u1 0402"]:
        assert in_category(search_everywhere(client, q), "capacitor") == expected, q
    # A 100 nH inductor in 0402 is 100n, but not 100nF.
    assert "LQG15HSR10J02D" in search_everywhere(client, "100n 0402")
    assert "LQG15HSR10J02D" not in search_everywhere(client, "100nF 0402")
    assert "LQG15HSR10J02D" in search_everywhere(client, "0.1uH")
    assert search_everywhere(client, "100nH 0402") == {"LQG15HSR10J02D"}


def test_4u7_and_1r5_typed_every_way(client_for: Any, people: Any, catalogue: None) -> None:
    client = client_for("oem_buyer")
    capacitors = oracle(people, FOUR_U_SEVEN, "capacitor")
    assert {"CPL-CAP-X5R-0603-4.7UF-10V", "CL10A475KO8NNNC"} <= capacitors
    for q in ["4u7", "4.7uF", "4µ7", "4.7 µF", "4,7µF"]:
        assert in_category(search_everywhere(client, q), "capacitor") == capacitors, q
    resistors = oracle(people, ONE_R_FIVE, "resistor")
    assert resistors == {"RMCF0603FT1R50"}
    for q in ["1R5", "1.5Ω", "1.5 ohm", "1r5"]:
        assert in_category(search_everywhere(client, q), "resistor") == resistors, q
    # 1.5 kΩ is another value: the ferrite bead of 1.5 KOHM is not 1R5.
    assert "BLM18HE152SN1D" not in search_everywhere(client, "1.5Ω")


def test_voltage_and_frequency_words(client_for: Any, catalogue: None) -> None:
    client = client_for("oem_buyer")
    # HAL-200-0002: value 3V3, "LDO 3.3V 200mA"; HAL-300-0001: value 32MHz, "Crystal 32 MHz".
    for q in ["3.3 V", "3V3", "3.3V"]:
        assert "HAL-200-0002" in search_everywhere(client, q), q
    for q in ["32 MHz", "32MHz", "32000 kHz"]:
        assert "HAL-300-0001" in search_everywhere(client, q), q
    # Octopart's "16 MHz Crystal" has no value field: its description gives the frequency.
    assert "CPL-OSC-CRY-16MHZ-18PF" in search_everywhere(client, "16000 kHz")


def test_a_word_that_is_no_value_searches_the_text_as_before(
    client_for: Any, catalogue: None
) -> None:
    client = client_for("oem_buyer")
    assert search_everywhere(client, "GRM155R61") >= {"HAL-100-0001", "GRM155R61E104KA87D"}
    assert search_everywhere(client, "resistor 0402") >= {"HAL-100-0002"}
    # The literal text still matches where no value is read: "10K" inside an MPN.
    assert "RC0402FR-0710KL" in search_everywhere(client, "0710k")


def test_bulk_paths_write_the_keys_one_part_would_get(
    client_for: Any, people: Any, programs: Any, catalogue: None
) -> None:
    """Catalogue imports (Polars) and a BOM import (Polars) against the per-part parser."""
    services.import_bom(
        actor=people.other_oem_user,
        request=BomImportRequest(
            program=programs["RVC"],
            assembly_number="RVC-ODRIVE",
            revision="A",
            data=data_path(
                "boms", "odriverobotics_ODriveHardware", "BOM_v3.4_48V.csv"
            ).read_bytes(),
            filename="BOM_v3.4_48V.csv",
        ),
    )
    rows = list(Part.objects.values_list("value", "description", "category__name", "value_keys"))
    assert len(rows) > 1500
    assert [keys for *_, keys in rows] == [part_value_keys(v, d, c) for v, d, c, _ in rows]
    assert sum(1 for *_, keys in rows if keys) > 600  # hundreds of parts have values
    # The ODrive's "CAP CER 0.1UF 50V X7R 0603" lines (value 0.1uF), found by Roverly as 100n.
    found = search_everywhere(client_for("other_oem_user"), "100n 0603")
    descriptions = Part.objects.filter(number__in=found).values_list("description", flat=True)
    assert "CAP CER 0.1UF 50V X7R 0603" in descriptions


def test_editing_a_part_rewrites_its_keys(client_for: Any, people: Any, parts: Any) -> None:
    client = client_for("oem_buyer")
    part = parts["HAL-100-0002"]
    services.update_part(actor=people.oem_buyer, part=part, value="4k7")
    assert Part.objects.get(pk=part.pk).value_keys == "q47ep02r"
    assert "HAL-100-0002" in search_everywhere(client, "4.7 kΩ")
    assert "HAL-100-0002" not in search_everywhere(client, "10 kΩ")
    services.update_part(actor=people.oem_buyer, part=part, value="")
    assert Part.objects.get(pk=part.pk).value_keys == "q1ep04r"  # "Resistor 10k 1% 0402"
    created = services.create_part(
        actor=people.oem_buyer,
        number="HAL-100-0099",
        description="CAP CER 4.7UF 16V X5R 0603",
        category=services.get_or_create_category("Capacitors"),
    )
    assert created.value_keys == "q47em07f q16ep00v"
    assert "HAL-100-0099" in search_everywhere(client, "4u7 16V")


def test_the_migration_fills_the_keys_of_parts_stored_before(
    client_for: Any, people: Any, catalogue: None
) -> None:
    migration = importlib.import_module("accord.parts.migrations.0007_part_value_keys")
    expected = dict(Part.objects.values_list("pk", "value_keys"))
    # As 0005 left them: no keys, and a search text without the package.
    services.refresh_part_rollups(Part.objects.values_list("pk", flat=True))
    Part.objects.update(value_keys="")
    Part.objects.filter(number="CPL-CAP-X7R-0402-100NF-16V").update(
        search_text="cpl-cap-x7r-0402-100nf-16v capacitor 100 nf ±10% 16 v 100 nf murata"
    )
    client = client_for("oem_buyer")
    assert "CL05A104KA5NNNC" not in search_everywhere(client, "100n 0402")
    migration.fill_value_keys(django_apps, None)
    assert dict(Part.objects.values_list("pk", "value_keys")) == expected
    found = search_everywhere(client, "100n 0402")
    assert {"CL05A104KA5NNNC", "HAL-100-0001", "CPL-CAP-X7R-0402-100NF-16V"} <= found


def test_the_list_shows_the_preferred_source_a_person_may_see(
    client_for: Any, people: Any, parts: Any
) -> None:
    buyer = client_for("oem_buyer").get(f"{API}/parts", {"q": "HAL-100-0001"}).json()
    [row] = buyer["results"]
    assert row["preferred_source"] == {"manufacturer": "Murata", "mpn": "GRM155R61A104KA01D"}
    assert row["other_approved_sources"] == 1
    assert row["values"] == [{"quantity": "capacitance", "value": "0.0000001", "unit": "F"}]
    detail = client_for("oem_buyer").get(f"{API}/parts/{parts['HAL-100-0001'].pk}").json()
    assert (detail["preferred_source"], detail["other_approved_sources"]) == (
        row["preferred_source"],
        1,
    )
    # Arrowpoint sells the Murata line only: it sees neither Samsung's nor that there is one.
    seller = client_for("arrowpoint_rep")
    [row] = seller.get(f"{API}/parts", {"q": "HAL-100-0001"}).json()["results"]
    assert (row["preferred_source"]["mpn"], row["other_approved_sources"]) == (
        "GRM155R61A104KA01D",
        0,
    )
    detail = seller.get(f"{API}/parts/{parts['HAL-100-0001'].pk}").json()
    assert detail["other_approved_sources"] == 0
    cells = {r[0]: r for r in table(seller.get(reverse("part_list")), "Parts")}
    assert cells["HAL-100-0001"][3:5] == ["Murata", "GRM155R61A104KA01D"]
    # Rank decides, not the order of creation: rank the Samsung line first.
    ApprovedSource.objects.filter(
        part=parts["HAL-100-0001"], manufacturer_part__mpn="CL05A104KA5NNNC"
    ).update(rank=0)
    page = table(client_for("oem_buyer").get(reverse("part_list"), {"q": "HAL-100-0001"}), "Parts")
    assert page[0][3:5] == ["Samsung Electro-Mechanics", "CL05A104KA5NNNC +1 more"]
    seller_page = table(seller.get(reverse("part_list")), "Parts")
    assert {r[0]: r for r in seller_page}["HAL-100-0001"][4] == "GRM155R61A104KA01D"


def test_a_part_without_value_shows_the_one_its_description_gives(
    client_for: Any, catalogue: None
) -> None:
    page = client_for("oem_buyer").get(reverse("part_list"), {"q": "CL05A104KA5NNNC"})
    rows = {row[0]: row for row in table(page, "Parts")}
    assert rows["CL05A104KA5NNNC"][2] == "100 nF, 25 V"
    assert rows["HAL-100-0001"][2] == "100n"  # its own value, as typed
    assert 'title="Read from the description"' in page.content.decode()


def test_refreshing_statistics_merges_the_search_indexes_pending_entries(
    people: Any, catalogue: None
) -> None:
    """On PostgreSQL, new entries of a GIN index wait in a pending list that every search reads
    through; after bulk writes, refresh_planner_statistics merges them."""
    from django.db import connection

    from accord.core.db import refresh_planner_statistics

    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's")

    def pending_pages_merged() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list('parts_part_search_trgm'::regclass) "
                "+ gin_clean_pending_list('parts_part_value_keys_trgm'::regclass)"
            )
            return int(cursor.fetchone()[0])

    assert pending_pages_merged() > 0  # the catalogue imports left entries pending
    import_catalogue(actor=people.oem_buyer, data=distributor_list(), filename="again.csv")
    services.refresh_part_rollups(Part.objects.values_list("pk", flat=True))
    refresh_planner_statistics()
    assert pending_pages_merged() == 0
