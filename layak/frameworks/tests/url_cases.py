"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import Case
from layak.testing import Personas


def matrix_question(p: Personas) -> dict[str, object]:
    from layak.frameworks.models import Question

    question = Question.objects.get(code="T-1.1")
    return {"pk": question.version_id, "question": question.pk}


# Instruments are reference data: every signed-in person downloads a question's matrix template.
CASES: dict[str, Case] = {
    "frameworks:matrix": Case(kwargs=matrix_question),
}


def setup(personas: Personas) -> None:
    """The test instrument's first question asks for a matrix."""
    from layak.frameworks.models import EvidenceRequirement, Question

    EvidenceRequirement.objects.create(
        question=Question.objects.get(code="T-1.1"),
        order=9,
        name="Matriks isian",
        kind=EvidenceRequirement.Kind.MATRIX,
    )
