from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "accord.threads"
    label = "threads"
    verbose_name = "Threads and notifications"

    def ready(self) -> None:
        # The notification resolvers of threads and action items (threads/notify.py).
        from accord.threads import targets  # noqa: F401
