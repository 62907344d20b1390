"""One error family for the whole product: pages and API render the same code and message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal or failure the user can understand and act on."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        detail: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class NotFound(DomainError):
    """Also used for things that exist but the person may not see: invisible equals absent."""

    code = "not_found"
    http_status = 404

    def __init__(self, message: str = "Not found.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Forbidden(DomainError):
    """The person may see the thing but not perform this action on it."""

    code = "forbidden"
    http_status = 403


class InvalidInput(DomainError):
    code = "invalid"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class Unauthenticated(DomainError):
    code = "unauthenticated"
    http_status = 401


class TooManyRequests(DomainError):
    code = "rate_limited"
    http_status = 429


class TooLarge(DomainError):
    code = "too_large"
    http_status = 413


# What a page shows beside its form, the form kept for correcting; NotFound and Forbidden are
# never shown there: they answer 404 / 403 like everywhere else.
FORM_ERRORS = (InvalidInput, Conflict, TooLarge)
