"""Who is calling: a personal API token (Authorization: Bearer acc_...) or the browser session.

A token request never needs CSRF protection (a browser cannot attach the header by itself); a
session request does for every unsafe method. Credentials that are sent but wrong answer 401 at
once rather than falling back to the session.
"""

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from accord.core.errors import Forbidden, Unauthenticated
from accord.core.services import authenticate_token
from accord.orgs.models import Person

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """A personal API token. The token's person becomes request.user."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthenticated("Send the token as: Authorization: Bearer acc_...")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            raise Unauthenticated("This API token is not valid: it is unknown, expired or revoked.")
        request.user = api_token.person
        return api_token.person


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie.",
                code="csrf_failed",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return self(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]


def person(request: HttpRequest) -> Person:
    """The authenticated caller. Every operation behind API_AUTH has one."""
    return cast(Person, request.user)
