"""The phone page for work without a connection, its service worker and manifest, and the
JSON endpoints the page uses to take the work along and send it back."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from layak import authz
from layak.core.http import user_of
from layak.evaluation.models import Answer
from layak.evaluation.views.common import get_answer
from layak.offline import actions
from layak.offline.catalogue import catalogue
from layak.offline.package import field_package, package

A = authz.Action

View = Callable[..., HttpResponse]

# What the service worker keeps for the page to open without a connection.
ASSETS = [
    "layak/layak.css",
    "layak/search.css",
    "layak/offline.css",
    "layak/layak.js",
    "layak/search.js",
    "layak/offline.js",
    "layak/offline-register.js",
    "vendor/htmx-2.0.11.min.js",
    "layak/favicon.svg",
    "layak/offline-icon-192.png",
    "layak/offline-icon-512.png",
]


def _signed_in_json(view: View) -> View:
    """A JSON endpoint: a person whose session ended gets a JSON 401 (the page keeps the work
    and asks them to sign in again), not the sign-in page."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"status": "signed_out", "message": _("Sign in again.")}, status=401
            )
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def app(request: HttpRequest) -> HttpResponse:
    """The phone page: the person's items, one at a time, and what waits to be sent."""
    user = user_of(request)
    return render(
        request,
        "offline/app.html",
        {
            "config": {
                "user": user.pk,
                "package": reverse("offline:package"),
                "answer": reverse("offline:answer", args=[0]),
                "photo": reverse("offline:photo", args=[0]),
                "score": reverse("offline:score", args=[0]),
                "fieldPhoto": reverse("offline:field_photo", args=[0]),
                "worker": reverse("offline:worker"),
                "scope": reverse("offline:app"),
                "photoMax": settings.EVIDENCE_MAX_BYTES,
                "timeZone": timezone.get_current_timezone_name(),
                "zoneName": timezone.localtime().tzname() or "",
                "strings": catalogue(),
            },
        },
    )


@require_GET
@never_cache
@_signed_in_json
def package_view(request: HttpRequest) -> JsonResponse:
    user = user_of(request)
    return JsonResponse(
        {
            "user": user.pk,
            "csrf": get_token(request),
            "items": package(user) + field_package(user),
        },
    )


def _moment(raw: str | None) -> datetime.datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    return moment


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"status": "refused", "message": message}, status=400)


@require_POST
@_signed_in_json
def answer_view(request: HttpRequest, pk: int) -> JsonResponse:
    """One answer typed offline, sent with the time it was made and the phone's id for it."""
    user = user_of(request)
    answer = get_answer(user, pk, A.EDIT)
    client_id = request.POST.get("client_id", "")[:64]
    made_at = _moment(request.POST.get("made_at"))
    if not client_id or made_at is None:
        return _bad(_("The change came without its time or id; send it again."))
    outcome = actions.send_answer(
        actor=user,
        answer=answer,
        client_id=client_id,
        made_at=actions.now_or(made_at),
        fields=request.POST,
    )
    return JsonResponse(outcome.as_json())


def _decimal(raw: str | None, limit: int) -> Decimal | None:
    try:
        number = Decimal(raw or "")
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > limit:
        return None
    return round(number, 6)


def _photo(
    request: HttpRequest, answer: Answer, send: Callable[..., actions.Outcome]
) -> JsonResponse:
    """A photo taken offline, with when and (where the phone allowed it) where."""
    client_id = request.POST.get("client_id", "")[:64]
    made_at = _moment(request.POST.get("made_at"))
    upload = request.FILES.get("file")
    if not client_id or made_at is None or upload is None:
        return _bad(_("The photo came without its time, id or file; send it again."))
    made_at = actions.now_or(made_at)
    taken_at = actions.now_or(_moment(request.POST.get("taken_at")) or made_at)
    latitude = _decimal(request.POST.get("latitude"), 90)
    longitude = _decimal(request.POST.get("longitude"), 180)
    accuracy = _decimal(request.POST.get("accuracy"), 1_000_000)
    placed = latitude is not None and longitude is not None
    outcome = send(
        actor=user_of(request),
        answer=answer,
        client_id=client_id,
        made_at=made_at,
        photo=actions.Photo(
            data=upload,
            name=upload.name or "foto.jpg",
            size=upload.size or 0,
            place=actions.Place(
                taken_at=taken_at,
                latitude=latitude if placed else None,
                longitude=longitude if placed else None,
                accuracy=int(accuracy) if placed and accuracy is not None else None,
            ),
        ),
    )
    return JsonResponse(outcome.as_json())


@require_POST
@_signed_in_json
def photo_view(request: HttpRequest, pk: int) -> JsonResponse:
    """A photo for one of the person's answers: evidence attached to it."""
    answer = get_answer(user_of(request), pk, A.EDIT)
    return _photo(request, answer, actions.send_photo)


def _field_answer(request: HttpRequest, pk: int) -> Answer:
    """An item of a district the assessor verifies (404 outside)."""
    answer: Answer = authz.get_object_for_user(
        Answer.objects.select_related("assessment__region"), user_of(request), A.VERIFY, pk=pk
    )
    return answer


@require_POST
@_signed_in_json
def score_view(request: HttpRequest, pk: int) -> JsonResponse:
    """A field verification score decided on site."""
    answer = _field_answer(request, pk)
    client_id = request.POST.get("client_id", "")[:64]
    made_at = _moment(request.POST.get("made_at"))
    if not client_id or made_at is None:
        return _bad(_("The change came without its time or id; send it again."))
    outcome = actions.send_score(
        actor=user_of(request),
        answer=answer,
        client_id=client_id,
        made_at=actions.now_or(made_at),
        fields=request.POST,
    )
    return JsonResponse(outcome.as_json())


@require_POST
@_signed_in_json
def field_photo_view(request: HttpRequest, pk: int) -> JsonResponse:
    """An assessor's photo from the site."""
    return _photo(request, _field_answer(request, pk), actions.send_field_photo)


def _assets() -> list[str]:
    return [static(path) for path in ASSETS]


def worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /offline/ so that its scope is the phone page. Its
    version follows the assets it keeps, so a new release replaces the old copies."""
    assets = _assets()
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    response = render(
        request,
        "offline/worker.js",
        {"assets": assets, "version": version, "page": reverse("offline:app")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("offline:app")
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Layak installed on a phone opens on the offline page."""
    page = reverse("offline:app")
    response = JsonResponse(
        {
            "name": _("Layak — work without a connection"),
            "short_name": "Layak",
            "description": _("Answer your evaluation items on a phone, with or without a signal."),
            "start_url": page,
            "scope": page,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0a5a9c",
            "lang": request.LANGUAGE_CODE,
            "icons": [
                {
                    "src": static("layak/offline-icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("layak/offline-icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
            ],
        },
        content_type="application/manifest+json",
    )
    return response
