from django.urls import path

from layak.discussions import views

app_name = "discussions"

urlpatterns = [
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/withdraw/", views.message_withdraw, name="message_withdraw"),
    path("<slug:kind>/<int:pk>/", views.thread, name="thread"),
    path("<slug:kind>/<int:pk>/post/", views.post, name="post"),
]
