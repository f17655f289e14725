"""The person's jobs: progress while running, the result or the reason after."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import select_template

from layak.core.http import user_of as _user
from layak.jobs.models import Job


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.for_user(_user(request)), pk=pk)


def _context(job: Job) -> dict[str, object]:
    result_template = select_template([f"jobs/result/{job.kind}.html", "jobs/result/_any.html"])
    return {"job": job, "result_template": result_template.template.name}


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.for_user(_user(request)).select_related("region")
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(_job(request, pk)))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block alone, polled by htmx while the job runs."""
    return render(request, "jobs/_status.html", _context(_job(request, pk)))


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    response = FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_name or "result"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
