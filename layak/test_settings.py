"""Settings for the test suite: the demo-mode settings with fast hashing and tasks run at once.

``DATABASE_URL`` still chooses the database, so the same suite runs on SQLite and PostgreSQL."""

import os

os.environ.setdefault("LAYAK_DEMO", "1")
os.environ.setdefault("HTTPS", "0")

from layak.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
JOB_HEARTBEAT_THREAD = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
