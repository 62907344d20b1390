"""Every API operation x every persona: the status each one gets, and nothing changed on a refusal.

HOW TO ADD AN ENTRY (a new operation fails test_every_operation_is_in_the_matrix until you do):
key API_MATRIX by the method and the path exactly as in the OpenAPI schema without "/api/v1",
and give one or more `case(...)` (the second and later ones of an operation need a `label`):

    ("POST", "/boms"): [
        case(
            lambda w: "/boms",                                   # concrete path from the world
            expect(HALCYON, status=201, forbidden=[...]),        # all 9 personas; default 404
            body=lambda w: {"program_id": w["EBX2"].pk, ...},    # JSON body (writes)
        ),
    ],

A file upload: `multipart=True` and a body of form fields and files (SimpleUploadedFile).
`logged=` names the personas whose successful read of another organisation's restricted data
must add an access-log entry: a list of personas (one entry each, for one object), or persona ->
the number of entries, or persona -> the rows of each entry (a tuple, e.g. `(3,)`: a list or a
search writes one entry per owning organisation with the number of its restricted rows it
returned). `sees=` picks what a successful response shows (e.g. the usernames of the members)
and `seen=` says what each persona must see there: need-to-know within a visible object (a
seller sees only the owner's people and its own). `w` is the `world` fixture below: people by
username, programs by code, "part:<number>", "bom:<assembly number>", "org:<slug start>", NDAs
by reference, and a few named rows ("buyer_token"; "caller_token", the token the persona signs
in with). Add what you need there.

Reason each expectation from the access rules (docs: DESIGN.md, "Need-to-know access"), never
from what the code answers: anonymous 401; cannot see it 404 (for writes too); sees it but may
not do it 403. Where the code disagrees, keep the rule's status, mark that persona with
`xfail={persona: "why"}` (a status that disagrees) or `xfail_log={persona: "why"}` (an access
log that disagrees); both are strict and fail for that reason only. Report it.

Personas authenticate with a personal API token (no CSRF); `session=True` uses the browser
session instead (token creation is session-only by design). Every POST carries a fresh
Idempotency-Key, so a refusal must not leave an idempotency record behind either.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.test import Client

from accord.agreements.models import (
    Agreement,
    AgreementVersion,
    FeeRequest,
    FlexException,
    Invoice,
    InvoiceLine,
    Rfq,
    RfqQuote,
    Signature,
)
from accord.api.api import api
from accord.api.auth import SAFE_METHODS
from accord.api.tests.access_matrix.agreements_cases import AGREEMENTS_MATRIX
from accord.api.tests.access_matrix.audit_changes_cases import AUDIT_CHANGES_MATRIX
from accord.api.tests.access_matrix.audits_cases import AUDITS_MATRIX
from accord.api.tests.access_matrix.capabilities_cases import CAPABILITIES_MATRIX
from accord.api.tests.access_matrix.cases import API_MATRIX as CORE_MATRIX
from accord.api.tests.access_matrix.cases import MATRIX_PDF, PERSONAS, World
from accord.api.tests.access_matrix.checkins_cases import CHECKINS_MATRIX
from accord.api.tests.access_matrix.flex_cases import FLEX_MATRIX
from accord.api.tests.access_matrix.notifications_cases import NOTIFICATIONS_MATRIX
from accord.api.tests.access_matrix.partners_cases import PARTNERS_MATRIX
from accord.api.tests.access_matrix.planning_cases import PLANNING_MATRIX, planning_world
from accord.api.tests.access_matrix.rfq_invoice_cases import RFQ_INVOICE_MATRIX
from accord.api.tests.access_matrix.scorecards_cases import SCORECARDS_MATRIX
from accord.api.tests.access_matrix.supply_cases import SUPPLY_MATRIX
from accord.api.tests.access_matrix.supply_import_cases import SUPPLY_IMPORT_MATRIX
from accord.api.tests.access_matrix.threads_cases import THREADS_MATRIX
from accord.api.tests.utils import API, send
from accord.conftest import (
    add_matrix_accounts,
    load_boms,
    load_orgs,
    load_parts,
    load_people,
    load_programs,
)
from accord.core.models import AccessLogEntry, ApiToken, Event
from accord.core.services import create_api_token
from accord.orgs.models import (
    Connection,
    Invitation,
    Nda,
    Organisation,
    Person,
    Program,
    ProgramMember,
    ProgramPartner,
)
from accord.orgs.services import (
    SignedDocument,
    create_organisation,
    invite_organisation,
    invite_person,
    register_nda,
)
from accord.partners.models import (
    Audit,
    Certificate,
    CertificateEvidence,
    EightD,
    EightDStep,
    Finding,
    FindingEvidence,
    ProgramRequirement,
    SiteCapability,
    SiteProfile,
)
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomLine,
    LifecycleNotice,
    ManufacturerPart,
    Part,
)
from accord.supply.models import (
    Allocation,
    Build,
    PurchaseOrder,
    PurchaseOrderLine,
    Site,
    StockItem,
    StockLevel,
    SupplierOffer,
)

# Every app's operations: the core, orgs and parts ones (cases.py), planning's, supply's (whose
# world is built lazily by its cases' URLs: supply_cases.supply_world), the supply imports' and
# the scorecards' (scorecards_cases.py, lazily too), the agreements' (agreements_cases.py,
# lazily too), the RFQs' and invoices' (rfq_invoice_cases.py, lazily too) and the
# certificates' (partners_cases.py, lazily too).
API_MATRIX = {
    **CORE_MATRIX,
    **PLANNING_MATRIX,
    **SUPPLY_MATRIX,
    **SUPPLY_IMPORT_MATRIX,
    **SCORECARDS_MATRIX,
    **AGREEMENTS_MATRIX,
    **RFQ_INVOICE_MATRIX,
    **FLEX_MATRIX,
    **PARTNERS_MATRIX,
    **CAPABILITIES_MATRIX,
    **AUDITS_MATRIX,
    **AUDIT_CHANGES_MATRIX,
    **NOTIFICATIONS_MATRIX,
    **THREADS_MATRIX,
    **CHECKINS_MATRIX,
}


@pytest.fixture(scope="module")
def module_world(module_transaction: None) -> World:
    """The rows every case shares, built once for the module's cases (each case rolls back
    what it changes)."""
    return _shared_world(load_people(), load_programs(), load_parts(), load_boms(), load_orgs())


@pytest.fixture
def world(module_world: World, db: Any) -> World:
    """The shared rows and, per case, the apps' worlds, each built on the case's first use
    (inside the case's transaction: the apps' worlds were never built together)."""
    people, programs = module_world["people"], module_world["programs"]
    return {**module_world, **planning_world(people, programs)}


def _shared_world(people: Any, programs: Any, parts: Any, boms: Any, orgs: Any) -> World:
    buyer_token, _ = create_api_token(actor=people.oem_buyer, name="buyer script")
    buyer, halcyon = people.oem_buyer, people.oem_buyer.organisation
    accounts = add_matrix_accounts(people)
    nda_with_document = register_nda(
        actor=buyer,
        reference="NDA-WITH-DOCUMENT",
        party_a=halcyon,
        party_b=orgs["meridian"],
        effective_date=dt.date(2026, 1, 1),
        expiry_date=None,
        document=SignedDocument(MATRIX_PDF, "signed.pdf"),
    )
    return {
        **people,
        **programs,
        **{f"part:{number}": part for number, part in parts.items()},
        **{f"bom:{assembly}": bom for assembly, bom in boms.items()},
        **{f"org:{key}": org for key, org in orgs.items()},
        **{n.reference: n for n in Nda.objects.all()},
        "buyer_token": buyer_token,
        **accounts,
        "nda_with_document": nda_with_document,
        "people": people,
        "programs": programs,
        "unconnected": create_organisation(actor=None, name="Matrix Unconnected", kind="supplier"),
        "invitation": invite_person(actor=buyer, email="someone@halcyon.example"),
        "connection": invite_organisation(actor=people.outsider, accord_id=halcyon.slug),
        "nordic_source": ApprovedSource.objects.get(part=parts["HAL-200-0001"]),
        "sunridge_source": ApprovedSource.objects.get(
            part=parts["HAL-400-0001"], manufacturer_part__mpn="SA-BA-3110"
        ),
        "yageo_source": ApprovedSource.objects.get(
            part=parts["HAL-100-0002"], manufacturer_part__mpn="RC0402FR-0710KL"
        ),
    }


def caller(persona: str, world: World, *, session: bool) -> Client:
    """The persona's client: a fresh personal API token, or the signed-in browser session."""
    if persona == "anonymous":
        world["caller_token"] = world["buyer_token"]
        return Client()
    person: Person = world[persona]
    token, secret = create_api_token(actor=person, name="access matrix")
    world["caller_token"] = token
    if session:
        client = Client()
        client.force_login(person)
        return client
    return Client(headers={"Authorization": f"Bearer {secret}"})


