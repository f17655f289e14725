from __future__ import annotations

from django.urls import path

from layak.taskforce import views

app_name = "taskforce"

urlpatterns = [
    path("", views.home, name="home"),
    path("r/<str:code>/", views.region_detail, name="region"),
    path("r/<str:code>/decrees/", views.decree_list, name="decrees"),
    path("r/<str:code>/decrees/new/", views.decree_create, name="decree_create"),
    path("r/<str:code>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("decrees/<int:pk>/", views.decree_detail, name="decree"),
    path("decrees/<int:pk>/edit/", views.decree_edit, name="decree_edit"),
    path("decrees/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/follow-ups/", views.follow_up_create, name="follow_up_create"),
    path("meetings/<int:pk>/notulen.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("follow-ups/mine/", views.my_follow_ups, name="my_follow_ups"),
    path("follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow_up_edit"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("follow-ups/<int:pk>/drop/", views.follow_up_drop, name="follow_up_drop"),
    path("follow-ups/<int:pk>/reopen/", views.follow_up_reopen, name="follow_up_reopen"),
]
