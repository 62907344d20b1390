from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accord.orgs.models import Person


class PersonBackend(ModelBackend):
    """Loads the person with their organisation: every page and access check needs it."""

    def get_user(self, user_id: Any) -> Person | None:
        # No ordering: a primary key names one row (first() would sort by name first).
        found = Person.objects.select_related("organisation").filter(pk=user_id).order_by()[:1]
        person = next(iter(found), None)
        return person if person is not None and self.user_can_authenticate(person) else None
