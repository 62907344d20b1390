"""The sign-in lockout is keyed on the normalised username (NFKC, trimmed, case-folded), the
spelling people are stored and looked up under: " name", "NAME" and "ｎａｍｅ" share one bucket,
and no spelling signs in as someone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accord.core.errors import TooManyRequests
from accord.core.models import LoginAttempt
from accord.core.services import check_login_allowed, clear_failed_logins, record_failed_login

SPELLINGS = [" oem_buyer", "OEM_BUYER", "ｏｅｍ_ｂｕｙｅｒ", "Oem_Buyer ", "ＯＥＭ＿ＢＵＹＥＲ"]


def sign_in(username: str, password: str, address: str = "192.0.2.1") -> tuple[Client, Any]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def test_every_spelling_of_a_name_fills_one_lockout_bucket(db):
    for n, spelling in enumerate(SPELLINGS):  # five failures, each from its own address
        _, response = sign_in(spelling, "wrong", address=f"198.51.100.{n + 1}")
        assert response.status_code == 200
    assert set(LoginAttempt.objects.values_list("username", flat=True)) == {"oem_buyer"}
    for spelling in ["oem_buyer", *SPELLINGS]:
        client, response = sign_in(spelling, "oem_buyer", address="203.0.113.9")
        assert response.status_code == 429, spelling
        assert not client.session.get("_auth_user_id")
    # Another person is not locked out.
    assert sign_in("oem_engineer", "oem_engineer")[1].status_code == 302


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_any_spelling_signs_in_as_that_person_only(db, people, spelling):
    client, response = sign_in(spelling, "oem_buyer")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people.oem_buyer.pk)
    # The same spelling with someone else's password is a failure, not someone else.
    client, response = sign_in(spelling, "oem_engineer")
    assert response.status_code == 200 and not client.session.get("_auth_user_id")


def test_a_sign_in_under_one_spelling_clears_failures_under_another(db):
    for spelling in SPELLINGS[:4]:
        sign_in(spelling, "wrong")
    assert LoginAttempt.objects.filter(username="oem_buyer").count() == 4
    assert sign_in("ｏｅｍ_ｂｕｙｅｒ", "oem_buyer")[1].status_code == 302
    assert not LoginAttempt.objects.filter(username="oem_buyer").exists()


@pytest.mark.parametrize("username", ["oem\x00buyer", "\u202eoem_buyer", "x" * 300, "   "])
def test_odd_names_are_a_failed_sign_in_not_an_error(db, username):
    _, response = sign_in(username, "oem_buyer")
    assert response.status_code == 200
    for attempt in LoginAttempt.objects.values_list("username", flat=True):
        assert "\x00" not in attempt and len(attempt) <= 150


def test_the_services_share_the_bucket_too(db):
    for spelling in SPELLINGS:
        check_login_allowed(spelling, None)
        record_failed_login(spelling, None)
    with pytest.raises(TooManyRequests):
        check_login_allowed("oem_buyer", None)
    clear_failed_logins("OEM_buyer")
    check_login_allowed("ｏｅｍ_ｂｕｙｅｒ", None)
