"""The one django-tasks task behind every job."""

from __future__ import annotations

from django_tasks import task

from layak.jobs import runner


@task()
def run_job(job_id: int) -> str:
    return runner.run(job_id)
