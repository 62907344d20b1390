"""The threads app's models, a module per part: notifications (the inbox and its deliveries);
threads, posts and action items live beside them."""

from accord.threads.models.notifications import Notification

__all__ = ["Notification"]
