"""Querysets compiled once and run again with other values (``layak.core.shapes``), and the
pages' reads that use them: what they give is what the queryset gives, for each person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak import authz
from layak.core.shapes import Shapes, prefetch_one
from layak.organisations.models import Membership, Organisation
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def _districts(province: str) -> Any:
    return (
        Region.objects.filter(parent__code=province)
        .select_related("parent")
        .annotate(offices=Count("organisations"))
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("pk")))
        .order_by("code")
    )


def _seen(regions: list[Region]) -> list[tuple[str, str, int, list[int]]]:
    return [
        (
            r.code,
            r.parent.name if r.parent else "",
            r.offices,  # type: ignore[attr-defined]
            [o.pk for o in r.organisations.all()],
        )
        for r in regions
    ]


def test_a_shape_gives_what_its_queryset_gives_for_each_value(personas: Any) -> None:
    shapes = Shapes()
    built: list[tuple[Any, ...]] = []

    def build(province: str) -> Any:
        built.append((province,))
        return _districts(province)

    for province in ("32", "62", "32"):
        got = shapes.fetch("districts", build, province)
        assert _seen(got) == _seen(list(_districts(province)))
        assert got and all(r.parent and r.parent.code == province for r in got)
    # Compiled once (built twice, with two sets of stand-ins), never with a real province.
    assert len(built) == 2 and not {b[0] for b in built} & {"32", "62"}


def test_a_kept_statement_runs_as_many_queries_as_the_queryset(personas: Any) -> None:
    shapes = Shapes()
    shapes.fetch("districts", _districts, "32")
    with CaptureQueriesContext(connection) as direct:
        list(_districts("62"))
    with CaptureQueriesContext(connection) as kept:
        shapes.fetch("districts", _districts, "62")
    assert len(kept) == len(direct) == 2  # the districts, then their offices


def test_values_list_rows_are_converted_as_the_queryset_converts_them(personas: Any) -> None:
    shapes = Shapes()
    user = personas.bekasi_admin

    def build(me: int) -> Any:
        return Membership.objects.filter(user_id=me).values_list("pk", "created_at", "role")

    for _ in range(2):
        got = shapes.fetch("memberships", build, user.pk)
        assert got == list(build(user.pk))
        assert got and timezone.is_aware(got[0][1])


def test_a_value_a_lookup_rewrites_cannot_be_a_shape_value(personas: Any) -> None:
    with pytest.raises(ValueError, match="as given"):
        Shapes().fetch("search", lambda name: Region.objects.filter(name__icontains=name), "Bekasi")


def test_a_statement_with_a_time_of_its_own_is_refused(personas: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValueError, match="date or time"):
        Shapes().fetch(
            "recent",
            lambda kind: Organisation.objects.filter(kind=kind, created_at__lt=now),
            "government",
        )


def test_an_empty_list_gives_no_rows_and_runs_no_query(personas: Any) -> None:
    shapes = Shapes()
    for _ in range(2):
        with CaptureQueriesContext(connection) as ran:
            assert shapes.fetch("none", lambda: Region.objects.filter(pk__in=[])) == []
        assert len(ran) == 0


def test_at_most_size_statements_are_kept() -> None:
    shapes = Shapes(size=2)
    for key in ("a", "b", "c"):
        shapes.fetch(key, lambda: Region.objects.filter(pk__in=[]))
    assert list(shapes._compiled) == [("default", "b", ()), ("default", "c", ())]


def test_a_statement_kept_for_one_persons_grants_never_serves_anothers(
    personas: Any, evaluation: Any
) -> None:
    """Gunung Mas's administrator does not reach Bekasi's self-assessment, even when Bekasi's
    administrator read it first through the same code (404), and a reader may see it but not
    change it (403)."""
    from layak.evaluation.views.common import get_assessment

    bekasi = evaluation.bekasi
    assert get_assessment(personas.bekasi_admin, bekasi.pk).pk == bekasi.pk
    assert get_assessment(personas.jabar, bekasi.pk).pk == bekasi.pk
    with pytest.raises(Http404):
        get_assessment(personas.gm_admin, bekasi.pk)
    with pytest.raises(PermissionDenied):
        get_assessment(personas.bekasi_regent, bekasi.pk, authz.Action.EDIT)
    assert get_assessment(personas.bekasi_admin, bekasi.pk, authz.Action.EDIT).pk == bekasi.pk


def test_a_small_whole_number_column_is_filtered_by_its_value(personas: Any) -> None:
    """A stand-in outside a column's range would make the lookup match nothing (or everything)
    and leave the value out of the statement: the stand-ins stay inside every range."""
    shapes = Shapes()

    def build(province: str, level: int) -> Any:
        return Region.objects.filter(parent__code=province, level=level).order_by("code")

    for level in (Region.Level.REGENCY, Region.Level.SUBDISTRICT, Region.Level.REGENCY):
        got = shapes.fetch("by level", build, "32", int(level))
        assert got == list(build("32", int(level)))
    assert shapes.fetch("by level", build, "32", int(Region.Level.REGENCY))


def test_values_that_change_the_statement_are_refused(personas: Any) -> None:
    def build(code: str) -> Any:
        # The statement itself depends on the value: not a shape.
        return Region.objects.filter(code=code) if "1" in code else Region.objects.all()

    with pytest.raises(ValueError, match="change the statement"):
        Shapes().fetch("changing", build, "32")


def test_past_max_values_the_queryset_is_built_as_usual(personas: Any) -> None:
    from layak.core import shapes as module

    ids = list(Region.objects.order_by("pk").values_list("pk", flat=True)[: module.MAX_VALUES + 5])
    shapes = Shapes()
    got = shapes.fetch("many", lambda *ids: Region.objects.filter(pk__in=ids).order_by("pk"), *ids)
    assert [r.pk for r in got] == ids
    assert not shapes._compiled


def test_a_json_constant_stays_in_a_kept_statement(evaluation: Any, personas: Any) -> None:
    """An answered answer is one whose value is not ``{}``: PostgreSQL's driver wraps each JSON
    value in an object of its own, and the statement is kept all the same."""
    from layak.evaluation import actions
    from layak.evaluation.models import Answer

    answer = evaluation.answers["T-1.1"]
    perda = answer.question.options.get(label="Perda")
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": perda.pk},
        note="",
        revision=answer.revision,
    )

    def answered(assessment: int) -> Any:
        return Answer.objects.filter(assessment_id=assessment).exclude(value={}).values_list("pk")

    shapes = Shapes()
    for assessment in (evaluation.bekasi, evaluation.gm, evaluation.bekasi):
        assert shapes.fetch("answered", answered, assessment.pk) == list(answered(assessment.pk))
    assert shapes.fetch("answered", answered, evaluation.bekasi.pk) == [(answer.pk,)]
    assert shapes.fetch("answered", answered, evaluation.gm.pk) == []


def test_prefetch_one_puts_the_rows_where_the_prefetch_puts_them(personas: Any) -> None:
    shapes = Shapes()
    ordered = Prefetch("organisations", queryset=Organisation.objects.order_by("-pk"))
    named = Prefetch(
        "organisations", queryset=Organisation.objects.order_by("name"), to_attr="by_name"
    )
    for code in ("32.16", "62.10", "32.16"):
        region, plain = Region.objects.get(code=code), Region.objects.get(code=code)
        prefetch_one(shapes, "ordered", region, ordered)
        prefetch_one(shapes, "named", region, named)
        prefetch_related_objects([plain], ordered, named)
        with CaptureQueriesContext(connection) as ran:
            assert list(region.organisations.all()) == list(plain.organisations.all())
            assert region.by_name == plain.by_name  # type: ignore[attr-defined]
            assert region.organisations.all() and all(
                o.region is region for o in region.organisations.all()
            )
            # A filter of the relation is still the region's own.
            assert list(region.organisations.filter(kind="government_office")) == list(
                plain.organisations.filter(kind="government_office")
            )
        assert len(ran) == 2  # the two filters; nothing read for what was put in place
        with CaptureQueriesContext(connection) as again:
            prefetch_one(shapes, "ordered", region, ordered)
            prefetch_one(shapes, "named", region, named)
        assert len(again) == 0  # held already


def test_a_kept_statement_finds_its_columns_converters_once(personas: Any, monkeypatch) -> None:
    """Django finds each column's converters (its field's and the backend's) at every run of
    a queryset; a kept statement finds them at its first run, and its later runs still convert
    (times read as aware datetimes, on SQLite from text)."""
    from django.db.models.sql.compiler import SQLCompiler

    found: list[int] = []
    real = SQLCompiler.get_converters

    def counted(self: Any, expressions: Any) -> Any:
        found.append(len(expressions))
        return real(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)
    shapes = Shapes()

    def build(province: str) -> Any:
        return Organisation.objects.filter(region__parent__code=province).order_by("pk")

    for province in ("32", "62", "32", "62"):
        got = shapes.fetch("offices", build, province)
        expected = list(build(province))
        assert [(o.pk, o.created_at) for o in got] == [(o.pk, o.created_at) for o in expected]
        assert got and all(timezone.is_aware(o.created_at) for o in got)
    # Four runs of the kept statement, four of the plain queryset: five findings, not eight.
    assert len(found) == 5
