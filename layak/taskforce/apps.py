from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "layak.taskforce"
    default_auto_field = "django.db.models.BigAutoField"
