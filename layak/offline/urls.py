from django.urls import path

from layak.offline import views

app_name = "offline"
urlpatterns = [
    path("", views.app, name="app"),
    path("package/", views.package_view, name="package"),
    path("answers/<int:pk>/", views.answer_view, name="answer"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("field/<int:pk>/", views.score_view, name="score"),
    path("field-photos/<int:pk>/", views.field_photo_view, name="field_photo"),
    path("sw.js", views.worker, name="worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
