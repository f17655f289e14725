from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "layak.reports"
    default_auto_field = "django.db.models.BigAutoField"
