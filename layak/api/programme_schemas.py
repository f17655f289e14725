"""Request and response bodies of the programme's API resources (``layak.api.programme``):
the task force, the RAD KLA, partners, AFSE events and children's participation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from layak.api.schemas import Page
from layak.core.numbers import PLAIN, NumberError, parse_number

# The largest counts and amounts the database columns hold (PositiveIntegerField, and the
# DecimalFields of commitments/contributions and of progress entries).
MAX_COUNT = 2_147_483_647
MAX_TEXT = 4000
# Text without NUL characters (which PostgreSQL cannot store); codes of clusters, indicators
# and regions.
TEXT = r"^[^\x00]*$"
CODE = r"^[A-Za-z0-9.-]*$"

ReviewStatus = Literal["draft", "submitted", "accepted", "returned"]


def _number(value: object) -> object:
    """A number written as text goes through the one number reader, in machine format
    (``1200.5``); "1.500", which an Indonesian reads as fifteen hundred, is refused."""
    if isinstance(value, str):
        try:
            return parse_number(value, language=PLAIN)
        except NumberError as exc:
            raise ValueError(str(exc)) from None
    return value


# An amount or a figure in a request body (a JSON number, or text read as above).
Number = Annotated[Decimal, BeforeValidator(_number)]


# ---- task force ---------------------------------------------------------------------------


class DecreeOut(Schema):
    id: int
    region: str
    number: str
    title: str
    signed_on: datetime.date
    signatory: str
    period_start: datetime.date
    period_end: datetime.date | None
    superseded_by_id: int | None
    superseded_on: datetime.date | None
    in_force: bool
    members_serving: int


class MemberOut(Schema):
    id: int
    name: str
    position: str
    organisation_id: int | None
    organisation: str
    role: str
    sub_team: str
    served_from: datetime.date
    served_until: datetime.date | None
    end_reason: str
    serving: bool


class DecreeDetailOut(DecreeOut):
    members: list[MemberOut]


class DecreePage(Page):
    items: list[DecreeOut]


class MeetingOut(Schema):
    id: int
    region: str
    decree_id: int | None
    title: str
    date: datetime.date
    start_time: datetime.time
    place: str
    chair: str
    is_active: bool
    listed: int
    present: int
    open_follow_ups: int


class AttendanceTotals(Schema):
    """People listed (invited or added), invited, present; ``male`` and ``female`` count the
    people present."""

    listed: int
    invited: int
    present: int
    male: int
    female: int


class FollowUpOut(Schema):
    id: int
    meeting_id: int
    region: str
    description: str
    owner_id: int
    owner: str
    due_date: datetime.date
    status: str
    completion_note: str
    closed_at: datetime.datetime | None
    overdue: bool


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    decisions: list[str]
    attendance: AttendanceTotals
    follow_ups: list[FollowUpOut]


class MeetingPage(Page):
    items: list[MeetingOut]


class FollowUpPage(Page):
    items: list[FollowUpOut]


# ---- RAD KLA ------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    region: str
    title: str
    instrument_id: int
    start_year: int
    end_year: int
    regulation_number: str
    regulation_date: datetime.date | None
    reports_per_year: int
    item_count: int


class PlanYearOut(Schema):
    """An item's target and budget per funding source (rupiah) for one year."""

    year: int
    target: Decimal | None
    apbd: Decimal
    apbn: Decimal
    village: Decimal
    csr: Decimal
    other: Decimal
    total: Decimal


class PlanItemOut(Schema):
    id: int
    ref: str
    parent: str | None
    level: str
    indicator: str
    cluster: str
    budget_code: str
    name: str
    responsible_id: int
    responsible: str
    partners: list[str]
    performance_indicator: str
    unit: str
    baseline: Decimal | None
    years: list[PlanYearOut]


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]


class PlanPage(Page):
    items: list[PlanOut]


class ProgressRowOut(Schema):
    """One item of the plan with the year's target and budget and what the accepted reports
    realised; ``expected`` is the share of the target due by the last accepted period."""

    id: int
    ref: str
    parent: str | None
    depth: int
    level: str
    indicator: str
    name: str
    responsible: str
    unit: str
    target: Decimal | None
    budget: Decimal
    output: Decimal | None
    spent: Decimal | None
    last_period: int | None
    expected: Decimal | None
    percent: Decimal | None
    behind: bool


class PlanProgressOut(Schema):
    plan_id: int
    year: int
    items: list[ProgressRowOut]


class BudgetRowOut(Schema):
    """A cluster's (``code`` KL, K1..K5) or an office's (``code`` null) budget of the year."""

    code: str | None
    name: str
    apbd: Decimal
    apbn: Decimal
    village: Decimal
    csr: Decimal
    other: Decimal
    total: Decimal


class ChildBudgetOut(Schema):
    """The district's child-responsive budget of a year (the leaves of its active plans):
    totals by funding source, cluster and office; ``apbd_share`` is the per cent of the
    district's total APBD, when that total has been entered."""

    region: str
    year: int
    total_apbd: Decimal | None
    total: Decimal
    apbd_share: Decimal | None
    sources: dict[str, Decimal]
    by_cluster: list[BudgetRowOut]
    by_office: list[BudgetRowOut]


