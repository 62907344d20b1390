"""The demo workspace: the enrichment, the demo passwords, the logins table, `accord demo`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate

from accord.core.models import Event
from accord.demo import DATA_DIR, DEMO_PASSWORD, data_path
from accord.demo.agreements import SECOND_EMS_ADMIN
from accord.demo.loader import (
    DEMO_USERNAMES,
    EXTRA_PEOPLE,
    PROGRAM_STORY,
    demo_logins,
    enrich_world,
    format_logins,
    world_from_db,
)
from accord.demo.services import set_demo_passwords
from accord.orgs.access import programs_visible_to
from accord.orgs.models import Person, Program


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_enrichment_adds_people_who_see_only_their_programs(db):
    enrich_world(world_from_db())
    assert Person.objects.filter(username__in=[p[0] for p in EXTRA_PEOPLE]).count() == len(
        EXTRA_PEOPLE
    )
    pm = Person.objects.get(username="oem_program_manager")
    assert pm.organisation is not None and pm.organisation.slug.startswith("halcyon")
    assert codes(programs_visible_to(pm)) == {"EBX2", "PHRM"}
    assert codes(programs_visible_to(Person.objects.get(username="ems_executive"))) == {
        "EBX2",
        "PHRM",
        "RVC",
    }
    # Need-to-know still holds: nobody at Halcyon sees Roverly's program.
    for person in Person.objects.filter(organisation__slug__startswith="halcyon"):
        assert "RVC" not in codes(programs_visible_to(person))


def test_enrichment_tells_each_program_story_with_an_event(db):
    enrich_world(world_from_db())
    for code, (description, status) in PROGRAM_STORY.items():
        program = Program.objects.get(code=code)
        assert program.description == description
        assert program.status == status
        assert Event.objects.filter(
            verb="updated program", object_type="orgs.program", object_id=str(program.pk)
        ).exists()


def test_demo_password_signs_everyone_in(db):
    enrich_world(world_from_db())
    # The second EMS's administrator joins later, with the agreements story.
    enriched = [u for u in DEMO_USERNAMES if u != SECOND_EMS_ADMIN]
    changed = set_demo_passwords(actor=None, usernames=DEMO_USERNAMES, password=DEMO_PASSWORD)
    assert changed == len(enriched)
    for username in enriched:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert authenticate(username="oem_buyer", password="oem_buyer") is None
    events = Event.objects.filter(verb="set demo passwords")
    assert sorted(u for e in events for u in e.changes["people"]) == sorted(enriched)
    assert events.count() == len(
        {p.organisation_id for p in Person.objects.filter(username__in=DEMO_USERNAMES)}
    )


def test_logins_table_shows_what_each_person_sees(db):
    rows = {row.username: row for row in demo_logins()}
    assert set(rows) <= set(DEMO_USERNAMES)
    assert rows["outsider"].sees.startswith("no program")
    assert rows["nda_expired_partner"].sees.startswith("EBX2 (restricted data: none)")
    assert rows["ems_planner"].sees.startswith("EBX2, PHRM, RVC;")
    table = format_logins()
    assert table.splitlines()[0].startswith("username")
    assert "oem_buyer" in table and "Halcyon Devices (OEM)" in table


def test_demo_data_ships_with_the_package_and_its_sources():
    csvs = sorted(DATA_DIR.rglob("*.csv"))
    assert len(csvs) == 6
    for csv in csvs:
        sources = csv.parent / "SOURCES.md"
        assert sources.is_file(), csv
        text = sources.read_text()
        assert csv.name in text and "commit" in text and "Licence" in text
    assert data_path("boms", "glasgowembedded_glasgow", "revC3_bom.csv").stat().st_size == 10580
    # Byte for byte: the ODrive file stays Windows-1252 (0xB5 is the micro sign).
    assert (
        b"\xb5"
        in data_path("boms", "odriverobotics_ODriveHardware", "BOM_v3.4_48V.csv").read_bytes()
    )
    with pytest.raises(ValueError):
        data_path("..", "__init__.py")


def _command_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="accord.settings",
        ACCORD_ENV="test",  # the fast password hasher; otherwise the development settings
        ACCORD_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    return env


def readme_logins() -> list[tuple[str, ...]]:
    """README's demo logins table: username, organisation, role, programs, note."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$", readme, re.M)
    assert len(rows) == len(DEMO_USERNAMES)
    return rows


