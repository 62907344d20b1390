"""Fixtures shared by every app's tests: the persona world, built once per test database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from accord.demo.personas import PERSONAS, build_world
from accord.orgs.models import Organisation, Person, Program
from accord.parts.models import Bom, Part


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under PostgreSQL, skip the browser tests: each starts its own server on a fresh SQLite
    file whatever the suite's database (accord/web/tests/live_server.py), so they would repeat
    the SQLite run of the suite exactly, on a 2-core machine, for no added coverage."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(
        reason="browser tests run on their own SQLite server: the SQLite run of the suite runs them"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        build_world()
    yield


class People(dict[str, Person]):
    def __getattr__(self, name: str) -> Person:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def load_people() -> People:
    return People({p.username: p for p in Person.objects.select_related("organisation")})


def load_programs() -> dict[str, Program]:
    return {p.code: p for p in Program.objects.all()}


def load_orgs() -> dict[str, Organisation]:
    return {o.slug.split("-")[0]: o for o in Organisation.objects.all()}


def add_matrix_accounts(people: Any) -> dict[str, Person]:
    """Two accounts of the buyer's organisation the access matrices try besides the personas:
    one deactivated, one never given a password."""
    from accord.orgs.services import add_person, deactivate_person

    buyer = people.oem_buyer
    deactivated, _ = add_person(
        actor=buyer, organisation=buyer.organisation, username="gone", email="gone@halcyon.example"
    )
    deactivate_person(actor=buyer, person=deactivated)
    no_password, _ = add_person(
        actor=buyer,
        organisation=buyer.organisation,
        username="newcomer",
        email="new@halcyon.example",
    )
    return {"deactivated": deactivated, "no_password": no_password}


def load_parts() -> dict[str, Part]:
    return {p.number: p for p in Part.objects.all()}


def load_boms() -> dict[str, Bom]:
    return {b.assembly.number: b for b in Bom.objects.select_related("assembly")}


@pytest.fixture
def people(db: Any) -> People:
    return load_people()


@pytest.fixture
def programs(db: Any) -> dict[str, Program]:
    return load_programs()


@pytest.fixture
def orgs(db: Any) -> dict[str, Organisation]:
    return load_orgs()


@pytest.fixture
def parts(db: Any) -> dict[str, Part]:
    return load_parts()


@pytest.fixture
def boms(db: Any) -> dict[str, Bom]:
    return load_boms()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """One transaction around a test module, rolled back at its end: rows its module-scoped
    fixtures build (the access matrices' worlds) are built once, and every test's own
    transaction is a savepoint inside it, rolled back after the test as usual. For modules of
    non-transactional tests only (a TransactionTestCase would flush the database)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # what TestCase marks its own: durable blocks may nest
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def client_for(db: Any) -> Any:
    """client_for("oem_buyer") is a test client signed in as that persona; "anonymous" is not."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            assert persona in PERSONAS or Person.objects.filter(username=persona).exists()
            client.force_login(Person.objects.get(username=persona))
        return client

    return make


# A database shared with real worker processes, for the crash tests of the task worker.
from accord.core.tests.shared_db import shared_database, shared_db_template  # noqa: E402

__all__ = [
    "People",
    "load_boms",
    "load_orgs",
    "load_parts",
    "load_people",
    "load_programs",
    "shared_database",
    "shared_db_template",
]
