from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "accord.threads"
    label = "threads"
    verbose_name = "Threads and notifications"
