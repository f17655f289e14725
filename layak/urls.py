from django.urls import include, path

from layak.api.api import api
from layak.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("layak.core.urls")),
    path("accounts/", include("layak.accounts.urls")),
    path("regions/", include("layak.regions.urls")),
    path("organisations/", include("layak.organisations.urls")),
    path("audit/", include("layak.audit.urls")),
    path("frameworks/", include("layak.frameworks.urls")),
    path("evaluation/", include("layak.evaluation.urls")),
    path("evidence/", include("layak.evidence.urls")),
    path("accounts/tokens/", include("layak.api.urls")),
    path("taskforce/", include("layak.taskforce.urls")),
    path("plans/", include("layak.plans.urls")),
    path("partners/", include("layak.partners.urls")),
    path("afse/", include("layak.afse.urls")),
    path("participation/", include("layak.participation.urls")),
    path("jobs/", include("layak.jobs.urls")),
    path("data/", include("layak.indicators.urls")),
    path("dashboards/", include("layak.dashboards.urls")),
    path("reports/", include("layak.reports.urls")),
    path("public/", include("layak.portal.urls")),
    path("notifications/", include("layak.notifications.urls")),
    path("discussions/", include("layak.discussions.urls")),
    path("offline/", include("layak.offline.urls")),
    path("api/v1/", api.urls),
    # What DHIS2 clients call (/api/dataValueSets …): layak/api/dhis2.py.
    path("api/", include("layak.api.dhis2_urls")),
]

handler500 = "layak.core.middleware.server_error"