class ReportOut(Schema):
    id: int
    plan_id: int
    organisation_id: int
    organisation: str
    year: int
    period: int
    period_label: str
    status: str
    return_reason: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    updated_at: datetime.datetime


class EntryOut(Schema):
    id: int
    item_id: int
    ref: str
    name: str
    unit: str
    target: Decimal | None
    output: Decimal | None
    budget: Decimal | None
    done: str
    planned: str
    obstacles: str


class ReportDetailOut(ReportOut):
    entries: list[EntryOut]


class ReportPage(Page):
    items: list[ReportOut]


class EntryIn(Schema):
    """One entry of the report; the fields left out keep their value."""

    id: int
    output: Number | None = Field(None, max_digits=18, decimal_places=2)
    budget: Number | None = Field(None, max_digits=18, decimal_places=2)
    done: str = Field("", max_length=MAX_TEXT, pattern=TEXT)
    planned: str = Field("", max_length=MAX_TEXT, pattern=TEXT)
    obstacles: str = Field("", max_length=MAX_TEXT, pattern=TEXT)


class ReportIn(Schema):
    entries: list[EntryIn]


# ---- partners -----------------------------------------------------------------------------


class PartnerOut(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    region: str | None
    description: str
    website: str
    apsai_member: bool
    apsai_number: str
    apsai_year: int | None
    clusters: list[str]
    commitments: int


class PartnerPage(Page):
    items: list[PartnerOut]


class CommitmentOut(Schema):
    id: int
    partner_id: int
    partner: str
    title: str
    description: str
    cluster: str
    indicators: list[str]
    starts_on: datetime.date
    ends_on: datetime.date
    funds: Decimal
    people: int
    facilities: str
    methods: str
    status: str
    return_reason: str
    is_active: bool
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None


class CommitmentPage(Page):
    items: list[CommitmentOut]


class CommitmentIn(Schema):
    """A new commitment (a draft). ``partner`` is the partner organisation's id; a partner
    contributor of a single partner may leave it out. ``cluster`` and ``indicators`` are codes
    of the current KLA instrument (``K3``, ``K3-2``)."""

    partner: int | None = None
    title: str = Field(..., max_length=200, pattern=TEXT)
    description: str = Field("", max_length=MAX_TEXT, pattern=TEXT)
    cluster: str = Field(..., max_length=20, pattern=CODE)
    indicators: list[Annotated[str, Field(max_length=20, pattern=CODE)]] = []
    starts_on: datetime.date
    ends_on: datetime.date
    funds: Number = Field(Decimal(0), max_digits=16, decimal_places=0)
    people: int = Field(0, le=MAX_COUNT)
    facilities: str = Field("", max_length=MAX_TEXT, pattern=TEXT)
    methods: str = Field("", max_length=MAX_TEXT, pattern=TEXT)


class ContributionOut(Schema):
    id: int
    commitment_id: int
    partner_id: int
    date: datetime.date
    description: str
    kind: str
    amount: Decimal
    people: int
    children_reached: int
    status: str
    return_reason: str
    is_active: bool
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None


class ContributionPage(Page):
    items: list[ContributionOut]


class ContributionIn(Schema):
    """A contribution delivered against a commitment (a draft); ``amount`` in rupiah for a
    contribution of funds only."""

    commitment: int
    date: datetime.date
    description: str = Field(..., max_length=MAX_TEXT, pattern=TEXT)
    kind: Literal["funds", "people", "facilities", "methods"]
    amount: Number = Field(Decimal(0), max_digits=16, decimal_places=0)
    people: int = Field(0, le=MAX_COUNT)
    children_reached: int = Field(0, le=MAX_COUNT)


class FiguresOut(Schema):
    code: str
    label: str
    partners: int
    contributions: int
    funds: Decimal
    people: int
    children: int


class TotalsOut(Schema):
    """Involvement of community organisations, business and media (KLA indicator KL-3):
    partners with an accepted commitment in the year and their accepted contributions."""

    region: str
    year: int
    by_kind: list[FiguresOut]
    by_cluster: list[FiguresOut]
    total: FiguresOut


# ---- AFSE ---------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    region: str
    kind: str
    topic: str
    organiser_id: int
    organiser: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    place: str | None
    place_name: str
    venue: str
    boys: int
    girls: int
    men: int
    women: int
    total: int
    target_groups: list[str]
    is_active: bool


class EventDetailOut(EventOut):
    description: str
    materials: str
    partners: list[str]
    indicators: list[str]


class EventPage(Page):
    items: list[EventOut]


# ---- participation ------------------------------------------------------------------------


class ForumOut(Schema):
    id: int
    name: str
    region: str | None
    decree_number: str | None
    decree_date: datetime.date | None
    decree_end: datetime.date | None
    proposals: int
    open_proposals: int


class ForumPage(Page):
    items: list[ForumOut]


class ProposerOut(Schema):
    """A child who made the proposal: the age group, and the first name or initials only for
    the people who keep the forum's records."""

    name: str | None
    age_group: str


class ProposalOut(Schema):
    id: int
    forum_id: int
    topic: str
    # Free text that may tell about children: null unless you handle the proposal.
    description: str | None
    region: str
    proposed_on: datetime.date
    source: str
    status: str
    response: str
    plan_item_id: int | None
    followed_up_at: datetime.datetime | None
    proposers: list[ProposerOut]


class ProposalPage(Page):
    items: list[ProposalOut]
