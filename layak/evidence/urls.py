from django.urls import path

from layak.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("attach/", views.attach, name="attach"),
    path("links/<int:pk>/detach/", views.detach, name="detach"),
    path("<int:pk>/download/", views.download, name="download"),
]
