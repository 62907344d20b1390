"""The threads app's models, a module per part: notifications (the inbox and its deliveries);
threads, posts and action items live beside them."""

from accord.threads.models.notifications import (
    CertificateAlert,
    Channel,
    DeliveryKind,
    DeliveryStatus,
    DigestFrequency,
    DigestRun,
    EmailDelivery,
    Mute,
    Notification,
    NotificationPreference,
    NotificationSettings,
)

__all__ = [
    "CertificateAlert",
    "Channel",
    "DeliveryKind",
    "DeliveryStatus",
    "DigestFrequency",
    "DigestRun",
    "EmailDelivery",
    "Mute",
    "Notification",
    "NotificationPreference",
    "NotificationSettings",
]
