"""The dashboards' figures, every one aggregated in the database.

Each builder costs a fixed number of queries whatever the number of districts, answers, scores,
plan items or reports: counts and sums are ``GROUP BY`` queries, the rest is picking and
arranging the few aggregated rows in Python.

Which scores a figure shows: an evaluation's "latest" scores are those of the furthest stage
that has scored it (Permen PPPA 12/2022's order: self-assessment, province verification,
ministry review, field verification, final determination); a determined evaluation shows the
total and predicate fixed by the determination.
"""

from layak.dashboards.figures._common import STAGES, cycles, latest_stage
from layak.dashboards.figures._district import (
    District,
    Standing,
    district,
    district_cycles,
    indicator_trends,
    rad_by_cluster,
)
from layak.dashboards.figures._national import (
    National,
    bands_of,
    national,
    ranking,
    ranking_table,
)
from layak.dashboards.figures._province import Province, next_change, open_stage, province

__all__ = [
    "STAGES",
    "District",
    "National",
    "Province",
    "Standing",
    "bands_of",
    "cycles",
    "district",
    "district_cycles",
    "indicator_trends",
    "latest_stage",
    "national",
    "next_change",
    "open_stage",
    "province",
    "rad_by_cluster",
    "ranking",
    "ranking_table",
]
