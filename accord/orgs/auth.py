from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accord.core.text import normalise_username
from accord.orgs.models import Person


class PersonBackend(ModelBackend):
    """Looks people up by the normalised username (how create_person stores it: " Name",
    "NAME" and "ｎａｍｅ" are the same person) and loads them with their organisation, which
    every page and access check needs."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        if username is None:
            username = kwargs.get(Person.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = super().authenticate(
            request, username=normalise_username(username), password=password, **kwargs
        )
        return user if isinstance(user, Person) else None

    def get_user(self, user_id: Any) -> Person | None:
        # No ordering: a primary key names one row (first() would sort by name first).
        found = Person.objects.select_related("organisation").filter(pk=user_id).order_by()[:1]
        person = next(iter(found), None)
        return person if person is not None and self.user_can_authenticate(person) else None
