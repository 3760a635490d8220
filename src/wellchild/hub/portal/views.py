"""The practice portal's pages. Each view's first line fetches what it shows through
:mod:`wellchild.hub.portal.access` (404 outside the user's practices), and each read,
print, export or record of member-level data is written to the audit log once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wellchild.hub import roles
from wellchild.hub.portal import access, audit, charts, documents, domain, exports
from wellchild.hub.portal.forms import AuditForm, FilterForm, OutreachForm, StaffForm
from wellchild.hub.portal.models import AuditEvent, GapEntry, Practice, StaffGrant

Action = AuditEvent.Action
PAGE = 100
View = Callable[..., HttpResponse]


def portal_view(view: View) -> View:
    """Signed in (and past the second factor, for those who set one up); never cached."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.second_factor_satisfied(request):
            return redirect(f"{reverse('verify')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return never_cache(login_required(checked))


def _download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _practice_page(
    request: HttpRequest, template: str, practice: Practice, context: dict[str, Any]
) -> HttpResponse:
    """A page of one practice, with what its tabs need."""
    return render(
        request,
        template,
        {
            "practice": practice,
            "can_manage": request.user.has_perm("portal.manage_staff", practice),
            "is_staff_here": access.practices(request.user).filter(pk=practice.pk).exists(),
            **context,
        },
    )


@portal_view
def home(request: HttpRequest) -> HttpResponse:
    """The user's practices (straight to the gap list when there is just one)."""
    mine = list(access.practices(request.user).order_by("name"))
    managed = list(
        access.managed_practices(request.user)
        .annotate(staff_count=Count("staff"))
        .order_by("name", "practice_id")
    )
    pending = list(domain.pending_grants()) if roles.is_coordinator(request.user) else []
    if len(mine) == 1 and not managed and not pending:
        return redirect("portal:gap-list", mine[0].key)
    return render(
        request,
        "portal/home.html",
        {"practices": mine, "managed": managed, "pending": pending},
    )


def _filtered(request: HttpRequest, practice: Practice) -> tuple[Any, FilterForm, Any]:
    entries = access.entries(practice)
    form = FilterForm(request.GET, **domain.choices(entries))
    filters = form.filters()
    return domain.filtered(entries, filters), form, filters


@portal_view
def gap_list(request: HttpRequest, key: str) -> HttpResponse:
    practice = access.practice(request, key)
    rows, form, filters = _filtered(request, practice)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    audit.record(
        request,
        action=Action.READ_LIST,
        practice=practice,
        children=len(page.object_list),
        detail=f"{filters.describe()}; page {page.number}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _practice_page(
        request,
        "portal/gap_list.html",
        practice,
        {
            "current": access.current_gap_list(practice),
            "page": page,
            "form": form,
            "filters": filters,
            "query": query.urlencode(),
        },
    )


@portal_view
def gap_list_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    practice = access.practice(request, key)
    rows, _form, filters = _filtered(request, practice)
    current = access.current_gap_list(practice)
    if current is None:
        raise Http404
    entries = list(rows)
    content = exports.gap_list_xlsx(entries, title=_("Gap list"))
    audit.record(
        request,
        action=Action.EXPORT_XLSX,
        practice=practice,
        children=len(entries),
        detail=filters.describe(),
    )
    return _download(
        content,
        filename=f"gap-list-{practice.practice_id}-{current.as_of:%Y-%m-%d}.xlsx",
        content_type=exports.XLSX_TYPE,
    )


@portal_view
def register_csv(request: HttpRequest, key: str) -> HttpResponse:
    """The practice's referral steps in the register format (wellchild referrals import)."""
    practice = access.practice(request, key)
    rows = exports.register_rows(access.outreach_records(practice))
    audit.record(
        request,
        action=Action.EXPORT_REGISTER,
        practice=practice,
        children=len({r["member_id"] for r in rows}),
        detail=f"{len(rows)} status rows",
    )
    return _download(
        exports.register_csv(rows),
        filename=f"referral_register-{practice.practice_id}.csv",
        content_type="text/csv; charset=utf-8",
    )


@portal_view
def measures(request: HttpRequest, key: str) -> HttpResponse:
    """The practice's rates (counts of its own children, no names) and a run chart."""
    practice = access.practice(request, key)
    history = list(domain.rates(practice))
    latest = domain.latest_rates(practice)
    ids = [r.measure_id for r in latest]
    chosen = request.GET.get("measure", "")
    if chosen not in ids:
        chosen = "dental_12m" if "dental_12m" in ids else (ids[0] if ids else "")
    series = [r for r in history if r.measure_id == chosen]
    name = series[-1].measure_name if series else ""
    svg = charts.run_chart_svg(series, title=f"{name}: {practice.name}") if series else None
    return _practice_page(
        request,
        "portal/measures.html",
        practice,
        {
            "latest": latest,
            "chosen": chosen,
            "chosen_name": name,
            "series": series,
            "chart": svg,
        },
    )


@portal_view
@require_http_methods(["GET", "POST"])
def child(request: HttpRequest, key: str) -> HttpResponse:
    """A child's details, its outreach so far, and the form to record the next step."""
    found = access.child(request, key)
    entry = access.latest_entry(found)
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain.record_outreach(child=found, user=request.user, **form.cleaned_data)
        audit.record(
            request,
            action=Action.RECORD_OUTREACH,
            practice=found.practice,
            children=1,
            member_id=found.member_id,
            detail=str(form.cleaned_data["status"]),
        )
        messages.success(request, _("Recorded."))
        return redirect("portal:child", found.key)
    audit.record(
        request,
        action=Action.READ_CHILD,
        practice=found.practice,
        children=1,
        member_id=found.member_id,
    )
    current = access.current_gap_list(found.practice)
    return render(
        request,
        "portal/child.html",
        {
            "child": found,
            "practice": found.practice,
            "entry": entry,
            "on_current_list": entry is not None
            and current is not None
            and entry.gap_list_id == current.pk,
            "language": domain.language_name(entry.language) if entry else "",
            "records": found.outreach.all(),
            "form": form,
        },
    )


@portal_view
def referral_pdf(request: HttpRequest, key: str) -> HttpResponse:
    return _printed(
        request, key, documents.referral_pdf, Action.PRINT_REFERRAL, "dental-referral-{member_id}"
    )


@portal_view
def brochure_pdf(request: HttpRequest, key: str) -> HttpResponse:
    return _printed(
        request, key, documents.brochure_pdf, Action.PRINT_BROCHURE, "dental-brochure-{language}"
    )


def _printed(
    request: HttpRequest,
    key: str,
    render: Callable[[GapEntry], bytes],
    action: AuditEvent.Action,
    name: str,
) -> HttpResponse:
    """A child's document in the family's language (from the latest gap list that names
    the child), audited as printed."""
    found = access.child(request, key)
    entry = access.latest_entry(found)
    if entry is None:
        raise Http404
    pdf = render(entry)
    audit.record(
        request,
        action=action,
        practice=found.practice,
        children=1,
        member_id=found.member_id,
        detail=f"language {entry.language}",
    )
    filename = name.format(member_id=found.member_id, language=entry.language) + ".pdf"
    return _download(pdf, filename=filename, content_type="application/pdf")


@portal_view
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, key: str) -> HttpResponse:
    """Add or remove the practice's staff (its organization's admins, coordinators), each
    for a stated reason; a coordinator's own request waits for a second coordinator."""
    practice = access.managed_practice(request, key)
    coordinator = bool(roles.is_coordinator(request.user))
    action = request.POST.get("action")
    form = StaffForm(
        request.POST if action == "add" else None, practice=practice, coordinator=coordinator
    )
    if request.method == "POST":
        try:
            if action == "add":
                if form.is_valid():
                    grant = domain.add_staff(
                        request, practice, form.cleaned_data["email"], form.cleaned_data["reason"]
                    )
                    messages.success(request, _staff_message(grant))
                    return redirect("portal:staff", practice.key)
            else:
                _change_staff(request, practice, action, coordinator)
                return redirect("portal:staff", practice.key)
        except domain.StaffChangeError as exc:
            if action != "add":
                messages.error(request, str(exc))
                return redirect("portal:staff", practice.key)
            form.add_error(None, str(exc))
    members = practice.staff.select_related("user__person").order_by("user__email")
    return _practice_page(
        request,
        "portal/staff.html",
        practice,
        {
            "members": members,
            "form": form,
            "pending": domain.pending_grants(practice),
            "history": practice.grants.all()[:PAGE],
            "coordinator": coordinator,
        },
    )


