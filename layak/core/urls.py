from django.urls import path

from layak.core import search_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
    path("search/", search_views.search_page, name="search"),
]
