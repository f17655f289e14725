from django.urls import path

from layak.afse import views

app_name = "afse"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/active/", views.event_set_active, name="set_active"),
]
