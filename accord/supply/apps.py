from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "accord.supply"
    label = "supply"
