"""Production settings: Django's deployment checks, hashing, headers, cookies, upload limits.

The suite runs with accord.test_settings; production settings are read in a subprocess with the
environment a real deployment gives (ACCORD_ENV=production and friends).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "accord.settings",
    "ACCORD_ENV": "production",
    "ACCORD_ALLOWED_HOSTS": "accord.example.com",
}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(PRODUCTION_ENV)
    env["ACCORD_SECRET_KEY"] = secrets.token_urlsafe(50)  # 67 characters
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in %r}))
"""


def production_settings(tmp_path: Path, *names: str, **extra: str) -> dict[str, object]:
    result = run_python(SETTINGS_PROBE % (list(names),), production_env(tmp_path, **extra))
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_manage_py_check_deploy_passes(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["ACCORD_SECRET_KEY"]
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "ACCORD_SECRET_KEY must be set" in result.stderr


def test_production_hashes_passwords_with_argon2_and_secures_cookies(tmp_path):
    values = production_settings(
        tmp_path,
        "PASSWORD_HASHERS",
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "ALLOWED_HOSTS",
    )
    hashers = values["PASSWORD_HASHERS"]
    assert isinstance(hashers, list)
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert (
        isinstance(values["SECURE_HSTS_SECONDS"], int) and values["SECURE_HSTS_SECONDS"] >= 31536000
    )
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["accord.example.com"]


def test_upload_limit_follows_the_environment(tmp_path):
    values = production_settings(
        tmp_path, "DATA_UPLOAD_MAX_MEMORY_SIZE", "MAX_UPLOAD_MB", ACCORD_MAX_UPLOAD_MB="3"
    )
    assert values == {"DATA_UPLOAD_MAX_MEMORY_SIZE": 3 * 1024 * 1024, "MAX_UPLOAD_MB": 3}


def test_every_response_carries_the_content_security_policy(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "Content-Security-Policy" in not_found


def _too_big() -> bytes:
    return b"a=" + b"x" * (settings.MAX_UPLOAD_MB * 1024 * 1024 + 1)


def test_a_form_post_past_the_upload_limit_is_refused_on_the_sign_in_page(db):
    try:
        url = reverse("login")
    except NoReverseMatch:
        pytest.skip("the sign-in page is not there yet")
    response = Client().post(url, _too_big(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.urls("accord.core.tests.upload_urls")
def test_a_form_post_past_the_upload_limit_is_refused(client):
    ok = client.post("/upload/", b"a=1", content_type="application/x-www-form-urlencoded")
    assert ok.status_code == 200
    response = client.post("/upload/", _too_big(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.urls("accord.core.tests.upload_urls")
def test_a_file_upload_past_the_upload_limit_is_refused(client, tmp_path):
    """Django limits the non-file fields only; a file must be refused by its Content-Length."""
    big = tmp_path / "bom.csv"
    with big.open("wb") as handle:
        handle.truncate(settings.MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024)
    with big.open("rb") as handle:
        response = client.post("/upload/", {"file": handle})
    assert response.status_code == 413
    with (tmp_path / "small.csv").open("wb") as handle:
        handle.write(b"Reference,Quantity\nR1,1\n")
    with (tmp_path / "small.csv").open("rb") as handle:
        assert client.post("/upload/", {"file": handle}).status_code == 200


@pytest.mark.urls("accord.core.tests.upload_urls")
def test_request_size_limit_middleware(client, settings, tmp_path):
    """The middleware on its own (test_a_file_upload_... checks that settings install it)."""
    name = "accord.core.middleware.RequestSizeLimitMiddleware"
    if name not in settings.MIDDLEWARE:
        position = settings.MIDDLEWARE.index(
            "accord.core.middleware.ContentSecurityPolicyMiddleware"
        )
        settings.MIDDLEWARE = [
            *settings.MIDDLEWARE[: position + 1],
            name,
            *settings.MIDDLEWARE[position + 1 :],
        ]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    settings.MAX_UPLOAD_MB = 1
    big = tmp_path / "bom.csv"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    with big.open("rb") as handle:
        response = client.post("/upload/", {"file": handle})
    assert response.status_code == 413
    assert "Content-Security-Policy" in response
    assert b"larger than 1 MB" in response.content
    with big.open("rb") as handle:
        api = client.post("/api/v1/anything", {"file": handle})
    assert api.status_code == 413
    assert api.json()["code"] == "too_large"
    with big.open("r+b") as handle:
        handle.truncate(512 * 1024)
    with big.open("rb") as handle:
        assert client.post("/upload/", {"file": handle}).status_code == 200
