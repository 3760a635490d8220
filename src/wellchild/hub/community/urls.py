"""The community's pages at the site's root: home, pledge, join, confirm, profile,
directory, organizations, contact. Their names carry no namespace (``home``,
``join-person``...), as they always have."""

from __future__ import annotations

from django.urls import path

from wellchild.hub.community import views

urlpatterns = [
    path("", views.home, name="home"),
    path("pledge/", views.pledge, name="pledge"),
    path("join/", views.join, name="join"),
    path("join/person/", views.join_person, name="join-person"),
    path("join/organization/", views.join_organization, name="join-organization"),
    path("join/check-your-email/", views.join_sent, name="join-sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/", views.profile, name="profile"),
    path("me/data.json", views.export_data, name="export-data"),
    path("me/leave/", views.leave, name="leave"),
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:category>/", views.directory, name="directory-category"),
    path("organizations/<slug:slug>/", views.organization, name="organization"),
    path(
        "organizations/<slug:slug>/manage/", views.organization_manage, name="organization-manage"
    ),
    path("organizations/<slug:slug>/confirm-member/", views.confirm_member, name="confirm-member"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact-sent"),
]
