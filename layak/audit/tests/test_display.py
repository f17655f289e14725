"""Every audit entry reads in words: each action code written anywhere has a label, and the
panels show names, never codes, ids or dicts."""

from __future__ import annotations

import ast
import html
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.utils.functional import Promise

from layak.audit import display
from layak.audit.models import AuditEntry
from layak.evaluation.models import AnswerRevision

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text()))
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _strings(node: ast.AST) -> list[str | re.Pattern[str]]:
    """The codes an expression can give: constants, both sides of ``a if c else b``, and
    f-strings or concatenations as patterns."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        parts = node.values if isinstance(node, ast.JoinedStr) else [node.left, node.right]
        pattern = "".join(
            re.escape(str(p.value)) if isinstance(p, ast.Constant) else "[a-z_]+" for p in parts
        )
        return [re.compile(f"^{pattern}$")]
    return []


def _codes_in_the_code() -> tuple[set[str], set[re.Pattern[str]], set[str]]:
    """Audit codes (``action=`` of any call, ``action = …``, and any string shaped like a code
    in a namespace those use), dynamic code patterns, and answer-history actions
    (``_revise(…, action=…)``)."""
    codes: set[str] = set()
    patterns: set[re.Pattern[str]] = set()
    revisions: set[str] = set()
    constants: set[str] = set()
    for _path, tree in _modules():
        # Pieces of a built code and prefixes to filter by are not codes themselves.
        pieces = {
            id(part)
            for node in ast.walk(tree)
            for part in (
                [*node.values]
                if isinstance(node, ast.JoinedStr)
                else [node.left, node.right]
                if isinstance(node, ast.BinOp)
                else [node.value]
                if isinstance(node, ast.keyword) and (node.arg or "").endswith("startswith")
                else []
            )
        }
        for node in ast.walk(tree):
            found: list[str | re.Pattern[str]] = []
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        values = _strings(keyword.value)
                        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                        if name == "_revise":
                            revisions |= {v for v in values if isinstance(v, str)}
                        else:
                            found += values
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "action" for t in node.targets
            ):
                found += _strings(node.value)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and id(node) not in pieces
            ):
                constants.add(node.value)
            for value in found:
                if isinstance(value, str):
                    if "." in value:
                        codes.add(value)
                else:
                    patterns.add(value)
    namespaces = {c.split(".")[0] for c in codes}
    codes |= {c for c in constants if c.split(".")[0] in namespaces}
    return codes, patterns, revisions


def test_every_audit_action_in_the_code_has_a_label():
    codes, patterns, _revisions = _codes_in_the_code()
    assert len(codes) > 100  # the walk finds the codes (a broken walk would find none)
    labels = display.action_labels()
    assert sorted(codes - set(labels)) == []
    for pattern in patterns:
        assert any(pattern.match(code) for code in labels), pattern.pattern
    assert all(isinstance(label, Promise) for label in labels.values())


def test_every_answer_history_action_has_a_label():
    _codes, _patterns, revisions = _codes_in_the_code()
    assert {"saved", "submitted", "returned_by_province"} <= revisions
    assert sorted(revisions - set(AnswerRevision.Action.values)) == []


def test_a_code_without_a_label_is_shown_as_itself_and_reported():
    assert display.action_label("nothing.declared") == "nothing.declared"
    assert not display.is_known("nothing.declared")


@pytest.fixture
def demo_log(personas):
    """Everything the demo does, written through the same actions people use."""
    from layak.core.management.commands.setup import LATE_DEMOS, PROGRAMME_DEMOS
    from layak.evaluation.demo import seed_evaluation_demo
    from layak.frameworks.actions import bundled_load
    from layak.jobs import runner

    bundled_load()
    for module in PROGRAMME_DEMOS:
        import_module(module).seed_demo()
    seed_evaluation_demo(personas.users)
    for module in LATE_DEMOS:
        if module != "layak.reports.demo":  # its PDFs take a minute; a job is started below
            import_module(module).seed_demo()
    runner.start(actor=personas.ministry, kind="reminders", label="Kirim pengingat hari ini")


RAW = re.compile(r"[{}\[\]]|\b[a-z]+_[a-z_]+\b")


@pytest.mark.django_db
def test_every_entry_of_the_demo_reads_in_words(
    client, personas, demo_log, django_assert_max_num_queries
):
    entries = list(AuditEntry.objects.select_related("actor"))
    with django_assert_max_num_queries(60):
        rows = display.describe(entries)
    actions = {row.entry.action for row in rows}
    assert len(actions) > 50
    for row in rows:
        assert display.is_known(row.entry.action), row.entry.action
        for change in row.changes:
            key = change.key
            spec, known = display.field_for(row.entry, key)
            where = f"{row.entry.action} {key}"
            assert known, where
            assert spec.label is None or isinstance(spec.label, Promise), where
            for text in (change.before, change.after):
                if text is None:
                    continue
                assert not RAW.search(text), f"{where}: {text}"
                if isinstance(spec, display.Ref | display.Pairs):
                    assert not text.isdigit() and "(" not in text[:1], f"{where}: {text}"

    # The audit list, filtered by each action, in Indonesian: labels, never codes; names,
    # never ids; no Python dicts.
    client.force_login(personas.ministry)
    codes = actions
    for code in sorted(codes):
        body = client.get("/audit/", {"action": code}).content.decode()
        text = html.unescape(re.sub(r"<[^>]+>", " ", body.split('id="audit-rows"', 1)[1]))
        assert code not in text, code
        assert "{'" not in text and "['" not in text, code
        assert str(display.action_label(code)) in text, code


@pytest.mark.django_db
def test_a_cycle_entry_reads_in_both_languages_with_the_last_day_entered(personas):
    """A window stored as closing at midnight after 8 December reads "to 8 Dec", and the
    instrument by its name, in Indonesian and in English."""
    import datetime

    from django.utils import timezone, translation

    from layak.evaluation import actions
    from layak.evaluation.models import Stage
    from layak.frameworks.actions import version_publish
    from layak.frameworks.spec import build_version
    from layak.testing import small_spec

    version = version_publish(actor=personas.ministry, version=build_version(small_spec()))
    tz = timezone.get_current_timezone()
    start = datetime.datetime(2026, 12, 1, tzinfo=tz)
    windows = {}
    for i, kind in enumerate(Stage.ORDER):
        opens = start + datetime.timedelta(days=10 * i)
        windows[kind] = (opens, opens + datetime.timedelta(days=8))  # the 1st to the 8th
    cycle = actions.cycle_create(
        actor=personas.ministry, name="Evaluasi Uji", instrument=version, windows=windows
    )
    entry = AuditEntry.objects.for_object(cycle).get()
    with translation.override("id"):
        (row,) = display.describe([entry])
        changes = {c.label: c.after for c in row.changes}
        assert row.action == "Siklus dibuat"
        assert changes["Evaluasi mandiri"] == "1 Des 2026 sampai 8 Des 2026"
        assert changes["Instrumen"] == f"{version.framework.name} v{version.number}"
    with translation.override("en"):
        (row,) = display.describe([entry])
        changes = {c.label: c.after for c in row.changes}
        assert row.action == "Cycle created"
        assert changes["Self-assessment"] == "1 Dec 2026 to 8 Dec 2026"


def test_an_answers_points_read_with_two_decimals_as_everywhere(personas, evaluation):
    """A save's points read "30,00" as on every page, not "30"."""
    from django.utils import translation

    from layak.evaluation import actions
    from layak.evaluation.tests.test_workflow import option

    answer = evaluation.answers["T-1.1"]
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": option(answer, "Perda")},
        note="",
        revision=0,
    )
    entry = AuditEntry.objects.filter(action="answer.saved").get()
    with translation.override("id"):
        (row,) = display.describe([entry])
    changes = {c.label: c.after for c in row.changes}
    assert changes["Poin"] == "30,00"


