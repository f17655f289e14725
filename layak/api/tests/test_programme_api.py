"""The programme's API resources (task force, RAD KLA, partners, AFSE, participation) with
personal access tokens: scope, writes through the apps' actions with their audit entries,
refusals, pagination and the names of children."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.api.actions import token_create
from layak.audit.models import AuditEntry
from layak.organisations.models import Organisation
from layak.partners.models import Commitment, Contribution
from layak.plans import actions as plan_actions
from layak.plans.models import Plan, ProgressEntry, ProgressReport
from layak.regions.models import Region
from layak.taskforce import actions
from layak.taskforce.models import TaskForceRole
from layak.taskforce.tests import factories as tf
from layak.testing import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


@pytest.fixture
def tokens(personas, settings):
    settings.API_RATE_LIMIT = 10_000
    keys = (
        "ministry",
        "bekasi.admin",
        "bekasi.dinkes",
        "bekasi.partner",
        "bekasi.forum",
        "bekasi.regent",
        "gunungmas.admin",
    )
    return {k: bearer(token_create(actor=personas[k], name="test", days=30)[1]) for k in keys}


def get(client, url, headers, **params):
    return client.get(f"{API}{url}", params, **headers)


def send(client, method, url, headers, body=None):
    return getattr(client, method)(
        f"{API}{url}", json.dumps(body or {}), content_type="application/json", **headers
    )


# ---- task force ---------------------------------------------------------------------------


@pytest.fixture
def taskforce(personas):
    bekasi = tf.decree(personas)
    chair = tf.member(personas, bekasi, "Dedi Supriatna", TaskForceRole.CHAIR)
    tf.member(personas, bekasi, "Rina Marlina", TaskForceRole.MEMBER, "K3")
    meeting = tf.meeting(personas, chair_member=chair, chair_name="")
    actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=meeting,
        description="Rekap data imunisasi anak",
        owner=Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi"),
        due_date=datetime.date(2025, 4, 30),
    )
    gm = tf.decree(personas, code="62.10", number="188.45/GM/2024")
    gm_meeting = tf.meeting(personas, code="62.10")
    return {"decree": bekasi, "meeting": meeting, "gm_decree": gm, "gm_meeting": gm_meeting}


def test_a_bekasi_token_sees_no_gunung_mas_task_force(client, personas, tokens, taskforce):
    admin = tokens["bekasi.admin"]
    decrees = get(client, "/taskforce/decrees", admin).json()["items"]
    assert [d["number"] for d in decrees] == ["HK.02.02/Kep.15-DP3A/2024"]
    assert decrees[0]["members_serving"] == 2 and decrees[0]["in_force"]
    gm = taskforce["gm_decree"].pk
    response = get(client, f"/taskforce/decrees/{gm}", admin)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    gm_meeting = taskforce["gm_meeting"].pk
    assert get(client, f"/taskforce/meetings/{gm_meeting}", admin).status_code == 404
    assert {m["region"] for m in get(client, "/taskforce/meetings", admin).json()["items"]} == {
        "32.16"
    }
    # The ministry reads both districts; a region filter narrows to a subtree.
    ministry = tokens["ministry"]
    assert len(get(client, "/taskforce/decrees", ministry).json()["items"]) == 2
    only_gm = get(client, "/taskforce/decrees", ministry, region="62").json()["items"]
    assert [d["region"] for d in only_gm] == ["62.10"]


def test_decree_and_meeting_details(client, personas, tokens, taskforce):
    dinkes = tokens["bekasi.dinkes"]
    decree = get(client, f"/taskforce/decrees/{taskforce['decree'].pk}", dinkes).json()
    members = {m["name"]: (m["role"], m["sub_team"], m["serving"]) for m in decree["members"]}
    assert members == {
        "Dedi Supriatna": ("chair", "", True),
        "Rina Marlina": ("member", "K3", True),
    }
    meeting = get(client, f"/taskforce/meetings/{taskforce['meeting'].pk}", dinkes).json()
    assert meeting["chair"] == "Dedi Supriatna"
    assert set(meeting["attendance"]) == {"listed", "invited", "present", "male", "female"}
    [follow_up] = meeting["follow_ups"]
    assert follow_up["owner"] == "Dinas Kesehatan Kabupaten Bekasi" and follow_up["overdue"]
    overdue = get(client, "/taskforce/follow-ups", dinkes, overdue="true").json()["items"]
    assert [f["id"] for f in overdue] == [follow_up["id"]]
    assert get(client, "/taskforce/follow-ups", dinkes, status="done").json()["items"] == []
    bad = get(client, "/taskforce/follow-ups", dinkes, status="lost")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_attendance_totals_count_the_people_present_by_sex(client, personas, tokens, taskforce):
    meeting = taskforce["meeting"]
    for name, sex, present in [
        ("Siti", "F", True),
        ("Wulan", "F", True),
        ("Agus", "M", True),
        ("Budi", "M", False),  # invited, did not come
    ]:
        actions.attendee_add(
            actor=personas.bekasi_admin, meeting=meeting, name=name, sex=sex, present=present
        )
    response = get(client, f"/taskforce/meetings/{meeting.pk}", tokens["bekasi.regent"])
    totals = response.json()["attendance"]
    # The meeting invited the two members serving; nobody recorded them present.
    assert totals == {"listed": 6, "invited": 3, "present": 3, "male": 1, "female": 2}


def test_keyset_pagination_of_meetings(client, personas, tokens):
    for month in range(1, 6):
        tf.meeting(personas, date=datetime.date(2025, month, 10))
    headers = tokens["bekasi.admin"]
    first = get(client, "/taskforce/meetings", headers, limit=2, year=2025).json()
    assert len(first["items"]) == 2 and first["next"]
    seen = [m["id"] for m in first["items"]]
    after = first["next"]
    while after:
        page = get(client, "/taskforce/meetings", headers, limit=2, after=after, year=2025).json()
        seen += [m["id"] for m in page["items"]]
        after = page["next"]
    assert len(seen) == len(set(seen)) == 5
    assert get(client, "/taskforce/meetings", headers, year=2024).json()["items"] == []


def test_a_list_costs_the_same_queries_whatever_its_length(client, personas, tokens):
    headers = tokens["bekasi.admin"]

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, url, headers).status_code == 200
        return len(ctx.captured_queries)

    tf.meeting(personas, date=datetime.date(2025, 1, 10))
    get(client, "/cycles", headers)  # the token's first use records it (one more query)
    small = {url: count(url) for url in ("/taskforce/meetings", "/taskforce/decrees")}
    for month in range(2, 9):
        tf.meeting(personas, date=datetime.date(2025, month, 10))
        tf.decree(personas, start=datetime.date(2020, month, 1), number=f"SK/{month}")
    assert {url: count(url) for url in small} == small


# ---- RAD KLA ------------------------------------------------------------------------------


@pytest.fixture
def plan(personas):
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    report = plan_actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=1,
    )
    gm = plan_actions.plan_create(
        actor=personas.gm_admin,
        region=Region.objects.get(code="62.10"),
        title="RAD KLA Gunung Mas",
        start_year=2025,
    )
    return {"world": world, "report": report, "gm": gm}


def test_plan_detail_items_years_and_budget(client, personas, tokens, plan):
    regent = tokens["bekasi.regent"]
    world = plan["world"]
    listed = get(client, "/plans", regent).json()["items"]
    assert [p["title"] for p in listed] == ["RAD KLA Uji"] and listed[0]["item_count"] == 5
    detail = get(client, f"/plans/{world.plan.pk}", regent).json()
    items = {i["ref"]: i for i in detail["items"]}
    clinic = items["P1.A1.S2"]
    assert clinic["parent"] == "P1.A1" and clinic["level"] == "sub_activity"
    assert clinic["indicator"] == "K1-4" and clinic["responsible"] == world.dinkes.name
    assert [y["year"] for y in clinic["years"]] == [2025, 2026, 2027, 2028, 2029]
    first = clinic["years"][0]
    assert Decimal(first["target"]) == 400 and Decimal(first["apbd"]) == 50_000_000
    assert Decimal(first["csr"]) == 25_000_000 and Decimal(first["total"]) == 75_000_000
    budget = get(client, f"/plans/{world.plan.pk}/budget", regent, year=2026).json()
    assert Decimal(budget["sources"]["apbd"]) == 280_000_000
    assert Decimal(budget["total"]) == 305_000_000 and budget["year"] == 2026
    assert {r["name"] for r in budget["by_office"]} == {
        world.dinkes.name,
        world.capil.name,
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi",
    }
    wrong = get(client, f"/plans/{world.plan.pk}/progress", regent, year=2031)
    assert wrong.status_code == 422 and wrong.json()["errors"]["year"]
    assert get(client, f"/plans/{plan['gm'].pk}", regent).status_code == 404
    assert get(client, f"/plans/{plan['gm'].pk}/budget", regent).status_code == 404


def test_an_office_saves_and_submits_its_report_with_audit(client, personas, tokens, plan):
    dinkes = tokens["bekasi.dinkes"]
    report = plan["report"]
    [entry] = ProgressEntry.objects.filter(report=report)
    url = f"/progress-reports/{report.pk}"
    body = {"entries": [{"id": entry.pk, "output": "95", "budget": "12000000", "done": "Akta"}]}
    saved = send(client, "put", url, dinkes, body)
    assert saved.status_code == 200, saved.content
    data = saved.json()
    [row] = data["entries"]
    assert Decimal(row["output"]) == 95 and Decimal(row["target"]) == 400
    # Fields left out keep their value.
    send(client, "put", url, dinkes, {"entries": [{"id": entry.pk, "obstacles": "Hujan"}]})
    entry.refresh_from_db()
    assert (entry.output, entry.done, entry.obstacles) == (Decimal(95), "Akta", "Hujan")
    audit = AuditEntry.objects.filter(action="plan.report_saved").first()
    assert audit is not None and audit.actor == personas.bekasi_dinkes
    assert audit.after["P1.A1.S2"]["output"] == "95.00"
    submitted = client.post(f"{API}{url}/submit", **dinkes)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert AuditEntry.objects.filter(action="plan.report_submitted", actor=personas.bekasi_dinkes)
    # A submitted report cannot be changed any more.
    refused = send(client, "put", url, dinkes, body)
    assert refused.status_code == 422 and refused.json()["code"] == "refused"
    listed = get(client, "/progress-reports", tokens["bekasi.admin"], status="submitted").json()
    assert [r["id"] for r in listed["items"]] == [report.pk]


def test_report_refusals_and_roles(client, personas, tokens, plan):
    report = plan["report"]
    url = f"{API}/progress-reports/{report.pk}/submit"
    missing = client.post(url, **tokens["bekasi.dinkes"])
    assert missing.status_code == 422 and missing.json()["code"] == "refused"
    assert "P1.A1.S2" in missing.json()["message"]
    assert client.post(url, **tokens["bekasi.regent"]).status_code == 403  # reads, never writes
    assert client.post(url, **tokens["bekasi.partner"]).status_code == 404
    assert client.post(url, **tokens["gunungmas.admin"]).status_code == 404
    unknown = send(
        client,
        "put",
        f"/progress-reports/{report.pk}",
        tokens["bekasi.dinkes"],
        {"entries": [{"id": 999_999, "output": "1"}]},
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "refused"
    negative = send(
        client,
        "put",
        f"/progress-reports/{report.pk}",
        tokens["bekasi.dinkes"],
        {"entries": [{"id": report.entries.get().pk, "output": "-1"}]},
    )
    assert negative.status_code == 422
    assert ProgressReport.objects.get(pk=report.pk).status == "draft"
    assert not AuditEntry.objects.filter(action="plan.report_saved").exists()
    assert Plan.objects.count() == 2


# ---- partners -----------------------------------------------------------------------------


@pytest.fixture
def partners(personas):
    from layak.partners.testing import bekasi_business, ensure_kla, make_commitment

    ensure_kla()
    other = make_organisation("32.16", name="CV Karya Anak Bangsa", kind="business")
    contributor = make_user()
    make_membership(contributor, other, "partner_contributor")
    theirs = make_commitment(contributor, other, title="Beasiswa anak buruh")
    return {"business": bekasi_business(), "other": other, "theirs": theirs}


def test_a_partner_creates_and_submits_through_the_actions(client, personas, tokens, partners):
    partner = tokens["bekasi.partner"]
    year = timezone.localdate().year
    body = {
        "title": "Ruang laktasi dan penitipan anak",
        "cluster": "K3",
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "funds": "150000000",
        "people": 4,
    }
    created = send(client, "post", "/partners/commitments", partner, body)
    assert created.status_code == 201, created.content
    commitment = created.json()
    assert commitment["partner"] == "PT Sinar Cikarang Sejahtera"
    assert commitment["status"] == "draft"
    entry = AuditEntry.objects.get(
        action="partners.commitment_created", object_id=str(commitment["id"])
    )
    assert entry.actor == personas["bekasi.partner"]
    contribution = send(
        client,
        "post",
        "/partners/contributions",
        partner,
        {
            "commitment": commitment["id"],
            "date": timezone.localdate().isoformat(),
            "description": "Pembangunan ruang laktasi di pabrik",
            "kind": "funds",
            "amount": "50000000",
            "children_reached": 30,
        },
    )
    assert contribution.status_code == 201, contribution.content
    done = client.post(f"{API}/partners/commitments/{commitment['id']}/submit", **partner)
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    cid = contribution.json()["id"]
    done = client.post(f"{API}/partners/contributions/{cid}/submit", **partner)
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert Contribution.objects.get(pk=cid).status == "submitted"
    # Submitting again is refused by the workflow.
    again = client.post(f"{API}/partners/contributions/{cid}/submit", **partner)
    assert again.status_code == 422 and again.json()["code"] == "refused"
    listed = get(client, "/partners/contributions", tokens["bekasi.admin"], status="submitted")
    assert [c["id"] for c in listed.json()["items"]] == [cid]


def test_refused_and_invalid_commitments(client, personas, tokens, partners):
    partner = tokens["bekasi.partner"]
    body = {
        "title": "Pelatihan",
        "cluster": "K3",
        "starts_on": "2026-06-01",
        "ends_on": "2026-01-01",
        "people": 2,
    }
    refused = send(client, "post", "/partners/commitments", partner, body)
    assert refused.status_code == 422 and refused.json()["code"] == "refused"
    unknown = send(client, "post", "/partners/commitments", partner, body | {"indicators": ["Z9"]})
    assert unknown.status_code == 422 and unknown.json()["errors"]["indicators"]
    assert not Commitment.objects.filter(title="Pelatihan").exists()
    # The regent reads the partner but writes nothing; an office does not even see it.
    business = partners["business"].pk
    fixed = body | {"ends_on": "2026-12-31", "partner": business}
    for key, status in (("bekasi.regent", 403), ("bekasi.dinkes", 404)):
        assert (
            send(client, "post", "/partners/commitments", tokens[key], fixed).status_code == status
        )
    # The district administrator enters for a partner, naming it.
    admin = send(client, "post", "/partners/commitments", tokens["bekasi.admin"], fixed)
    assert admin.status_code == 201 and admin.json()["partner_id"] == business
    unnamed = send(client, "post", "/partners/commitments", tokens["bekasi.admin"], body)
    assert unnamed.status_code == 422 and unnamed.json()["errors"]["partner"]


def test_another_partners_records_are_invisible(client, personas, tokens, partners):
    partner = tokens["bekasi.partner"]
    theirs = partners["theirs"]
    assert get(client, "/partners/commitments", partner).json()["items"] == []
    assert [p["name"] for p in get(client, "/partners", partner).json()["items"]] == [
        "PT Sinar Cikarang Sejahtera"
    ]
    submit = client.post(f"{API}/partners/commitments/{theirs.pk}/submit", **partner)
    assert submit.status_code == 404
    steal = send(
        client,
        "post",
        "/partners/contributions",
        partner,
        {"commitment": theirs.pk, "date": "2026-01-05", "description": "x", "kind": "methods"},
    )
    assert steal.status_code == 404
    admin = get(client, "/partners/commitments", tokens["bekasi.admin"]).json()["items"]
    assert [c["title"] for c in admin] == ["Beasiswa anak buruh"]
    assert get(client, "/partners/commitments", tokens["gunungmas.admin"]).json()["items"] == []


def test_involvement_totals_for_region_wide_readers(client, personas, tokens, partners):
    response = get(client, "/partners/totals", tokens["bekasi.admin"], year=2026)
    assert response.status_code == 200
    data = response.json()
    assert data["region"] == "32.16" and data["total"]["partners"] == 0
    assert {r["code"] for r in data["by_cluster"]} >= {"KL", "K1", "K5"}
    assert get(client, "/partners/totals", tokens["bekasi.partner"]).status_code == 403
    other = get(client, "/partners/totals", tokens["gunungmas.admin"], region="32.16")
    assert other.status_code == 404
    assert get(client, "/partners/totals", tokens["ministry"]).status_code == 422


# ---- AFSE and participation ---------------------------------------------------------------


def test_afse_events_are_scoped_and_filtered(client, personas, tokens):
    from layak.afse.tests.helpers import dinkes, make_event

    make_event(personas.bekasi_dinkes, kind="S", topic="Sosialisasi KTA")
    may = datetime.date(2026, 5, 2)
    make_event(personas.bekasi_dinkes, kind="E", topic="Edukasi gizi", starts_on=may)
    gm = make_event(personas.gm_admin, organiser=dinkes("Gunung Mas"), topic="Sosialisasi GM")
    forum = tokens["bekasi.forum"]
    topics = {e["topic"] for e in get(client, "/afse/events", forum).json()["items"]}
    assert topics == {"Sosialisasi KTA", "Edukasi gizi"}
    assert [e["topic"] for e in get(client, "/afse/events", forum, kind="E").json()["items"]] == [
        "Edukasi gizi"
    ]
    since = get(client, "/afse/events", forum, **{"from": "2026-04-01"}).json()["items"]
    assert [e["topic"] for e in since] == ["Edukasi gizi"]
    assert get(client, f"/afse/events/{gm.pk}", forum).status_code == 404
    detail = get(client, f"/afse/events/{gm.pk}", tokens["gunungmas.admin"]).json()
    assert detail["topic"] == "Sosialisasi GM" and detail["region"] == "62.10"
    first = get(client, "/afse/events", tokens["ministry"], limit=2).json()
    second = get(client, "/afse/events", tokens["ministry"], limit=2, after=first["next"]).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next"] is None


def test_proposers_are_named_only_to_the_forums_keepers(client, personas, tokens):
    from layak.participation.tests.helpers import make_proposal

    proposal = make_proposal(personas["bekasi.forum"])

    def proposers(key: str) -> list[dict[str, object]]:
        items = get(client, "/participation/proposals", tokens[key]).json()["items"]
        assert [x["id"] for x in items] == [proposal.pk]
        found: list[dict[str, object]] = items[0]["proposers"]
        return found

    named = [{"name": "Putri", "age_group": "13-15"}, {"name": "A.R.", "age_group": "10-12"}]
    assert proposers("bekasi.forum") == named
    assert proposers("bekasi.admin") == named
    for key in ("bekasi.regent", "bekasi.dinkes"):
        assert proposers(key) == [
            {"name": None, "age_group": "13-15"},
            {"name": None, "age_group": "10-12"},
        ]
    assert get(client, "/participation/proposals", tokens["gunungmas.admin"]).json()["items"] == []
    forums = get(client, "/participation/forums", tokens["bekasi.regent"]).json()["items"]
    bekasi = [f for f in forums if f["name"] == "Forum Anak Kabupaten Bekasi"]
    assert bekasi and bekasi[0]["proposals"] == 1 and bekasi[0]["open_proposals"] == 1
