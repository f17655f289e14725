from django.urls import path

from layak.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:kind>/start/", views.start, name="start"),
]
