"""The audit log: one record per read, print, export and record of member-level data,
with who, what, how many children, which practice and from where; nothing can change or
delete a record (the model, the admin and, on PostgreSQL, a trigger)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from portal_factories import (
    PRACTICE_A,
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)

from wellchild.hub.portal import audit
from wellchild.hub.portal.models import AppendOnlyError, AuditEvent

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def w(tmp_path: Path) -> World:
    return world(tmp_path)


def _client(w: World, who: str) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(w.users[who], backend=BACKEND)
    return client


def _log() -> list[tuple[str, str, str, int, str]]:
    return [
        (e.user_email, e.action, e.practice_id, e.children, e.member_id)
        for e in AuditEvent.objects.order_by("id")
    ]


def test_a_record_per_read_print_export_and_record(w: World) -> None:
    nurse = _client(w, "A nurse")
    email = w.users["A nurse"].email
    ana = w.child("M1001")
    nurse.get(reverse("portal:gap-list", args=[w.a.key]))
    nurse.get(reverse("portal:gap-list", args=[w.a.key]), {"language": "es"})
    nurse.get(reverse("portal:gap-list-xlsx", args=[w.a.key]), {"q": "garcia"})
    nurse.get(reverse("portal:child", args=[ana.key]))
    nurse.get(reverse("portal:referral-pdf", args=[ana.key]))
    nurse.get(reverse("portal:brochure-pdf", args=[ana.key]))
    nurse.post(reverse("portal:child", args=[ana.key]), {"status": "seen", "date": "2026-03-01"})
    nurse.get(reverse("portal:register-csv", args=[w.a.key]))
    nurse.get(reverse("portal:measures", args=[w.a.key]))  # counts only: not member-level
    assert _log() == [
        (email, "read list", PRACTICE_A, 3, ""),
        (email, "read list", PRACTICE_A, 1, ""),
        (email, "export xlsx", PRACTICE_A, 2, ""),
        (email, "read child", PRACTICE_A, 1, "M1001"),
        (email, "print referral", PRACTICE_A, 1, "M1001"),
        (email, "print brochure", PRACTICE_A, 1, "M1001"),
        (email, "record outreach", PRACTICE_A, 1, "M1001"),
        (email, "export register", PRACTICE_A, 1, ""),
    ]
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    assert (first.ip, first.user_id, first.path) == (
        "203.0.113.7",
        w.users["A nurse"].pk,
        reverse("portal:gap-list", args=[w.a.key]),
    )
    details = list(AuditEvent.objects.order_by("id").values_list("detail", flat=True))
    assert details[:3] == ["no filter; page 1", "language=es; page 1", "q=garcia"]


def test_refused_requests_write_no_record(w: World) -> None:
    other = _client(w, "B nurse")
    ana = w.child("M1001")
    for url in (
        reverse("portal:gap-list", args=[w.a.key]),
        reverse("portal:child", args=[ana.key]),
        reverse("portal:referral-pdf", args=[ana.key]),
    ):
        assert other.get(url).status_code == 404
    assert _log() == []


def test_coordinators_search_and_export_the_log(w: World) -> None:
    _client(w, "A nurse").get(reverse("portal:child", args=[w.child("M1001").key]))
    _client(w, "B nurse").get(reverse("portal:child", args=[w.child("M2001").key]))
    coordinator = _client(w, "coordinator")
    page = coordinator.get(reverse("portal:audit"), {"q": "M1001"}).content.decode()
    assert "1 record" in page
    assert w.users["A nurse"].email in page
    assert w.users["B nurse"].email not in page
    exported = coordinator.get(reverse("portal:audit-csv"), {"action": "read child"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert sorted((r["user_email"], r["member_id"], r["children"]) for r in rows) == sorted(
        [(w.users["A nurse"].email, "M1001", "1"), (w.users["B nurse"].email, "M2001", "1")]
    )
    # The export itself is recorded.
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    assert (last.action, last.user_email, last.children) == (
        "export audit",
        w.users["coordinator"].email,
        0,
    )


def test_audit_csv_cells_cannot_run_as_formulas() -> None:
    event = AuditEvent(
        at=timezone.now(),
        user_email="a@example.org",
        action="read list",
        children=1,
        detail="=HYPERLINK(1)",
        path="/practice/x/?q=%3D1",
        ip="203.0.113.7",
    )
    rows = list(csv.reader(io.StringIO(audit.to_csv([event]))))
    assert rows[1][6:8] == ["'=HYPERLINK(1)", "/practice/x/?q=%3D1"]


def test_the_model_refuses_to_change_or_delete_records(w: World) -> None:
    _client(w, "A nurse").get(reverse("portal:gap-list", args=[w.a.key]))
    event = AuditEvent.objects.get()
    event.children = 0
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(children=0)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["children"])
    assert _log() == [(w.users["A nurse"].email, "read list", PRACTICE_A, 3, "")]


def test_the_admin_is_read_only_with_search_and_filters(w: World) -> None:
    _client(w, "A nurse").get(reverse("portal:gap-list", args=[w.a.key]))
    event = AuditEvent.objects.get()
    coordinator = _client(w, "coordinator")
    listing = coordinator.get("/coordinators/portal/auditevent/", {"q": PRACTICE_A})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "1 audit record" in html or "1 result" in html
    assert 'name="action"' not in html  # no bulk actions, so no bulk delete
    change = f"/coordinators/portal/auditevent/{event.pk}/change/"
    assert coordinator.get(change).status_code == 200  # shown read only
    assert coordinator.post(change, {"children": 0}).status_code == 403
    assert coordinator.get(f"/coordinators/portal/auditevent/{event.pk}/delete/").status_code == 403
    assert coordinator.get("/coordinators/portal/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get().children == 3


def test_postgresql_refuses_update_and_delete_in_sql(w: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; `make test` runs this with DATABASE_URL set")
    _client(w, "A nurse").get(reverse("portal:gap-list", args=[w.a.key]))
    for sql in (
        "UPDATE portal_auditevent SET children = 0",
        "DELETE FROM portal_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert _log() == [(w.users["A nurse"].email, "read list", PRACTICE_A, 3, "")]
