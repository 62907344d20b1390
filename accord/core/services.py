"""Writes owned by core: personal API tokens and sign-in throttling."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from accord.core.events import record_event
from accord.core.models import ApiToken, IdempotencyRecord, LoginAttempt
from accord.core.text import checked_text, exportable, normalise_username

if TYPE_CHECKING:
    from accord.orgs.models import Person

TOKEN_PREFIX = "acc_"  # noqa: S105 - a marker, not a secret


def token_digest(secret: str) -> str:
    # A token is 256 bits of randomness, so a plain SHA-256 is enough (no need for a slow KDF).
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(
    *, actor: Person, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is never stored and shown only now."""
    name = checked_text(name.strip(), field="name")
    if not name:
        raise InvalidInput("Give the token a name, e.g. the script that will use it.")
    if len(name) > 100:
        raise InvalidInput("The name is longer than 100 characters.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=actor,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(secret),
            expires_at=expires_at,
        )
        record_event(
            actor=actor,
            verb="created API token",
            obj=token,
            classification=Classification.INTERNAL,
            changes={"name": name},
        )
    return token, secret


def revoke_api_token(*, actor: Person, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, person=actor).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is not None:
            raise Conflict("This token is already revoked.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            verb="revoked API token",
            obj=token,
            classification=Classification.INTERNAL,
            changes={"name": token.name},
        )
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The live token for a secret, or None. Updates last use at most once a minute."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timezone.now()
    found = (
        ApiToken.objects.select_related("person__organisation")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .order_by()[:1]  # the digest is unique: no ordering to compute
    )
    token = next(iter(found), None)
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.person.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def login_key(username: str) -> str:
    """The lockout bucket of a sign-in name: the normalised username (as people are stored and
    looked up, so " Name", "NAME" and "ｎａｍｅ" share one bucket), without the control
    characters a database may refuse (PostgreSQL stores no NUL)."""
    return exportable(normalise_username(username))[:150]


def check_login_allowed(username: str, ip_address: str | None) -> None:
    """Refuse a sign-in attempt after too many recent failures for the name or the address."""
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS)
    limit = settings.LOGIN_RATE_LIMIT_ATTEMPTS
    recent = LoginAttempt.objects.filter(created_at__gte=since)
    by_name = recent.filter(username=login_key(username)).count()
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    if by_name >= limit or by_ip >= limit * 4:
        minutes = settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS // 60
        raise TooManyRequests(f"Too many failed sign-in attempts. Try again in {minutes} minutes.")


def record_failed_login(username: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(username=login_key(username), ip_address=ip_address)


def clear_failed_logins(username: str) -> None:
    LoginAttempt.objects.filter(username=login_key(username)).delete()


def prune_idempotency_records(*, actor: Person | None, older_than: dt.timedelta) -> int:
    """Forget replayable responses older than the retry window; safe to run again any time."""
    if older_than < dt.timedelta(hours=1):
        raise InvalidInput("Keep idempotency records for at least an hour.")
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        if deleted:
            record_event(
                actor=actor,
                verb="pruned idempotency records",
                obj=IdempotencyRecord,
                classification=Classification.INTERNAL,
                changes={"deleted": deleted, "before": cutoff.isoformat()},
            )
    return deleted
