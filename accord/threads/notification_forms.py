"""The notification settings page's form: the digest, the time zone, and a checkbox per event
and channel. Values are judged by the service (notification_services.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.threads.inbox import event_label
from accord.threads.models import Channel, DigestFrequency
from accord.threads.notification_services import known_events


def field_name(event: str, channel: str) -> str:
    return f"{channel}__{event}"


class NotificationSettingsForm(AccordForm):
    digest = forms.ChoiceField(
        label="Digest of my open items by e-mail", choices=DigestFrequency.choices
    )
    time_zone = forms.CharField(
        label="My time zone",
        required=False,
        max_length=64,
        help_text="An IANA name such as Europe/Berlin; empty for the workspace's. Your digests "
        "and due dates follow it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event in known_events():
            for channel, label in Channel.choices:
                self.fields[field_name(event, channel)] = forms.BooleanField(
                    label=f"{label}: {event_label(event)}", required=False
                )

    def preferences(self) -> dict[tuple[str, str], bool]:
        return {
            (event, channel): bool(self.cleaned_data.get(field_name(event, channel)))
            for event in known_events()
            for channel in Channel.values
        }


class UnsubscribeForm(AccordForm):
    """The confirmation button of the unsubscribe page (no field)."""
