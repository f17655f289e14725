from django.urls import path

from layak.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
]