def printed_logins(output: str) -> list[tuple[str, ...]]:
    """The same columns from the table `accord demo` prints (programs; counts; note)."""
    rows: list[tuple[str, ...]] = []
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip(), maxsplit=3)
        if len(cells) == 4 and cells[0] in DEMO_USERNAMES:
            sees = cells[3].split("; ")
            rows.append((cells[0], cells[1], cells[2], sees[0], "; ".join(sees[2:])))
    return rows


def test_accord_demo_migrates_loads_and_prints_the_logins(tmp_path):
    env = _command_env(tmp_path)
    command = [sys.executable, "-m", "accord.cli", "demo", "--no-serve"]
    first = subprocess.run(  # noqa: S603
        command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=180
    )
    assert first.returncode == 0, first.stderr
    assert "Loading the demo workspace" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    for username in DEMO_USERNAMES:
        assert username in first.stdout
    assert readme_logins() == printed_logins(first.stdout)
    again = subprocess.run(  # noqa: S603
        command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    assert "already has organisations" in again.stdout
    assert "oem_buyer" in again.stdout


def test_accord_demo_refuses_production(tmp_path):
    env = _command_env(tmp_path) | {"ACCORD_ENV": "production"}
    result = subprocess.run(
        [sys.executable, "-m", "accord.cli", "demo", "--no-serve"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "refuses" in result.stderr
    assert not (tmp_path / "demo.sqlite3").exists()


def test_demo_imports_the_real_files_through_the_importers(db):
    from accord.demo.loader import REAL_BOMS, import_real_files
    from accord.parts.models import Bom

    world = world_from_db()
    import_real_files(world)
    for _path, code, assembly, _description, revision, released, _who in REAL_BOMS:
        bom = Bom.objects.get(program__code=code, assembly__number=assembly, revision=revision)
        assert bom.lines.exists()
        assert (bom.status == "released") == released
        assert Event.objects.filter(verb="imported BOM", object_id=str(bom.pk)).exists()
    # The Glasgow revC3 file as Pulse HRM's main board: 57 lines, 224 placements, 4 DNP.
    phrm = Bom.objects.get(program__code="PHRM", assembly__number="PHRM-MAIN", revision="B")
    lines = list(phrm.lines.all())
    assert len(lines) == 57
    assert sum(line.quantity for line in lines if not line.dnp) == 224
    assert sum(1 for line in lines if line.dnp) == 4
    # The manufacturers' notices reached the parts that use those MPNs.
    esd = phrm.lines.get(part__sources__manufacturer_part__mpn="ESD5Z5.0T1G").part
    assert esd.lifecycle == "nrnd"
    assert Event.objects.filter(verb="imported catalogue").count() == 2
    # The demo's history shows only what the product allows: parts lists are OEMs' to load.
    kinds = set(
        Event.objects.filter(verb="imported catalogue").values_list(
            "actor__organisation__kind", flat=True
        )
    )
    assert kinds == {"oem"}


def test_demo_tells_the_supply_story(db):
    """The earbuds' controller goes short in week 6 because Arrowpoint pushed its confirmed
    date, and the week-6 earbuds are held back by it, in the EMS planner's stored plan."""
    from accord.demo.loader import import_real_files
    from accord.demo.supply import load_supply_story
    from accord.demo.supply_story import CONTROLLER_MPN, tell_supply_story
    from accord.planning.models import BuildClearance, PartPlan, PlanRun

    world = world_from_db()
    import_real_files(world)
    load_supply_story(world)
    tell_supply_story(world)
    planner = Person.objects.get(username="ems_planner")
    run = PlanRun.objects.get(program__code="EBX2", person=planner)
    controller = PartPlan.objects.get(run=run, part__sources__manufacturer_part__mpn=CONTROLLER_MPN)
    # 1,800 on hand + 1,200 in week 3 against 400 a week from week 2 (earbuds from week 4, two
    # weeks of build lead time) and 1,200 main boards in week 5 (due in week 6, one week to
    # build): 200 short in week 6; the 2,400 pushed to week 9 arrive then.
    assert controller.first_shortage_week == 6
    assert controller.projected[2:10] == [1400, 2200, 1800, 200, -200, -600, -1000, 1000]
    assert controller.receipts[9] == 2400
    assert run.short_count >= 1
    # Clear-to-build serves the builds in due order: the earbuds of weeks 4 to 7 and the main
    # boards of week 6 take 2,800 of the 3,000 controllers there by week 8; the week-8 earbuds
    # get 200 of their 400.
    held = BuildClearance.objects.get(run=run, build__reference="EBX2-L wk8")
    assert held.buildable == 200
    assert held.limiting == [{"part": controller.part_id, "short": 200}]

    # The controller's second approved source, stocked by Arrowpoint, covers its gap.
    from decimal import Decimal

    from accord.demo.supply_story import (
        ALTERNATE_CONTROLLER_MPN,
        CANDIDATE_RESISTOR_MPN,
        SHORT_RESISTOR,
    )
    from accord.planning.alternates import alternates_for
    from accord.planning.models import PartRisk

    found = alternates_for(planner, controller.part, Decimal(str(controller.quantity_short)))
    covering = [option.mpn for option in found.approved if option.covers]
    assert covering == [ALTERNATE_CONTROLLER_MPN]
    # The heart-rate monitor: its 10 kΩ resistors run short at the third build (week 14), and
    # a parametric candidate in stock at Arrowpoint covers them; its KEMET capacitor's
    # last-time-buy date comes before the last build.
    monitor_run = PlanRun.objects.get(program__code="PHRM", person=planner)
    resistor = PartPlan.objects.get(run=monitor_run, part__number=SHORT_RESISTOR)
    assert (resistor.first_shortage_week, resistor.quantity_short) == (14, 3600)
    found = alternates_for(planner, resistor.part, Decimal(3600))
    assert found.kind == "resistor"
    assert [(c.mpn, c.covers) for c in found.candidates][:1] == [(CANDIDATE_RESISTOR_MPN, True)]
    assert PartRisk.objects.filter(
        run=monitor_run,
        kind="lifecycle",
        part__sources__manufacturer_part__mpn="A765EB157M1ALAE022",
        detail__startswith="Last-time-buy date",
    ).exists()
    assert monitor_run.short_count == 1


def test_demo_supply_story_shows_each_organisation_its_share(db):
    from decimal import Decimal

    from accord.demo.supply import load_supply_story
    from accord.supply.access import orders_visible_to, stock_visible_to
    from accord.supply.models import Build, PurchaseOrder, StockItem

    load_supply_story(world_from_db())
    soc = StockItem.objects.get(
        site__code="PEN1", part__number="HAL-200-0001", owner__slug__startswith="meridian"
    )
    assert soc.on_hand == Decimal(1200 - 240 - 3)  # received, issued to the build, counted
    build = Build.objects.get(assembly__number="EBX2-PCBA")
    assert (build.version, build.quantity, build.firmness) == (2, Decimal(1200), "firm")
    statuses = dict(PurchaseOrder.objects.values_list("number", "status"))
    assert statuses == {
        "PO-2026-0147": "acknowledged",
        "PO-2026-0152": "issued",
        "PO-2026-0160": "draft",
    }
    people = {p.username: p for p in Person.objects.all()}
    owners = {
        username: set(stock_visible_to(people[username]).values_list("owner__slug", flat=True))
        for username in ("oem_buyer", "other_oem_user", "supplier_rep")
    }
    assert {o.split("-")[0] for o in owners["oem_buyer"]} == {"halcyon", "meridian"}
    assert {o.split("-")[0] for o in owners["other_oem_user"]} == {"roverly", "meridian"}
    assert owners["supplier_rep"] == set()
    sunridge = set(orders_visible_to(people["supplier_rep"]).values_list("number", flat=True))
    assert sunridge == {"PO-2026-0147"}  # PO-2026-0160 is still Halcyon's draft