# The fingerprint: everything a request could change ----------------------------------------

COUNTED_APPS = ("core", "orgs", "parts", "supply", "agreements", "partners", "threads")
# Rows compared field by field. ApiToken.last_used_at moves on every authenticated request.
HASHED: dict[type[Model], tuple[str, ...]] = {
    Organisation: (),
    Person: ("last_login",),
    Invitation: (),
    Connection: (),
    LifecycleNotice: (),
    Part: (),
    ApprovedSource: (),
    ManufacturerPart: (),
    Program: (),
    ProgramPartner: (),
    ProgramMember: (),
    Bom: (),
    BomLine: (),
    Nda: (),
    Nda.programs.through: (),
    ApiToken: ("last_used_at",),
    Site: (),
    StockItem: (),
    StockLevel: (),
    PurchaseOrder: (),
    PurchaseOrderLine: (),
    Build: (),
    SupplierOffer: (),
    Allocation: (),
    Agreement: (),
    AgreementVersion: (),
    Signature: (),
    Rfq: (),
    RfqQuote: (),
    Invoice: (),
    FlexException: (),
    InvoiceLine: (),
    FeeRequest: (),
    Certificate: (),
    CertificateEvidence: (),
    SiteCapability: (),
    SiteProfile: (),
    ProgramRequirement: (),
    Audit: (),
    Finding: (),
    EightD: (),
    EightDStep: (),
    FindingEvidence: (),
}


