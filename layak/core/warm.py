"""What a process loads once, done when it starts rather than on its first request or job.

A process's first page would otherwise load the URL configuration (importing every view module
and building the REST API's schemas: 0.3–0.5 s of CPU on two cores) and the translation
catalogues; a worker's first PDF would also import WeasyPrint and load the fonts (about 1 s more).
The web processes call ``warm()`` once gunicorn has loaded the application in them
(``deploy/gunicorn.conf.py``: ``post_worker_init``), the background worker before it takes its
first job (``manage.py worker``). Nothing here reads the database.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.urls import get_resolver, reverse
from django.utils import translation

log = logging.getLogger(__name__)


def warm(*, pdf: bool = False) -> float:
    """Load the URL configuration and every language's catalogues; with ``pdf``, WeasyPrint and
    its fonts too (one small document drawn). Returns the seconds it took."""
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view module and the API
    reverse("core:home")  # builds the resolver's reverse tables
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    if pdf:
        from layak.core.pdf import render_pdf_string

        render_pdf_string("<p>Layak</p>")
    took = time.perf_counter() - started
    log.info("Warmed in %.2f s", took)
    return took
