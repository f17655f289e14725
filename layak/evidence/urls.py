from django.urls import path

from layak.evidence import attachment_views, views

app_name = "evidence"

urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("attach/", views.attach, name="attach"),
    path("links/<int:pk>/detach/", views.detach, name="detach"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/public/", views.set_public, name="set_public"),
    path("attachments/add/", attachment_views.add, name="attachment_add"),
    path("attachments/<int:pk>/remove/", attachment_views.remove, name="attachment_remove"),
    path("attachments/<int:pk>/download/", attachment_views.download, name="attachment_download"),
]
