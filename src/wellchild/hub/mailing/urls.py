from __future__ import annotations

from django.urls import path

from wellchild.hub.mailing import views

app_name = "mailing"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-email/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
