"""Account middleware.

``LanguageMiddleware``: the interface language is the signed-in person's choice, else the
language cookie, else Indonesian. The browser's Accept-Language is deliberately ignored:
Indonesian is the default.

``TwoFactorMiddleware``: a signed-in person who has an authenticator, or whose role requires one,
reaches nothing but the code step (or the enrolment) until a code was accepted in this session.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from layak.accounts import twofactor

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


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
        if (
            user is None
            or not user.is_authenticated
            or twofactor.is_verified(user)
            or _is_open(request.path_info)
        ):
            return self.get_response(request)
        if twofactor.has_two_factor(user):
            step = "accounts:two_factor_verify"
        elif twofactor.requires_two_factor(user):
            step = "accounts:two_factor_enrol"
        else:
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
