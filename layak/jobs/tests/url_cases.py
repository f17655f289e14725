"""URL cases of the jobs for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas

# A job and its result belong to the person who started it: the Bekasi administrator.
OWNER_ONLY = {r: 404 for r in SIGNED_IN} | {"bekasi.admin": 200}


def job(p: Personas) -> dict[str, object]:
    from layak.jobs.models import Job

    return {"pk": Job.objects.get(label="Ekspor uji").pk}


CASES: dict[str, Case] = {
    "jobs:list": Case(),
    "jobs:detail": Case(kwargs=job, only=OWNER_ONLY),
    "jobs:status": Case(kwargs=job, only=OWNER_ONLY),
    "jobs:download": Case(kwargs=job, only=OWNER_ONLY),
}


def setup(personas: Personas) -> None:
    from django.core.files.base import ContentFile

    from layak.jobs.models import Job

    job = Job.objects.create(
        kind="evidence_zip",
        label="Ekspor uji",
        status=Job.Status.DONE,
        result={"files": 0},
        created_by=personas.bekasi_admin,
    )
    job.result_file.save("uji.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=True)
    job.result_name = "uji.zip"
    job.save(update_fields=["result_name"])
