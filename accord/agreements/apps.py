from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "accord.agreements"
    label = "agreements"
    verbose_name = "Agreements"
