from django.urls import path

from layak.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("<str:code>/", views.browse, name="detail"),
]
