from django.urls import path

from layak.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/active/", views.organisation_set_active, name="set_active"),
    path("<int:pk>/invite/", views.member_invite, name="invite"),
    path("members/", views.member_list, name="members"),
    path("office-kinds/<str:code>/", views.office_kinds, name="office_kinds"),
    path("memberships/<int:pk>/role/", views.membership_change_role, name="membership_role"),
    path("memberships/<int:pk>/active/", views.membership_set_active, name="membership_active"),
    path("memberships/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("memberships/<int:pk>/assessor/", views.assessor_regions, name="assessor_regions"),
]