@dataclass(frozen=True)
class FingerprintSql:
    counts: str  # one row: the count of each model, then the last event id and access-log id
    count_labels: list[str]
    rows: dict[str, str]  # model label -> SELECT of its rows in primary-key order


@functools.cache
def _fingerprint_sql() -> FingerprintSql:
    """Raw SQL, built once: the fingerprint is taken twice for each of hundreds of cases.
    Every name in it comes from the models' metadata, quoted."""
    q = connection.ops.quote_name
    models = [
        model
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    columns = [f"(SELECT COUNT(*) FROM {q(m._meta.db_table)})" for m in models]  # noqa: S608
    columns += [
        f"(SELECT MAX(id) FROM {q(m._meta.db_table)})"  # noqa: S608
        for m in (Event, AccessLogEntry)
    ]
    rows = {}
    for model, skip in HASHED.items():
        names = [q(f.column) for f in model._meta.concrete_fields if f.attname not in skip]
        rows[model._meta.label] = (
            f"SELECT {', '.join(names)} FROM {q(model._meta.db_table)} "  # noqa: S608
            f"ORDER BY {q(model._meta.pk.column)}"
        )
    return FingerprintSql(
        counts="SELECT " + ", ".join(columns),
        count_labels=[m._meta.label for m in models],
        rows=rows,
    )


def fingerprint() -> dict[str, Any]:
    """Row counts of every model of core, orgs, parts, supply and agreements, digests of the
    rows a write could touch, the last event and the last access-log entry."""
    sql = _fingerprint_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.counts)
        *counts, last_event, last_read = cursor.fetchone()
        digests = {}
        for label, select in sql.rows.items():
            cursor.execute(select)
            digests[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return {
        "counts": dict(zip(sql.count_labels, counts, strict=True)),
        "rows": digests,
        "last_event": last_event,
        "access_log": last_read,
    }


def without_access_log(fp: dict[str, Any]) -> dict[str, Any]:
    counts = {k: v for k, v in fp["counts"].items() if k != AccessLogEntry._meta.label}
    return {**fp, "counts": counts, "access_log": None}


# The tests ----------------------------------------------------------------------------------

ERROR_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 422: "invalid"}


class StatusMismatch(AssertionError):
    """The status differs from the matrix."""


class AccessLogMismatch(AssertionError):
    """A successful read logged other than one entry per restricted object of another org."""


