from django.urls import path

from layak.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.instrument_import, name="import"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/export.xlsx", views.version_export, name="export"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/copy/", views.version_copy, name="copy"),
    path("versions/<int:pk>/mapping/", views.version_mapping, name="mapping"),
    path(
        "versions/<int:pk>/questions/<int:question>/matrix.xlsx",
        views.question_matrix,
        name="matrix",
    ),
]
