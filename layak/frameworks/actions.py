"""Changes to instruments: import, publish, copy into a new version, map questions. Only the
ministry administrator (national reach) changes instruments; everyone signed in may read them."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record
from layak.frameworks import bundled
from layak.frameworks.models import Framework, InstrumentVersion, Question
from layak.frameworks.spec import InstrumentSpec, Problem, build_version, spec_of, validate
from layak.frameworks.workbook import read_workbook


class InstrumentError(Exception):
    pass


def _require_national(actor: User) -> None:
    if not authz.reaches(actor, authz.Action.MANAGE, None):
        raise InstrumentError(_("Only the ministry administrator can change instruments."))


def _summary(version: InstrumentVersion) -> dict[str, object]:
    return {
        "framework": version.framework.code,
        "number": version.number,
        "label": version.label,
        "status": version.status,
        "questions": version.questions.count(),
    }


@transaction.atomic
def bundled_load() -> list[InstrumentVersion]:
    """Create and publish the bundled frameworks that are not in the database yet; refresh the
    names and descriptions of those that are (they are Layak's texts, not anyone's entries)."""
    created = []
    for code, make in bundled.BUNDLED.items():
        spec = make()
        existing = Framework.objects.filter(code=code).first()
        if existing is not None:
            _refresh_texts(existing, spec)
            _refresh_guidance(existing, spec)
            continue
        problems = validate(spec)
        if problems:
            raise InstrumentError("; ".join(str(p) for p in problems))
        version = build_version(spec)
        version.status = InstrumentVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        record(
            actor=None,
            action="instrument.loaded",
            obj=version,
            region=None,
            after=_summary(version),
        )
        created.append(version)
    return created


def _refresh_texts(framework: Framework, spec: InstrumentSpec) -> None:
    texts = {
        "name": spec.framework_name,
        "name_en": spec.framework_name_en,
        "description": spec.description,
        "description_en": spec.description_en,
    }
    before = {f: getattr(framework, f) for f in texts if getattr(framework, f) != texts[f]}
    if not before:
        return
    for field in before:
        setattr(framework, field, texts[field])
    framework.save(update_fields=list(before))
    record(
        actor=None,
        action="framework.texts_updated",
        obj=framework,
        region=None,
        before=before,
        after={f: texts[f] for f in before},
    )


def _refresh_guidance(framework: Framework, spec: InstrumentSpec) -> None:
    """The bundled version's questions take the bundled guidance (Layak's text, as the
    framework's names): a database loaded before a hint was corrected gets the correction."""
    version = framework.versions.filter(label=spec.label).order_by("number").first()
    if version is None:
        return
    wanted = {q.code: q.help_text for q in spec.questions}
    changed = [
        q
        for q in version.questions.order_by("order", "pk").only("pk", "code", "help_text")
        if q.code in wanted and q.help_text != wanted[q.code]
    ]
    if not changed:
        return
    before = {q.code: q.help_text for q in changed}
    for q in changed:
        q.help_text = wanted[q.code]
    Question.objects.bulk_update(changed, ["help_text"])
    record(
        actor=None,
        action="instrument.guidance_updated",
        obj=version,
        region=None,
        before=before,
        after={q.code: q.help_text for q in changed},
    )


def instrument_import(
    *, actor: User, data: IO[bytes], dry_run: bool
) -> tuple[list[Problem], InstrumentVersion | None, dict[str, int]]:
    """Read a workbook; list every problem. Without problems and not a dry run, create a draft
    version (all or nothing)."""
    _require_national(actor)
    spec, problems = read_workbook(data)
    if spec is None:
        return problems, None, {}
    problems = problems + validate(spec)
    counts = {
        "groups": len(spec.groups),
        "indicators": len(spec.indicators),
        "questions": len(spec.questions),
    }
    if problems or dry_run:
        return problems, None, counts
    with transaction.atomic():
        version = build_version(spec)
        record(
            actor=actor,
            action="instrument.imported",
            obj=version,
            region=None,
            after=_summary(version),
        )
    return [], version, counts


@transaction.atomic
def version_publish(*, actor: User, version: InstrumentVersion) -> InstrumentVersion:
    _require_national(actor)
    version = InstrumentVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.is_frozen:
        raise InstrumentError(_("This version is already published."))
    problems = validate(spec_of(version))
    if problems:
        raise InstrumentError(
            _("This version cannot be published: %(problems)s")
            % {"problems": "; ".join(map(str, problems[:5]))}
        )
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    record(
        actor=actor,
        action="instrument.published",
        obj=version,
        region=None,
        before={"status": "draft"},
        after={"status": "published"},
    )
    return version


@transaction.atomic
def version_copy(*, actor: User, version: InstrumentVersion) -> InstrumentVersion:
    """A new draft with the same content, its questions mapped to this version's."""
    _require_national(actor)
    spec = spec_of(version)
    spec.label = _("%(label)s (new version)") % {"label": version.label}
    copy = build_version(spec, previous=version)
    record(
        actor=actor,
        action="instrument.copied",
        obj=copy,
        region=None,
        after={**_summary(copy), "from_version": version.pk},
    )
    return copy


@transaction.atomic
def questions_map(
    *, actor: User, version: InstrumentVersion, mapping: dict[int, int | None]
) -> int:
    """Say which question of the previous version each question continues. Drafts only."""
    _require_national(actor)
    version = InstrumentVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.is_frozen:
        raise InstrumentError(_("A published version is frozen: make a new version to change it."))
    if version.previous_id is None:
        raise InstrumentError(_("This version has no previous version."))
    allowed = set(
        Question.objects.filter(version_id=version.previous_id).values_list("pk", flat=True)
    )
    questions = {q.pk: q for q in version.questions.all()}
    changed = []
    before: dict[str, int | None] = {}
    after: dict[str, int | None] = {}
    for pk, previous in mapping.items():
        q = questions.get(pk)
        if q is None or (previous is not None and previous not in allowed):
            raise InstrumentError(_("A question was mapped to a question of another version."))
        if q.previous_id != previous:
            before[q.code], after[q.code] = q.previous_id, previous
            q.previous_id = previous
            changed.append(q)
    Question.objects.bulk_update(changed, ["previous"])
    if changed:
        record(
            actor=actor,
            action="instrument.mapped",
            obj=version,
            region=None,
            before=before,
            after=after,
        )
    return len(changed)
