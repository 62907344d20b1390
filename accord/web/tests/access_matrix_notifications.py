"""The notification pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): oem_buyer's unread notification of a post about Meridian's ISO 9001
certificate, oem_buyer's mute of a thread about it, and the unsubscribe link of an e-mail to
oem_buyer. Everyone has an inbox and settings of their own; a notification or a mute is only
its owner's (404 for anyone else). The unsubscribe link needs no sign-in (the signed token is
the proof): anonymous visitors open it too (a bad token is 404: test_notification_mail.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PERSONAS = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def notifications_world(people: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def notification() -> Any:
        if "notification" not in built:
            from accord.threads.tests.notification_world import matrix_notification

            built["notification"] = matrix_notification(people)
        return built["notification"]

    def mute() -> Any:
        if "mute" not in built:
            from accord.threads.tests.notification_world import matrix_mute

            built["mute"] = matrix_mute(people)
        return built["mute"]

    def token() -> str:
        from accord.threads.tests.notification_world import matrix_unsubscribe_token

        return matrix_unsubscribe_token(people)

    return {"notification": notification, "mute": mute, "unsubscribe_token": token}


def _inbox(w: dict[str, Any]) -> dict[str, Any]:
    w["notification"]()
    return {}


def _notification(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["notification"]().pk}


def _mute(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["mute"]().pk}


def _token(w: dict[str, Any]) -> dict[str, Any]:
    return {"token": w["unsubscribe_token"]()}


def _settings_form(w: dict[str, Any]) -> dict[str, Any]:
    return {"digest": "daily", "time_zone": "Europe/Berlin", "inbox__post": "on"}


NOTIFICATIONS_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "inbox": (_inbox, _everyone(200)),
    "notification_settings": (lambda w: {}, _everyone(200)),
    "notification_unsubscribe": (_token, _everyone(200)),
}
# Anonymous visitors open the unsubscribe link and use it (no login page).
NOTIFICATIONS_PUBLIC_PAGES = {"notification_unsubscribe": 200}
NOTIFICATIONS_PUBLIC_POSTS = {"notification_unsubscribe": 200}
NOTIFICATIONS_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "notification_read": (_notification, lambda w: {}, _only({"oem_buyer": 302})),
    "notification_read_all": (lambda w: {}, lambda w: {}, _everyone(302)),
    "notification_mute": (_notification, lambda w: {}, _only({"oem_buyer": 302})),
    "notification_unmute": (_mute, lambda w: {}, _only({"oem_buyer": 302})),
    "notification_settings": (lambda w: {}, _settings_form, _everyone(302)),
    "notification_unsubscribe": (_token, lambda w: {}, _everyone(200)),
}


def _shown(response: Any) -> int:
    """How many rows of the inbox point at a certificate."""
    return response.content.decode().count('href="/certificates/')


NOTIFICATIONS_CONTENT: dict[
    str,
    tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[Any], Any], dict[str, Any]],
] = {
    "inbox": (_inbox, _shown, {p: 1 if p == "oem_buyer" else 0 for p in PERSONAS}),
}
