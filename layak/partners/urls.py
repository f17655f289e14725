from django.urls import path

from layak.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("totals/", views.totals, name="totals"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/commitments/new/", views.commitment_create, name="commitment_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/active/", views.contact_set_active, name="contact_set_active"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/submit/", views.commitment_submit, name="commitment_submit"),
    path("commitments/<int:pk>/review/", views.commitment_review, name="commitment_review"),
    path("commitments/<int:pk>/withdraw/", views.commitment_withdraw, name="commitment_withdraw"),
    path(
        "commitments/<int:pk>/contributions/new/",
        views.contribution_create,
        name="contribution_create",
    ),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/submit/", views.contribution_submit, name="contribution_submit"),
    path("contributions/<int:pk>/review/", views.contribution_review, name="contribution_review"),
    path(
        "contributions/<int:pk>/withdraw/",
        views.contribution_withdraw,
        name="contribution_withdraw",
    ),
]
