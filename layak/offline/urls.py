from django.urls import URLPattern

app_name = "offline"
urlpatterns: list[URLPattern] = []
