"""`accord scorecards`: the month's scores of the cards one may see, and the template's rules
shown and saved from the command line by an administrator."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.services import compute_cards
from accord.scorecards.tests.test_cards import AS_OF, october  # noqa: F401


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scorecards", *args, stdout=out)
    return out.getvalue()


def test_the_months_scores(october, tmp_path):  # noqa: F811
    compute_cards(october["template"], as_of=AS_OF)
    [row] = json.loads(run("--month", "2026-10", "--format", "json", "--as", "oem_buyer"))
    assert (row["of"], row["month score"], row["month grade"]) == (
        "Sunridge Acoustics",
        "39.9",
        "D",
    )
    # The supplier sees the same numbers, on its own card.
    [seen] = json.loads(run("--month", "2026-10", "--format", "json", "--as", "supplier_rep"))
    assert (seen["kept by"], seen["month score"], seen["as"]) == (
        "Halcyon Devices",
        "39.9",
        "supplier",
    )
    assert run("--as", "ems_planner").strip() == "No card that you may see."
    csv_out = run("--month", "2026-09", "--format", "csv", "--as", "oem_buyer").splitlines()
    assert csv_out[0].startswith("kept by,of,as,month") and "no data" in csv_out[1]


def test_rules_shown_and_saved(october, tmp_path):  # noqa: F811
    rules = json.loads(run("--show-template", "suppliers", "--as", "oem_buyer"))
    assert rules["days_late"] == 2 and rules["counting_unit"] == "line"
    changed = tmp_path / "rules.json"
    changed.write_text(json.dumps({"days_late": 5}), encoding="utf-8")
    said = run("--set-template", "suppliers", "--rules", str(changed), "--as", "oem_buyer")
    assert "Saved version 2" in said
    assert ScorecardTemplate.objects.get(pk=october["template"].pk).days_late == 5
    with pytest.raises(CommandError, match="403"):
        run("--set-template", "suppliers", "--rules", str(changed), "--as", "oem_engineer")
    changed.write_text(json.dumps({"colour": "red"}), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown rules colour"):
        run("--set-template", "suppliers", "--rules", str(changed), "--as", "oem_buyer")
    with pytest.raises(CommandError, match="not a month"):
        run("--month", "2026-13", "--as", "oem_buyer")
