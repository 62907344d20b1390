"""The demo's scorecards: Halcyon rates its suppliers and Meridian its customers, each with the
default rules its administrator saved, computed from the demo's orders, deliveries and
schedules. (Two years of history to tell a story with come with the rest of scorecards.)"""

from __future__ import annotations

from accord.demo.personas import World
from accord.scorecards.choices import Direction
from accord.scorecards.services import compute_cards, rules_of, save_template, template_of


def start_scorecards(world: World) -> None:
    for username, organisation, direction in (
        ("oem_buyer", "halcyon", Direction.SUPPLIERS),
        ("ems_planner", "meridian", Direction.CUSTOMERS),
    ):
        defaults = template_of(world.orgs[organisation], direction)
        saved = save_template(actor=world.people[username], template=defaults, **rules_of(defaults))
        compute_cards(saved, whole_history=True)
