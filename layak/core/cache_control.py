"""Pages with personal or unpublished data are kept by no cache: ``Cache-Control: private,
no-store`` on every response Layak's views give, so neither a shared cache (a proxy, a CDN)
nor the browser's history on a shared computer keeps them after sign-out.

Two kinds of response keep their own caching: the public portal read by someone not signed in
(published data, the same for everyone; signed in, its pages carry the person's name in the
menu) and static files, which WhiteNoise serves before any view with their own long
``max-age``. Headers a view set itself are kept and made private and not stored.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PUBLIC_NAMESPACE = "portal"


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META


def _public(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and PUBLIC_NAMESPACE in match.namespaces and not _signed_in(request)


class CacheControlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _public(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
