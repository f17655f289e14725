"""A process loads its URL configuration, translations and (the worker) WeasyPrint as it starts:
the web processes through gunicorn's ``post_worker_init`` hook, the worker before its first job."""

from __future__ import annotations

import runpy
from pathlib import Path

from django.core.management import call_command
from django.urls import clear_url_caches, get_resolver
from django.utils import translation

from layak.core import warm as warm_module
from layak.core.pdf import render_pdf_string
from layak.jobs.management.commands import worker

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def test_warm_loads_the_url_configuration_and_the_catalogues() -> None:
    clear_url_caches()
    translation.trans_real._translations = {}  # type: ignore[attr-defined]
    assert not get_resolver()._populated  # type: ignore[attr-defined]
    took = warm_module.warm()
    assert took >= 0
    assert get_resolver()._populated  # type: ignore[attr-defined]
    assert {"id", "en"} <= set(translation.trans_real._translations)  # type: ignore[attr-defined]


def test_a_pdf_is_drawn_without_a_template() -> None:
    assert render_pdf_string("<p>Layak</p>").startswith(b"%PDF-")


def test_the_web_workers_warm_as_they_start(monkeypatch) -> None:
    calls: list[dict[str, object]] = []

    def warm(**kw: object) -> float:
        calls.append(kw)
        return 0.0

    monkeypatch.setattr(warm_module, "warm", warm)
    hook = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["post_worker_init"]
    hook(object())
    assert calls == [{}]


def test_the_worker_warms_with_pdf_before_its_first_job(monkeypatch) -> None:
    order: list[str] = []
    monkeypatch.setattr(worker, "recover_stale", lambda: 0)
    monkeypatch.setattr(worker, "warm", lambda **kw: order.append(f"warm {kw}"))
    monkeypatch.setattr(worker, "call_command", lambda *a, **kw: order.append("db_worker"))
    call_command("worker", "--batch")
    assert order == ["warm {'pdf': True}", "db_worker"]
