"""Imports every module that registers job handlers (``@runner.handler``)."""

from layak.api import dhis2 as api_dhis2_jobs  # noqa: F401
from layak.evaluation import jobs as evaluation_jobs  # noqa: F401
from layak.frameworks import jobs as frameworks_jobs  # noqa: F401
from layak.indicators import jobs as indicators_jobs  # noqa: F401
from layak.plans import jobs as plans_jobs  # noqa: F401
from layak.reports import jobs as reports_jobs  # noqa: F401
