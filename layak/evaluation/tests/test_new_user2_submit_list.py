"""The "submit the self-assessment" list names first what needs someone to act: not filled in,
drafts, returned, then those submitted and waiting for the administrator; and it says that the
per-office table counts an item with several offices for each."""

from __future__ import annotations

import re

import pytest

from layak.evaluation import actions
from layak.evaluation.tests.test_workflow import attach_pdf, fresh, option
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_missing_list_puts_work_to_do_first(client, personas, evaluation):
    ev = evaluation
    op, capil, admin = personas.bekasi_dinkes, personas["bekasi.disdukcapil"], personas.bekasi_admin
    a = ev.answers
    # T-1.1 submitted, waiting for the administrator.
    actions.answer_save(
        actor=op,
        answer=a["T-1.1"],
        value={"option": option(a["T-1.1"], "Perda")},
        note="",
        revision=0,
    )
    attach_pdf(op, a["T-1.1"])
    actions.answer_submit(actor=op, answer=fresh(a["T-1.1"]))
    # T-2.1 returned by the administrator.
    actions.answer_save(actor=capil, answer=a["T-2.1"], value={"number": "75"}, note="", revision=0)
    actions.answer_submit(actor=capil, answer=fresh(a["T-2.1"]))
    actions.answer_return(actor=admin, answer=fresh(a["T-2.1"]), reason="Lampirkan sumber data")
    # T-2.2 a draft; T-1.2 not filled in, and given to two offices.
    actions.answer_save(
        actor=capil, answer=a["T-2.2"], value={"cells": {"0-<5|Anak": "100"}}, note="", revision=0
    )
    offices = Organisation.objects.filter(
        name__in=[
            "Dinas Kesehatan Kabupaten Bekasi",
            "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi",
        ]
    )
    assert len(offices) == 2
    actions.assignments_set(
        actor=admin, assessment=ev.bekasi, answers=[a["T-1.2"]], organisations=offices
    )

    client.force_login(admin)
    body = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/").content.decode()
    listed = re.search(r'<ul data-testid="missing">(.*?)</ul>', body, re.S)
    assert listed is not None
    items = re.findall(r">(T-\d\.\d)</a> — ([^<]+)</li>", listed.group(1))
    assert [code for code, _state in items] == ["T-1.2", "T-2.2", "T-2.1", "T-1.1"]
    assert "Butir dengan beberapa penanggung jawab dihitung pada setiap penanggung jawab." in body
