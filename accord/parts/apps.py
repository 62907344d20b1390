from django.apps import AppConfig


class PartsConfig(AppConfig):
    name = "accord.parts"
    label = "parts"
