from django.urls import path

from layak.participation import views

app_name = "participation"

urlpatterns = [
    path("", views.forum_list, name="list"),
    path("forums/<int:pk>/", views.forum_detail, name="forum"),
    path("forums/<int:pk>/decrees/new/", views.decree_add, name="decree_add"),
    path("forums/<int:pk>/facilitators/new/", views.facilitator_add, name="facilitator_add"),
    path(
        "facilitators/<int:pk>/active/",
        views.facilitator_set_active,
        name="facilitator_set_active",
    ),
    path("forums/<int:pk>/proposals/new/", views.proposal_create, name="proposal_create"),
    path("forums/<int:pk>/you-said/", views.you_said, name="you_said"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/follow-up/", views.proposal_follow_up, name="proposal_follow_up"),
    path("proposals/<int:pk>/active/", views.proposal_set_active, name="proposal_set_active"),
]
