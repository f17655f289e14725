"""A database that does not answer gives a 503 page in the person's language (from the language
cookie: the account cannot be read), and Layak recovers by itself when the database returns:
every request opens or health-checks its connection (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError):
            return self.unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return self.unavailable(request)
        return None

    def unavailable(self, request: HttpRequest) -> HttpResponse:
        log.warning("database unavailable for %s", request.path, exc_info=True)
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = cookie if cookie in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):
            body = render_to_string("503.html", {"LANGUAGE_CODE": language})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        response["Content-Language"] = language
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, except for a database that does not answer: an error raised while
    the session or the account is read (before any view runs) is turned into a response by
    Django's own middleware wrapping and never reaches ``DatabaseUnavailableMiddleware``; it
    still gets the 503 page."""
    import sys

    from django.views import defaults

    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return DatabaseUnavailableMiddleware(lambda r: HttpResponse()).unavailable(request)
    return defaults.server_error(request)
