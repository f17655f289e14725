from django.urls import path

from layak.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="indicators"),
    path("elements/", views.element_list, name="elements"),
    path("elements/<slug:code>/", views.element_detail, name="element"),
    path("values/<int:pk>/", views.value_detail, name="value"),
    path("entry/", views.entry_grid, name="entry"),
    path("imports/", views.import_upload, name="imports"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("publish/", views.publish, name="publish"),
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/elements/new/", views.element_form, name="element_create"),
    path("definitions/elements/<slug:code>/", views.element_form, name="element_edit"),
    path("definitions/indicators/new/", views.indicator_form, name="indicator_create"),
    path("definitions/indicators/<int:pk>/", views.indicator_form, name="indicator_edit"),
    path("definitions/rules/new/", views.rule_form, name="rule_create"),
    path("definitions/rules/<int:pk>/", views.rule_form, name="rule_edit"),
    path("definitions/categories/new/", views.category_form, name="category_create"),
    path("definitions/categories/<int:pk>/", views.category_form, name="category_edit"),
]
