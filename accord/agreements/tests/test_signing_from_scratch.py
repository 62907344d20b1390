"""From a new workspace where nobody may sign to a signed agreement, through the API only
(after the one bootstrap step, `accord createorg`, that makes the first organisation and its
administrator): each side's administrator grants the signing right to themselves."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.orgs.models import Person

TERMS = {
    "definitions": [{"word": "premium", "criterion": "IPC-A-610 Class 3"}],
    "price_tiers": [
        {"from_quantity": 1000, "to_quantity": 9999, "unit_price": "4.20", "currency": "EUR"},
        {"from_quantity": 10000, "unit_price": "3.90", "currency": "EUR"},
    ],
    "moq": 1000,
    "order_multiple": 500,
    "notes": "Premium finish.",
}


def _created(response: Any) -> Any:
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_nobody_can_sign_until_the_administrators_grant_themselves_the_right(
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("NIMBUS_ADMIN_PASSWORD", "a long enough passphrase")
    call_command(
        "createorg",
        "Nimbus Audio",
        "--kind",
        "oem",
        "--admin",
        "ana",
        "--email",
        "ana@nimbus.example",
        "--first-name",
        "Ana",
        "--last-name",
        "Silva",
        "--password-from-env",
        "NIMBUS_ADMIN_PASSWORD",
        stdout=io.StringIO(),
    )
    ana, _ = token_client(Person.objects.get(username="ana"))
    me = ana.get(f"{API}/me").json()
    assert (me["is_org_admin"], me["can_sign_agreements"]) == (True, False)

    # Ana makes the EMS partner with its first administrator, Raj (nobody signs there either).
    partner = _created(
        send(
            ana,
            "POST",
            f"{API}/organisations",
            {
                "name": "Kestrel Assembly",
                "kind": "ems",
                "admin": {"username": "raj", "email": "raj@kestrel.example", "first_name": "Raj"},
            },
        )
    )
    kestrel_id, raj_id = partner["organisation"]["id"], partner["admin"]["id"]
    assert partner["admin"]["can_sign_agreements"] is False
    raj, _ = token_client(Person.objects.get(username="raj"))

    program = _created(send(ana, "POST", f"{API}/programs", {"code": "NB1", "name": "Buds"}))
    _created(
        send(
            ana,
            "POST",
            f"{API}/programs/{program['id']}/partners",
            {"organisation_id": kestrel_id, "responsibility": "EMS"},
        )
    )
    _created(send(ana, "POST", f"{API}/programs/{program['id']}/members", {"person_id": raj_id}))
    _created(
        ana.post(
            f"{API}/ndas",
            {
                "reference": "NDA-NIM-KES",
                "counterparty_id": str(kestrel_id),
                "effective_date": "2026-01-01",
                "program_ids": [str(program["id"])],
            },
        )
    )
    agreement = _created(
        send(
            ana,
            "POST",
            f"{API}/agreements",
            {
                "program_id": program["id"],
                "partner_id": kestrel_id,
                "title": "Buds SOW",
                "terms": TERMS,
            },
        )
    )
    assert agreement["problems"] == []
    sign_url = f"{API}/agreements/{agreement['id']}/sign"
    digest = {"terms_hash": agreement["current"]["terms_hash"]}

    # Nobody may sign: each is told who grants the right.
    refused = assert_error(send(ana, "POST", sign_url, digest), 403, "forbidden")
    assert refused["detail"] == {"granted_by": ["Ana Silva"]}
    assert "Ana Silva" in refused["message"]
    refused = assert_error(send(raj, "POST", sign_url, digest), 403, "forbidden")
    assert refused["detail"] == {"granted_by": ["Raj"]}
    # An administrator grants nothing to another organisation's people.
    assert_error(
        send(ana, "PUT", f"{API}/people/{raj_id}/signing-right", {"allowed": True}),
        404,
        "not_found",
    )

    # Each administrator grants the right to themselves, then signs.
    granted = send(ana, "PUT", f"{API}/people/{me['id']}/signing-right", {"allowed": True})
    assert granted.json()["can_sign_agreements"] is True
    first = send(ana, "POST", sign_url, digest)
    assert first.status_code == 200, first.content
    assert (first.json()["status"], [s["side"] for s in first.json()["signatures"]]) == (
        "draft",
        ["buyer"],
    )
    send(raj, "PUT", f"{API}/people/{raj_id}/signing-right", {"allowed": True})
    second = send(raj, "POST", sign_url, digest)
    assert second.status_code == 200, second.content
    assert second.json()["status"] == "signed"
    assert [(s["side"], s["signer"]) for s in second.json()["signatures"]] == [
        ("buyer", "Ana Silva"),
        ("partner", "Raj"),
    ]
    detail = ana.get(f"{API}/agreements/{agreement['id']}").json()
    assert (detail["status"], detail["current_version"]) == ("signed", 1)


def test_the_agreement_page_names_who_grants_the_signing_right(
    agreement: Any, people: Any, client_for: Any
) -> None:
    from django.urls import reverse

    from accord.orgs.services import set_signing_right
    from accord.web.tests.helpers import text

    detail = reverse("agreement_detail", args=[agreement.pk])
    page = text(client_for("oem_engineer").get(detail))
    assert (
        "You need the signing right to sign for Halcyon Devices; your organisation's "
        "administrators can grant it: Maya Okafor." in page
    )
    assert "You are one of them" not in page and "Sign version 1" not in page
    # An administrator without the right is told to grant it to themselves.
    set_signing_right(actor=people.oem_buyer, person=people.oem_buyer, allowed=False)
    page = text(client_for("oem_buyer").get(detail))
    assert "You are one of them: grant it to yourself on the People page." in page
    set_signing_right(actor=people.oem_buyer, person=people.oem_buyer, allowed=True)
    page = text(client_for("oem_buyer").get(detail))
    assert "Sign version 1" in page and "You need the signing right" not in page
