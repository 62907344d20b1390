from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "accord.threads"
    label = "threads"
    verbose_name = "Threads and notifications"

    def ready(self) -> None:
        # The resolvers of the kinds of targets notifications point at register on import.
        from accord.threads import alerts  # noqa: F401
