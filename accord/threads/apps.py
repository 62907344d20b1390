from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "accord.threads"
    label = "threads"
    verbose_name = "Threads and notifications"

    def ready(self) -> None:
        # Registration on import: the notification resolvers of certificates (alerts) and of
        # threads and action items (targets); escalation in `accord sweep` and action items
        # in the digest (wiring).
        from accord.threads import (
            alerts,  # noqa: F401
            targets,  # noqa: F401
            wiring,  # noqa: F401
        )
