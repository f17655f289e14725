from django.urls import path

from layak.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/template.xlsx", views.workbook_template, name="template"),
    path("<int:pk>/export.xlsx", views.workbook_export, name="export"),
    path("<int:pk>/import/", views.workbook_import, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("reports/", views.report_list, name="reports"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:pk>/budget/", views.budget, name="budget"),
]
