from __future__ import annotations

from django.urls import path

from wellchild.hub.library import views

app_name = "library"
urlpatterns = [
    path("", views.library, name="list"),
    path("<slug:slug>/", views.resource, name="detail"),
    path("<slug:slug>/download/", views.download, name="download"),
]
