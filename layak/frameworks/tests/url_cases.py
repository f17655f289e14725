"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import Case
from layak.testing import BEKASI, Personas


def matrix_question(p: Personas) -> dict[str, object]:
    from layak.frameworks.models import Question

    question = Question.objects.get(code="T-1.1")
    return {"pk": question.version_id, "question": question.pk}


def version(p: Personas) -> dict[str, object]:
    from layak.frameworks.models import Question

    return {"pk": Question.objects.get(code="T-1.1").version_id}


# Instruments are reference data: every signed-in person downloads a question's matrix template
# and reads the instruments through the API (anonymous callers of the API get 401).
CASES: dict[str, Case] = {
    "frameworks:matrix": Case(kwargs=matrix_question),
    "api-1:instrument_frameworks": Case(anon=401),
    "api-1:instrument_detail": Case(kwargs=version, anon=401),
    "api-1:instrument_indicators": Case(kwargs=version, anon=401),
    "api-1:instrument_questions": Case(kwargs=version, anon=401),
    # A cycle on the UNICEF CFCI framework (no points): its criteria report, for every region
    # the person reaches (Gunung Mas's administrator does not reach Bekasi's).
    "evaluation:cycle_criteria": Case(kwargs=lambda p: {"pk": _cfci_cycle(p).pk}),
    "evaluation:assessment_criteria": Case(
        kwargs=lambda p: {"pk": _cfci_cycle(p).assessments.get(region__code=BEKASI).pk},
        only={"gunungmas.admin": 404},
    ),
}


def _cfci_cycle(personas: Personas):
    """A CFCI cycle for Bekasi and Gunung Mas, made within the one test that needs it (the
    world's other cases expect its single cycle)."""
    from layak.evaluation.models import Cycle
    from layak.evaluation.tests.test_criteria import cfci_cycle

    found = Cycle.objects.filter(name="CFCI Uji").first()
    return found or cfci_cycle(personas, name="CFCI Uji")


def setup(personas: Personas) -> None:
    """The test instrument's first question asks for a matrix."""
    from layak.frameworks.models import EvidenceRequirement, Question

    EvidenceRequirement.objects.create(
        question=Question.objects.get(code="T-1.1"),
        order=9,
        name="Matriks isian",
        kind=EvidenceRequirement.Kind.MATRIX,
    )
