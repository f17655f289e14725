"""The national dataset: RAD KLA, indicator data and the audit log."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bench.gen_base import (
    AUDIT_ENTRIES,
    DATA_VALUES,
    GROUP_OFFICES,
    RAD_ITEMS,
    Context,
    copy_rows,
)
from bench.gen_evaluation import _json

# --- RAD KLA ---------------------------------------------------------------------------------


def load_plans(ctx: Context) -> None:
    from bench.gen_names import RAD_WORDS
    from layak.frameworks.current import current_kla_version
    from layak.frameworks.models import Indicator
    from layak.plans.models import (
        DistrictBudget,
        Plan,
        PlanItem,
        PlanYear,
        ProgressEntry,
        ProgressReport,
    )

    version = current_kla_version()
    assert version is not None, "the bundled frameworks are loaded first"
    indicators = list(
        Indicator.objects.filter(version=version)
        .order_by("group__order", "order")
        .values_list("pk", "code", "group__code")
    )
    start = ctx.year - 3
    years = list(range(start, start + 5))
    n_items = ctx.per_district(RAD_ITEMS, 12)
    branches = max(1, n_items // 6)  # a programme, an activity and four sub-activities
    plans: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    plan_years: list[tuple[Any, ...]] = []
    budgets: list[tuple[Any, ...]] = []
    reports: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    rng = ctx.rng
    for d in ctx.districts:
        plan = ctx.ids.take(Plan)
        plans.append(
            (
                plan,
                d.id,
                version.pk,
                f"RAD KLA {d.name} {years[0]}–{years[-1]}",
                years[0],
                years[-1],
                f"Perbup {rng.randint(1, 60)} Tahun {years[0] - 1}",
                datetime.date(years[0] - 1, 12, 1),
                4,
                True,
                d.admin,
                ctx.now,
            )
        )
        for y in years:
            budgets.append(
                (
                    ctx.ids.take(DistrictBudget),
                    d.id,
                    y,
                    Decimal(rng.randint(1_500, 6_000)) * Decimal(1_000_000_000),
                    d.admin,
                    ctx.now,
                )
            )
        leaves_of: dict[int, list[tuple[int, Decimal]]] = {}
        order = 0
        made = 0
        for b in range(branches):
            ind_id, ind_code, group = indicators[b % len(indicators)]
            programmes, activities, subs = RAD_WORDS[group]
            acronyms = [a for a in GROUP_OFFICES.get(group, ["DP3A"]) if a in d.offices]
            office = d.offices[acronyms[b % len(acronyms)]] if acronyms else d.offices["DP3A"]
            p_ref = f"P{b + 1}"
            parent = None
            for level, ref, name, code in (
                ("programme", p_ref, programmes[b % len(programmes)], f"2.{b + 1:02d}.02"),
                (
                    "activity",
                    f"{p_ref}.A1",
                    activities[b % len(activities)],
                    f"2.{b + 1:02d}.02.2.01",
                ),
            ):
                pk = ctx.ids.take(PlanItem)
                order += 1
                items.append(
                    (
                        pk,
                        plan,
                        parent,
                        level,
                        ref,
                        ind_id,
                        code,
                        name,
                        office,
                        f"Capaian {name.lower()}",
                        "kegiatan",
                        Decimal(rng.randint(0, 20)),
                        order,
                        True,
                    )
                )
                target = Decimal(rng.randint(1, 10))
                for y in years:
                    plan_years.append((ctx.ids.take(PlanYear), pk, y, target, 0, 0, 0, 0, 0))
                parent = pk
                made += 1
            for s in range(4 if made + 4 <= n_items else max(0, n_items - made)):
                pk = ctx.ids.take(PlanItem)
                order += 1
                name = f"{subs[s % len(subs)]} ({ind_code})"
                items.append(
                    (
                        pk,
                        plan,
                        parent,
                        "sub_activity",
                        f"{p_ref}.A1.S{s + 1}",
                        ind_id,
                        f"2.{b + 1:02d}.02.2.01.{s + 1:04d}",
                        name,
                        office,
                        f"Jumlah {subs[s % len(subs)].lower()}",
                        "kegiatan",
                        Decimal(rng.randint(0, 50)),
                        order,
                        True,
                    )
                )
                made += 1
                target = Decimal(rng.randint(4, 40))
                for y in years:
                    apbd = Decimal(rng.randint(50, 900)) * Decimal(1_000_000)
                    apbn = Decimal(rng.randint(0, 200)) * Decimal(1_000_000) if s == 1 else 0
                    village = Decimal(rng.randint(0, 100)) * Decimal(1_000_000) if s == 2 else 0
                    csr = Decimal(rng.randint(0, 50)) * Decimal(1_000_000) if s == 3 else 0
                    plan_years.append(
                        (ctx.ids.take(PlanYear), pk, y, target, apbd, apbn, village, csr, 0)
                    )
                leaves_of.setdefault(office, []).append((pk, target))
        # Twelve quarterly reports per office over the plan's first three years: the older
        # ones accepted, the last quarter submitted (a few returned).
        for office, leaves in leaves_of.items():
            author = d.operators.get(office, d.admin)
            for y in years[:3]:
                for period in range(1, 5):
                    last = y == years[2] and period == 4
                    status = "accepted"
                    if last:
                        status = "returned" if rng.random() < 0.1 else "submitted"
                    opened = datetime.datetime(y, 3 * period, 25, tzinfo=datetime.UTC)
                    report = ctx.ids.take(ProgressReport)
                    reports.append(
                        (
                            report,
                            status,
                            "Lengkapi realisasi anggaran." if status == "returned" else "",
                            opened,
                            None if status == "submitted" else opened + datetime.timedelta(days=10),
                            None if status == "submitted" else d.admin,
                            plan,
                            office,
                            y,
                            period,
                            author,
                            opened,
                            opened,
                        )
                    )
                    for item, target in leaves:
                        share = Decimal(rng.random()) * Decimal("0.4")
                        entries.append(
                            (
                                ctx.ids.take(ProgressEntry),
                                report,
                                item,
                                (target * share).quantize(Decimal("0.01")),
                                Decimal(rng.randint(5, 200)) * Decimal(1_000_000),
                                "Kegiatan terlaksana sesuai jadwal.",
                                "Lanjutan triwulan berikut.",
                                "",
                            )
                        )
    ctx.counts["plans"] = copy_rows(
        Plan,
        [
            "id",
            "region",
            "version",
            "title",
            "start_year",
            "end_year",
            "regulation_number",
            "regulation_date",
            "reports_per_year",
            "is_active",
            "created_by",
            "created_at",
        ],
        plans,
    )
    ctx.counts["district_budgets"] = copy_rows(
        DistrictBudget, ["id", "region", "year", "total", "updated_by", "updated_at"], budgets
    )
    ctx.counts["plan_items"] = copy_rows(
        PlanItem,
        [
            "id",
            "plan",
            "parent",
            "level",
            "ref",
            "indicator",
            "budget_code",
            "name",
            "responsible",
            "performance_indicator",
            "unit",
            "baseline",
            "order",
            "is_active",
        ],
        items,
    )
    ctx.counts["plan_years"] = copy_rows(
        PlanYear,
        ["id", "item", "year", "target", "apbd", "apbn", "village", "csr", "other"],
        plan_years,
    )
    del plan_years
    ctx.counts["progress_reports"] = copy_rows(
        ProgressReport,
        [
            "id",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "reviewed_by",
            "plan",
            "organisation",
            "year",
            "period",
            "created_by",
            "created_at",
            "updated_at",
        ],
        reports,
    )
    ctx.counts["progress_entries"] = copy_rows(
        ProgressEntry,
        ["id", "report", "item", "output", "budget", "done", "planned", "obstacles"],
        entries,
    )


# --- indicator data --------------------------------------------------------------------------

# Source office of each element (by acronym) and how big its values are.
ELEMENT_SOURCES = {
    "children": "Disdukcapil",
    "birth_certificates": "Disdukcapil",
    "births": "Dinkes",
    "births_facility": "Dinkes",
    "marriages": "Disdukcapil",
    "child_marriages": "DP3A",
    "under5_measured": "Dinkes",
    "under5_stunted": "Dinkes",
    "schools": "Disdik",
    "schools_child_friendly": "Disdik",
    "violence_cases": "DP3A",
    "violence_cases_served": "DP3A",
}


def _element_values(rng: random.Random, strength: float, level: int) -> dict[str, int]:
    """One consistent set of counts for a region and period (every validation rule holds)."""
    if level == 4:
        measured = rng.randint(40, 600)
        return {
            "under5_measured": measured,
            "under5_stunted": int(measured * rng.uniform(0.05, 0.35)),
        }
    children = rng.randint(40_000, 400_000)
    births = int(children / 17 * rng.uniform(0.9, 1.1))
    marriages = int(children / 25)
    schools = rng.randint(200, 1500)
    cases = rng.randint(10, 300)
    return {
        "children": children,
        "birth_certificates": int(children * min(1.0, 0.7 + 0.3 * strength)),
        "births": births,
        "births_facility": int(births * min(1.0, 0.75 + 0.25 * strength)),
        "marriages": marriages,
        "child_marriages": int(marriages * rng.uniform(0.02, 0.15)),
        "schools": schools,
        "schools_child_friendly": int(schools * rng.uniform(0.1, 0.6)),
        "violence_cases": cases,
        "violence_cases_served": int(cases * min(1.0, 0.6 + 0.4 * strength)),
    }


def load_data_values(ctx: Context) -> None:
    from layak.indicators.definitions import ensure_definitions
    from layak.indicators.disaggregation import canonical
    from layak.indicators.models import DataValue, period_start
    from layak.regions.models import Region

    elements = ensure_definitions()
    # Each element's disaggregation keys (every combination of its categories' options).
    keys: dict[str, list[tuple[str, float]]] = {}
    for code, element in elements.items():
        cats = sorted(element.categories.prefetch_related("options"), key=lambda c: c.code)
        combos: list[dict[str, str]] = [{}]
        for cat in cats:
            combos = [{**c, cat.code: o.code} for c in combos for o in cat.options.all()]
        keys[code] = [(canonical(c), 1 / len(combos)) for c in combos]
    villages: dict[str, list[int]] = {}
    wanted = {d.code for d in ctx.districts}
    for pk, code in Region.objects.filter(level=4, is_active=True).values_list("pk", "code"):
        district = code.rsplit(".", 2)[0]
        if district in wanted:
            villages.setdefault(district, []).append(pk)
    target = round(DATA_VALUES * ctx.scale)
    rng = ctx.rng
    now = ctx.now

    def rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        year = ctx.year - 1
        while n < target and year > ctx.year - 60:
            period = str(year)
            start = period_start(period, "year")
            source = datetime.date(year + 1, 3, 31)
            for d in ctx.districts:
                regions = [(d.id, 2)] + [(v, 4) for v in villages.get(d.code, [])]
                for region, level in regions:
                    for code, total in _element_values(rng, d.strength, level).items():
                        element = elements[code]
                        if element.entry_level != level:
                            continue
                        parts = keys[code]
                        remaining = total
                        for i, (key, share) in enumerate(parts):
                            value = remaining if i == len(parts) - 1 else int(total * share)
                            remaining -= value
                            yield (
                                ctx.ids.take(DataValue),
                                element.pk,
                                region,
                                period,
                                start,
                                key,
                                value,
                                d.offices.get(ELEMENT_SOURCES[code]),
                                f"Data {ELEMENT_SOURCES[code]} {year}",
                                source,
                                "",
                                True,
                                d.admin,
                                now,
                                d.admin,
                                now,
                            )
                            n += 1
                            if n >= target:
                                return
            year -= 1

    ctx.counts["data_values"] = copy_rows(
        DataValue,
        [
            "id",
            "element",
            "region",
            "period",
            "period_start",
            "disaggregation",
            "value",
            "organisation",
            "dataset",
            "source_date",
            "comment",
            "is_active",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
        ],
        rows(),
    )


# --- audit -----------------------------------------------------------------------------------


def load_audit(ctx: Context) -> None:
    """Audit entries of the generated answers' steps, evenly picked across all of them. A step
    the generated calendar puts after the generation (an open cycle's days to come) is recorded
    at the generation's time: the log never holds an entry from the future, which would also
    hold every data stamp (``layak.reports.versions``) still until then."""
    from layak.audit.models import AuditEntry

    events = ctx.events
    answer_type = ctx.answer_type
    ctx.ids.prime([AuditEntry])  # the cycles' creation wrote entries of its own
    target = min(len(events), round(AUDIT_ENTRIES * ctx.scale))
    total = len(events)

    def rows() -> Iterator[tuple[Any, ...]]:
        for k, e in enumerate(events):
            if (k + 1) * target // total == k * target // total:
                continue
            yield (
                ctx.ids.take(AuditEntry),
                min(e.at, ctx.now),
                e.actor,
                e.action,
                answer_type,
                str(e.answer),
                f"{e.district.name} · {e.question}",
                e.district.id,
                None if e.before is None else _json(e.before),
                None if e.after is None else _json(e.after),
                "",
            )

    ctx.counts["audit_entries"] = copy_rows(
        AuditEntry,
        [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region",
            "before",
            "after",
            "request_id",
        ],
        rows(),
    )
