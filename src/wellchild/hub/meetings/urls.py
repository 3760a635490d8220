from __future__ import annotations

from django.urls import path

from wellchild.hub.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.schedule, name="list"),
    path("feed.ics", views.feed, name="feed"),
    path("my-feed/", views.manage_feed, name="manage-feed"),
    path("my-feed/<str:token>.ics", views.personal_feed, name="personal-feed"),
    path("<slug:slug>/", views.meeting, name="detail"),
    path("<slug:slug>/calendar.ics", views.meeting_ics, name="ics"),
    path("<slug:slug>/materials/<int:pk>/", views.material, name="material"),
]
