"""Account middleware.

``SessionRenewalMiddleware``: a session ends ``SESSION_IDLE_MINUTES`` after it was last written,
and a request writes it back only when that is ``SESSION_RENEW_SECONDS`` ago or more, so most
requests read the session without writing it.

``LanguageMiddleware``: reads who the request is (``layak.accounts.identity``), then the
interface language is the signed-in person's choice, else the
language cookie, else Indonesian. The browser's Accept-Language is deliberately ignored:
Indonesian is the default.

``TwoFactorMiddleware``: a signed-in person who has an authenticator, or whose role requires one,
reaches nothing but the code step (or the enrolment) until a code was accepted in this session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from layak.accounts import twofactor
from layak.accounts.identity import identify

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class SessionRenewalMiddleware:
    """Keep an active person signed in and sign out an idle one, writing the session at most
    once every ``SESSION_RENEW_SECONDS``.

    The session store ends a session ``SESSION_COOKIE_AGE`` (``SESSION_IDLE_MINUTES``) after its
    last write, and the cookie's age is set at each write too. Writing on every request
    (``SESSION_SAVE_EVERY_REQUEST``) cost a database write per page; instead a request writes
    the session back only when it was last written ``SESSION_RENEW_SECONDS`` ago or more (or it
    changed anyway). A session therefore ends between ``SESSION_IDLE_MINUTES`` minus
    ``SESSION_RENEW_SECONDS`` and ``SESSION_IDLE_MINUTES`` after the last request: never later.
    When it was last written follows from the stored expiry (``layak.accounts.sessions``).

    Installed right after ``SessionMiddleware``, so it looks at the session on the way out,
    after the view signed someone in or out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.modified or session.is_empty():
            return response  # saved anyway, or nothing to renew (no cookie, nothing stored)
        session.get(SESSION_KEY)  # read the stored session, if the request has not yet
        if session.is_empty():
            return response  # an unknown or expired session: it stays ended
        expires = getattr(session, "expire_date", None)
        fresh = timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS)
        if expires is None or expires - timezone.now() <= fresh:
            session.modified = True  # SessionMiddleware writes it and renews the cookie
        return response


def language_for(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in _SUPPORTED:
        return str(user.language)
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in _SUPPORTED else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        identify(request)  # the account and its second step, read in one statement
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


# Views a half-signed-in person may reach: the steps themselves, signing out, the language
# switch, the health check and the public portal (not its management pages).
_OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_enrol",
        "accounts:logout",
        "accounts:set_language",
        "healthz",
        "portal:home",
        "portal:province",
        "portal:district",
        "portal:file",
    }
)


def _is_open(path: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 page gives nothing away
    return match.view_name in _OPEN_VIEWS


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or twofactor.is_verified(user):
            return self.get_response(request)
        # The device and the roles first: they are read once per request and the view needs
        # the roles anyway; the path is resolved only when a step is due.
        if twofactor.has_two_factor(user):
            step = "accounts:two_factor_verify"
        elif twofactor.requires_two_factor(user):
            step = "accounts:two_factor_enrol"
        else:
            return self.get_response(request)
        if _is_open(request.path_info):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            # The API takes an unfinished session for none: only its tokens (a separate way in,
            # without codes) or a verified session.
            request.user = AnonymousUser()
            return self.get_response(request)
        target = reverse(step)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = HttpResponseRedirect(target)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = target
        return response
