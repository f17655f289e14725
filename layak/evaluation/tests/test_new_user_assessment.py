"""What a new district administrator reads on the assessment page just after the district joined
a cycle: the items nobody filled in are named as the filter names them, and the answers Layak
filled in itself from the programme's records are said to be so; an item's history reads as
stacked blocks on a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from layak.evaluation import actions as ev
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Stage
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def join_cycle(personas):
    """Bekasi just added to a KLA 2024 cycle whose self-assessment is open: nobody answered."""
    bundled_load()
    cycle = ev.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA uji",
        instrument=InstrumentVersion.objects.get(framework__code="kla24", number=1),
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = ev.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[Region.objects.get(code="32.16")]
    )
    return assessment


@pytest.fixture
def joined(personas):
    return join_cycle(personas)


def page(client, user, assessment):
    client.force_login(user)
    response = client.get(reverse("evaluation:assessment", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def missing_states(html):
    """The submit card's list: each item's code and the state it is named with."""
    found = re.search(r'<ul data-testid="missing">(.*?)</ul>', html, re.S)
    assert found is not None
    return dict(re.findall(r">([^<]+)</a> — ([^<]+)</li>", found.group(1)))


def test_an_item_nobody_filled_in_is_named_as_the_filter_names_it(client, personas, joined):
    html = page(client, personas.bekasi_admin, joined)
    states = missing_states(html)
    required = Answer.objects.filter(assessment=joined, question__required=True)
    empty = required.filter(value={}).order_by("question__indicator__order", "question__order")
    typed = required.exclude(value={}).values_list("question__code", flat=True)
    # Not filled in: "Belum diisi", as the status filter above says, not "Draf".
    first_empty = empty.values_list("question__code", flat=True).first()
    assert states[first_empty] == "Belum diisi"
    not_filled = Answer.objects.filter(assessment=joined, value={}).count()
    assert f"Belum diisi ({not_filled})" in html
    # An answer Layak filled in itself is a draft.
    shown_typed = [code for code in typed if code in states]
    assert shown_typed
    assert {states[code] for code in shown_typed} == {"Draf"}
    assert set(states.values()) == {"Belum diisi", "Draf"}


def test_the_page_says_which_answers_layak_filled_in(client, personas, joined):
    computed = (
        Answer.objects.filter(assessment=joined)
        .exclude(question__computed="")
        .exclude(value={})
        .count()
    )
    assert computed > 0
    html = page(client, personas.bekasi_admin, joined)
    note = re.search(r'data-testid="computed-filled">([^<]*)<', html)
    assert note is not None
    assert note.group(1).startswith(f"{computed} butir diisi otomatis oleh Layak")
    assert "poinnya sudah dihitung di atas" in note.group(1)
    drafts = re.search(r'data-testid="computed-drafts">([^<]*)<', html)
    assert drafts is not None
    assert drafts.group(1).startswith(f"{computed} butir draf diisi otomatis oleh Layak")


def test_the_history_reads_as_stacked_blocks_on_a_phone(client, personas, joined):
    kl3 = Answer.objects.get(assessment=joined, question__computed="partner_count")
    client.force_login(personas.bekasi_admin)
    html = client.get(reverse("evaluation:answer_history", args=[kl3.pk])).content.decode()
    table = re.search(r'<table class="stack" data-testid="revisions">(.*?)</table>', html, re.S)
    assert table is not None
    # Each cell carries its column's name, shown above it under 600 px.
    for label in ("Waktu", "Pengguna", "Tindakan", "Sebelum", "Sesudah"):
        assert f'data-label="{label}"' in table.group(1)