def _staff_message(grant: StaffGrant) -> str:
    if grant.state == StaffGrant.State.PENDING:
        return _("Your request waits for a second coordinator's approval.")
    return _("Added to the practice's staff.")


def _change_staff(
    request: HttpRequest, practice: Practice, action: str | None, coordinator: bool
) -> None:
    """Remove someone, or (coordinators) approve or refuse a pending request."""
    reason = request.POST.get("reason", "")
    if action == "remove":
        member = practice.staff.select_related("user", "added_by", "practice")
        found = member.filter(pk=request.POST.get("staff") or 0).first()
        if found is not None:
            domain.remove_staff(request, found, reason)
            messages.success(request, _("Removed from the practice's staff."))
    elif action in ("approve", "refuse") and coordinator:
        grant = domain.pending_grants(practice).filter(pk=request.POST.get("grant") or 0).first()
        if grant is not None:
            domain.decide(request, grant, approve=action == "approve", reason=reason)
            messages.success(request, _("Approved.") if action == "approve" else _("Refused."))


@portal_view
def audit_log(request: HttpRequest) -> HttpResponse:
    access.audit_reader(request)
    form = AuditForm(request.GET or None)
    page = Paginator(audit.search(form.query()), PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@portal_view
def audit_csv(request: HttpRequest) -> HttpResponse:
    access.audit_reader(request)
    form = AuditForm(request.GET or None)
    query = form.query()
    events = list(audit.search(query))
    audit.record(
        request,
        action=Action.EXPORT_AUDIT,
        practice=None,
        children=0,
        detail=f"{len(events)} records; {request.GET.urlencode()}",
    )
    return _download(
        audit.to_csv(events), filename="audit-log.csv", content_type="text/csv; charset=utf-8"
    )
