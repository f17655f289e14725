from __future__ import annotations

from django.urls import path

from layak.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("districts/<str:code>/", views.district, name="district"),
    path("files/<int:pk>/", views.file, name="file"),
    path("manage/", views.manage, name="manage"),
    path("manage/<str:code>/<str:section>/", views.publish, name="publish"),
]
