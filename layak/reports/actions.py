"""Asking for a report: reuse the last result while its data are unchanged, else start a job."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from layak.accounts.models import User
from layak.jobs import runner
from layak.jobs.models import Job
from layak.reports.forms import Target
from layak.reports.kinds import Kind
from layak.reports.versions import data_version


@dataclass(frozen=True)
class Requested:
    job: Job
    reused: bool


def asked_language() -> str:
    """The language of the page the person asked from: their report is written in it."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def report_key(kind: Kind, target: Target, language: str) -> str:
    return f"{kind.job}:{language}:{json.dumps(target.params, sort_keys=True)}"


def report_request(*, actor: User, kind: Kind, target: Target) -> Requested:
    """The person's last job of this report with the same parameters whose data version is the
    current one (a finished result, or one still on its way), or a new job.

    A result is "until the data change": the handler stores the data version it read
    (``result["data_version"]``, see ``versions.data_version``); a job still waiting or running
    was asked for at ``params["asked_at_version"]``. Results belong to the person who asked
    (``Job.for_user``), and reports read the data within that person's reach, so another
    person's result is never handed out, and a report asked in another language is another
    job (``params["language"]``, written in it by the handler). Starting the job is audited
    by the runner (``job.started``); reusing one changes nothing."""
    version = data_version(target.region)
    language = asked_language()
    key = report_key(kind, target, language)
    same = Job.objects.for_user(actor).filter(kind=kind.job, params__key=key)
    found = (
        same.filter(
            Q(status=Job.Status.DONE, result__data_version=version)
            | Q(
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
                params__asked_at_version=version,
            )
        )
        .order_by("-pk")
        .first()
    )
    if found is not None and (found.status != Job.Status.DONE or found.result_file):
        return Requested(found, reused=True)
    job = runner.start(
        actor=actor,
        kind=kind.job,
        label=target.label,
        params={**target.params, "key": key, "language": language, "asked_at_version": version},
        region=target.region,
    )
    return Requested(job, reused=False)
