"""The practice portal, under /practice/. Practices and children are named by opaque keys,
never by member ids."""

from __future__ import annotations

from django.urls import URLPattern, path

from wellchild.hub.portal import views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/audit-log.csv", views.audit_csv, name="audit-csv"),
    path("children/<str:key>/", views.child, name="child"),
    path("children/<str:key>/referral.pdf", views.referral_pdf, name="referral-pdf"),
    path("children/<str:key>/brochure.pdf", views.brochure_pdf, name="brochure-pdf"),
    path("<str:key>/", views.gap_list, name="gap-list"),
    path("<str:key>/gap-list.xlsx", views.gap_list_xlsx, name="gap-list-xlsx"),
    path("<str:key>/referral-register.csv", views.register_csv, name="register-csv"),
    path("<str:key>/measures/", views.measures, name="measures"),
    path("<str:key>/staff/", views.staff, name="staff"),
]
