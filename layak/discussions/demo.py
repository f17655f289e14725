"""Demo discussions: the item the Jawa Barat verifier returned to Bekasi in "Evaluasi KLA
2026" is discussed by the office that answers it, the secretariat and the verifier; the RAD
progress report the secretariat returned carries the office's question. Written through the
same action as people's messages (audited, with notices). Idempotent: nothing happens once a
demo thread exists. Run after the evaluation and RAD demos."""

from __future__ import annotations

from django.db import transaction

from layak.accounts.models import User
from layak.core.demo import demo_email
from layak.discussions.actions import message_post
from layak.discussions.models import Thread
from layak.evaluation.models import Answer
from layak.organisations.models import Membership
from layak.organisations.roles import Role
from layak.plans.models import ProgressReport
from layak.workflow import Status


def _user(key: str) -> User | None:
    return User.objects.filter(email=demo_email(key)).first()


def _office_operator(organisation_ids: list[int]) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(organisation_id__in=organisation_ids, role=Role.OFFICE_OPERATOR)
        .select_related("user")
        .order_by("organisation__name", "user__email")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def seed_demo() -> None:
    admin, verifier = _user("bekasi.admin"), _user("verifier.jabar")
    if admin is None or verifier is None or Thread.objects.exists():
        return
    answer = (
        Answer.objects.filter(
            assessment__region__code="32.16", returned_at_stage="province", status=Status.RETURNED
        )
        .select_related("assessment__region", "question")
        .order_by("-assessment__cycle__created_at", "pk")
        .first()
    )
    if answer is not None:
        office = _office_operator(
            list(
                answer.assignments.filter(is_active=True).values_list("organisation_id", flat=True)
            )
        )
        if office is not None:
            message_post(
                actor=office,
                item=answer,
                body=f"@{admin.email} keputusan bupati tentang perlindungan Forum Anak baru "
                "ditandatangani minggu ini dan belum bernomor. Cukupkah salinan itu?",
            )
        message_post(
            actor=admin,
            item=answer,
            body=f"@{verifier.email} mohon konfirmasi: apakah salinan keputusan yang belum "
            "bernomor dapat diterima untuk verifikasi provinsi?",
        )
        message_post(
            actor=verifier,
            item=answer,
            body="Dapat, asalkan sudah ditandatangani bupati dan menyebut tanggal penetapannya.",
        )
    report = (
        ProgressReport.objects.filter(plan__region__code="32.16", status=Status.RETURNED)
        .select_related("plan__region", "organisation")
        .first()
    )
    if report is not None:
        office = _office_operator([report.organisation_id])
        if office is not None:
            message_post(
                actor=office,
                item=report,
                body=f"@{admin.email} realisasi anggaran triwulan ini menunggu SP2D; "
                "boleh kami isi angka sementara?",
            )