def test_what_an_entry_says_already_is_not_listed_again(personas):
    """A background job's entry names the job once (its subject), not again as its kind; a value
    entered does not say it is active; a batch of values reads as an action."""
    from django.utils import translation

    from layak.audit.log import record
    from layak.jobs import runner
    from layak.regions.models import Region

    job = runner.start(
        actor=personas.ministry, kind="reminders", label="Kirim pengingat batas waktu hari ini"
    )
    entry = AuditEntry.objects.for_object(job).get(action="job.started")
    region = Region.objects.get(code="32.16")
    record(
        actor=personas.bekasi_admin,
        action="indicators.value_entered",
        obj=region,
        region=region,
        after={"value": "12", "is_active": True},
    )
    value = AuditEntry.objects.get(action="indicators.value_entered")
    record(
        actor=personas.bekasi_admin,
        action="indicators.values_entered",
        obj=region,
        region=region,
        after={"created": 4},
    )
    batch = AuditEntry.objects.get(action="indicators.values_entered")
    with translation.override("id"):
        job_row, value_row, batch_row = display.describe([entry, value, batch])
    assert job_row.action == "Pekerjaan latar belakang dimulai"
    assert "Kirim pengingat batas waktu hari ini" in job_row.subject
    assert job_row.changes == []
    assert [c.label for c in value_row.changes] == ["Nilai"]
    assert batch_row.action == "Nilai diisikan"
