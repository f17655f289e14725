from __future__ import annotations

from django.urls import path

from layak.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("district/", views.district, name="district"),
    path("province/", views.province, name="province"),
    path("national/", views.national, name="national"),
]