def _params() -> list[Any]:
    params = []
    for (method, path), cases in API_MATRIX.items():
        for n, entry in enumerate(cases):
            label = f"#{entry.label}" if entry.label else ""
            for persona in PERSONAS:
                marks = []
                if persona in entry.xfail:
                    reason = entry.xfail[persona]
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=reason, raises=StatusMismatch)
                    )
                if persona in entry.xfail_log:
                    reason = entry.xfail_log[persona]
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=reason, raises=AccessLogMismatch)
                    )
                params.append(
                    pytest.param(
                        method,
                        path,
                        n,
                        persona,
                        marks=marks,
                        id=f"{method} {path}{label}-{persona}",
                    )
                )
    return params


@pytest.mark.parametrize(("method", "path", "index", "persona"), _params())
def test_api_matrix(world: World, method: str, path: str, index: int, persona: str) -> None:
    entry = API_MATRIX[(method, path)][index]
    client = caller(persona, world, session=entry.session)
    url = API + entry.url(world)
    body = entry.body(world) if entry.body else None
    headers = {"Idempotency-Key": f"matrix-{uuid.uuid4()}"} if method == "POST" else {}
    expected = entry.expected[persona]

    before = fingerprint()
    response: Any
    if entry.multipart:
        response = client.post(url, data=body or {}, headers=headers)
    else:
        response = send(client, method, url, body, **headers)
    after = fingerprint()

    if response.status_code != expected:
        detail = response.content[:300].decode(errors="replace")
        raise StatusMismatch(f"{method} {url} as {persona}: {response.status_code}, {detail}")
    if response.status_code >= 400:
        assert response.json()["code"] == ERROR_CODES[response.status_code]
        assert after == before, "a refused request changed something (or logged a read)"
    elif method in SAFE_METHODS or entry.reads:
        assert without_access_log(after) == without_access_log(before), "a read wrote"
        reads_logged = AccessLogEntry.objects.filter(id__gt=before["access_log"] or 0)
        # The owner's reviewers see who read what, and how: through the API or an export.
        channel = "export" if path.endswith("/export") else "api"
        logged = sorted(
            (e.reader_id, e.channel, e.path.split("?")[0], e.row_count) for e in reads_logged
        )
        reader = world[persona].pk if persona != "anonymous" else None
        expected_log = sorted(
            (reader, channel, url.split("?")[0], rows) for rows in entry.logged.get(persona, ())
        )
        if logged != expected_log:
            raise AccessLogMismatch(f"{method} {url} as {persona}: {logged} != {expected_log}")
        if entry.sees is not None and persona in entry.seen:
            shown = entry.sees(response.json())
            assert shown == entry.seen[persona], f"{url} as {persona} shows {shown}"
    else:
        assert after["rows"] != before["rows"] or after["counts"] != before["counts"], (
            "an accepted write changed nothing"
        )
        assert (after["last_event"] or 0) > (before["last_event"] or 0), "a write without event"


# Completeness --------------------------------------------------------------------------------


def schema_operations() -> set[tuple[str, str]]:
    """(METHOD, path without the /api/v1 prefix) of every operation in the OpenAPI schema."""
    return {
        (method.upper(), path.removeprefix(API))
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }


def test_every_operation_is_in_the_matrix() -> None:
    operations = schema_operations()
    missing = sorted(operations - set(API_MATRIX))
    stale = sorted(set(API_MATRIX) - operations)
    assert not missing, f"Add these operations to API_MATRIX (see the top of this file): {missing}"
    assert not stale, f"These API_MATRIX entries name operations that do not exist: {stale}"


def test_matrix_entries_are_well_formed() -> None:
    for key, cases in API_MATRIX.items():
        assert cases, key
        labels = [c.label for c in cases]
        assert len(labels) == len(set(labels)), f"{key}: give each case its own label"
        for entry in cases:
            assert set(entry.expected) == set(PERSONAS), key
            assert entry.expected["anonymous"] == 401, key
            assert set(entry.xfail) | set(entry.xfail_log) <= set(PERSONAS), key
            assert set(entry.logged) <= {p for p, s in entry.expected.items() if s == 200}, key
            assert set(entry.seen) <= {p for p, s in entry.expected.items() if s == 200}, key
            assert (entry.sees is None) == (not entry.seen), key
            if key[0] in SAFE_METHODS:
                assert entry.body is None, key
            if entry.multipart:
                assert key[0] == "POST", key
            if entry.reads:
                assert key[0] == "POST", key
