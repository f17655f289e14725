from django.apps import AppConfig


class AfseConfig(AppConfig):
    name = "layak.afse"
    default_auto_field = "django.db.models.BigAutoField"
