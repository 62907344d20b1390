"""The notifications API's rows of the access matrix. World (built lazily): oem_buyer's unread
notification of a post about Meridian's ISO 9001 certificate, and oem_buyer's mute of a thread
about it. Everyone has an inbox and settings of their own (their own rows only: `sees`); a
notification or a mute is only its owner's, 404 for anyone else."""

from __future__ import annotations

from typing import Any

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect


def _notification(w: World) -> Any:
    if "notification" not in w:
        from accord.threads.tests.notification_world import matrix_notification

        w["notification"] = matrix_notification(w)
    return w["notification"]


def _mute(w: World) -> Any:
    if "mute" not in w:
        from accord.threads.tests.notification_world import matrix_mute

        w["mute"] = matrix_mute(w)
    return w["mute"]


def _list(w: World) -> str:
    _notification(w)
    return "/notifications"


def ids(body: Any) -> int:
    return len(body["results"])


NOTIFICATIONS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/notifications"): [
        case(
            _list,
            expect(SIGNED_IN),
            sees=ids,
            seen={persona: 1 if persona == "oem_buyer" else 0 for persona in SIGNED_IN},
        )
    ],
    ("POST", "/notifications/{notification_id}/read"): [
        case(lambda w: f"/notifications/{_notification(w).pk}/read", expect(["oem_buyer"]))
    ],
    ("POST", "/notifications/read-all"): [
        case(lambda w: _notification(w) and "/notifications/read-all", expect(SIGNED_IN))
    ],
    ("POST", "/notifications/{notification_id}/mute"): [
        case(
            lambda w: f"/notifications/{_notification(w).pk}/mute",
            expect(["oem_buyer"], status=201),
        )
    ],
    ("DELETE", "/notifications/mutes/{mute_id}"): [
        case(lambda w: f"/notifications/mutes/{_mute(w).pk}", expect(["oem_buyer"], status=204))
    ],
    ("GET", "/notifications/settings"): [
        case(lambda w: "/notifications/settings", expect(SIGNED_IN))
    ],
    ("PATCH", "/notifications/settings"): [
        case(
            lambda w: "/notifications/settings",
            expect(SIGNED_IN),
            body=lambda w: {"digest": "daily", "time_zone": "Europe/Berlin"},
        )
    ],
}
