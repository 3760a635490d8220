"""Factories for the hub's tests: real rows, made the way the site makes them."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from importlib import import_module
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from wellchild.hub.community.models import Organization, Person
from wellchild.hub.library import domain as library
from wellchild.hub.library.models import Resource, Tag
from wellchild.hub.mailing.models import Subscriber
from wellchild.hub.meetings.models import Meeting
from wellchild.hub.setup_site import create_coordinator

PASSWORD = "correct-horse-battery"
_n = itertools.count(1)


def organization(
    name: str,
    *,
    category: str = "managed-care-plans",
    approved: bool = True,
    county: str = "Los Angeles",
    **kw: Any,
) -> Organization:
    return Organization.objects.create(
        name=name,
        slug=slugify(name),
        category=category,
        county=county,
        approved_at=timezone.now() if approved else None,
        **kw,
    )


def person(
    name: str,
    *,
    org: Organization | None = None,
    admin: bool = False,
    listed: bool = True,
    confirmed_member: bool = True,
    email: str | None = None,
    confirmed_email: bool = True,
) -> Person:
    email = email or f"{slugify(name)}-{next(_n)}@example.org"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, is_active=confirmed_email
    )
    return Person.objects.create(
        user=user,
        name=name,
        organization=org,
        is_org_admin=admin,
        listed=listed,
        membership_confirmed=confirmed_member if org else False,
        email_confirmed_at=timezone.now() if confirmed_email else None,
    )


def coordinators_group() -> None:
    """The coordinators group with the permissions the migrations grant it. Live-server
    tests flush the tables, and on SQLite the rows the migrations made do not always come
    back, so tests that run after them on the same database make the group again here,
    from the migrations' own lists (a permission the migrations forget still fails)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    group, _ = Group.objects.get_or_create(name="coordinators")
    community = import_module("wellchild.hub.community.migrations.0002_coordinators_and_pledge")
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=community.APPS))
    for app, migration, codenames in (
        ("portal", "0002_audit_append_only_and_permissions", None),
        ("data", "0003_coordinator_permissions", None),
        ("portal", "0003_staff_grants_and_audit_chain", ["view_staffgrant"]),
    ):
        module = import_module(f"wellchild.hub.{app}.migrations.{migration}")
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app, codename__in=codenames or module.PERMISSIONS
            )
        )


def coordinator(email: str = "coord@example.org") -> Any:
    coordinators_group()
    create_coordinator(email=email, password=PASSWORD, name="Cora Coordinator")
    return get_user_model().objects.get(username=email)


def meeting(title: str, *, days_from_now: int, **kw: Any) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=days_from_now)
    return Meeting.objects.create(
        title=title, slug=f"{slugify(title)}-{next(_n)}", starts_at=starts, **kw
    )


def resource(
    title: str,
    *,
    summary: str,
    tags: tuple[str, ...] = (),
    kind: str = "report",
    language: str = "en",
) -> Resource:
    item = Resource.objects.create(
        title=title,
        slug=f"{slugify(title)}-{next(_n)}",
        summary=summary,
        kind=kind,
        language=language,
        published_on=dt.date(2025, 5, 1),
    )
    item.tags.set(Tag.objects.filter(slug__in=tags))
    library.reindex(resource=item)
    return item


def subscriber(
    email: str,
    *,
    topics: tuple[str, ...] = ("news", "meetings", "resources"),
    confirmed: bool = True,
    language: str = "en",
) -> Subscriber:
    return Subscriber.objects.create(
        email=email,
        language=language,
        confirmed_at=timezone.now() if confirmed else None,
        **{t: t in topics for t in ("news", "meetings", "resources")},
    )


@dataclass
class Received:
    """The messages a test's SMTP server has accepted."""

    handler: Any

    @property
    def messages(self) -> list[Message]:
        return [message_from_bytes(m.original_content) for m in self.handler.envelopes]

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]


@dataclass
class Personas:
    """Two organizations with people who could leak into each other's views."""

    coordinator: Any
    plan: Any
    clinic: Any
    pending_org: Any
    plan_admin: Any
    plan_member: Any
    plan_unlisted: Any
    plan_requesting: Any
    clinic_admin: Any
    loner: Any
