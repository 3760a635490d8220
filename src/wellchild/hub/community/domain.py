"""Joining, confirming, leaving and who sees whom in the directory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from wellchild.hub import mail
from wellchild.hub.community.models import Category, ContactMessage, Organization, Person
from wellchild.hub.mailing import domain as mailing
from wellchild.hub.roles import COORDINATORS

CONFIRM_SALT = "community.confirm-email"
CONFIRM_DAYS = 7

User = get_user_model()
Viewer = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Newcomer:
    """Someone named on a join form: the contact person or one of an organization's people."""

    name: str
    email: str
    title: str = ""


def _new_person(
    newcomer: Newcomer,
    *,
    password: str | None,
    organization: Organization | None,
    admin: bool,
    language: str,
    county: str = "",
    pledged: bool = False,
) -> Person:
    email = newcomer.email.strip().lower()
    user = User.objects.create_user(username=email, email=email, password=password)
    user.is_active = False  # until the address is confirmed
    user.save(update_fields=["is_active"])
    return Person.objects.create(
        user=user,
        name=newcomer.name.strip(),
        title=newcomer.title.strip(),
        county=county,
        organization=organization,
        # The organization vouches for the people it names itself.
        membership_confirmed=organization is not None and (admin or password is None),
        is_org_admin=admin,
        language=language,
        pledged_at=timezone.now() if pledged else None,
    )


def email_taken(email: str) -> bool:
    return User.objects.filter(username=email.strip().lower()).exists()


@transaction.atomic
def join_person(
    *,
    newcomer: Newcomer,
    password: str,
    county: str,
    organization: Organization | None,
    language: str,
    topics: Sequence[str],
    pledged: bool,
) -> Person:
    """Create an unconfirmed account, its list subscription, and send the confirm link."""
    person = _new_person(
        newcomer,
        password=password,
        organization=organization,
        admin=False,
        language=language,
        county=county,
        pledged=pledged,
    )
    mailing.subscribe_with_account(person=person, topics=topics)
    transaction.on_commit(lambda: send_confirmation(person=person))
    return person


@transaction.atomic
def join_organization(
    *,
    name: str,
    category: str,
    website: str,
    county: str,
    description: str,
    contact: Newcomer,
    password: str,
    people: Iterable[Newcomer],
    language: str,
    topics: Sequence[str],
    pledged: bool,
) -> Organization:
    """Create the organization (shown once approved), its contact person as its admin and
    an invitation for each person it names; every address gets a confirm link."""
    organization = Organization.objects.create(
        name=name.strip(),
        slug=unique_slug(name),
        category=Category(category),
        website=website,
        county=county,
        description=description,
    )
    admin = _new_person(
        contact,
        password=password,
        organization=organization,
        admin=True,
        language=language,
        county=county,
        pledged=pledged,
    )
    mailing.subscribe_with_account(person=admin, topics=topics)
    invited = [
        _new_person(p, password=None, organization=organization, admin=False, language=language)
        for p in people
    ]
    for person in [admin, *invited]:
        transaction.on_commit(partial(send_confirmation, person=person))
    return organization


def unique_slug(name: str) -> str:
    base = slugify(name)[:190] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def confirmation_token(person: Person) -> str:
    return signing.dumps({"u": person.user_id, "e": person.email}, salt=CONFIRM_SALT)


def send_confirmation(*, person: Person) -> None:
    link = mail.absolute(reverse("confirm", args=[confirmation_token(person)]))
    invited = not person.user.has_usable_password()
    mail.send(
        "confirm_email",
        to=[person.email],
        context={"person": person, "link": link, "invited": invited, "days": CONFIRM_DAYS},
        language=person.language,
    )


def person_for_token(token: str) -> Person | None:
    """The person a confirm link was made for, or None when it is forged, old or stale."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        return None
    person = Person.objects.select_related("user").filter(user_id=data.get("u")).first()
    if person is None or person.email != data.get("e"):
        return None
    return person


@transaction.atomic
def confirm_email(*, person: Person, password: str | None = None) -> None:
    """Activate the account (setting the password an invited person chose)."""
    user = person.user
    if password is not None:
        user.set_password(password)
    user.is_active = True
    user.save()
    if person.email_confirmed_at is None:
        person.email_confirmed_at = timezone.now()
        person.save(update_fields=["email_confirmed_at"])
    mailing.confirm_account_subscription(email=person.email)


def approve_organizations(organizations: QuerySet[Organization]) -> int:
    return organizations.filter(approved_at__isnull=True).update(approved_at=timezone.now())


def confirm_member(*, organization: Organization, person_id: int) -> Person:
    person = Person.objects.get(id=person_id, organization=organization)
    person.membership_confirmed = True
    person.save(update_fields=["membership_confirmed"])
    return person


@transaction.atomic
def leave(*, user: Any) -> None:
    """Delete the account, the profile and the list subscription: nothing of them stays."""
    mailing.forget(email=user.email)
    user.delete()


def export(*, person: Person) -> dict[str, Any]:
    """Everything the hub holds about a person, for the 'download my data' button."""
    subscriber = mailing.subscriber_for(email=person.email)
    org = person.organization
    return {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "county": person.county,
        "language": person.language,
        "organization": org.name if org else None,
        "organization_admin": person.is_org_admin,
        "membership_confirmed": person.membership_confirmed,
        "listed": person.listed,
        "email_confirmed_at": _iso(person.email_confirmed_at),
        "pledged_at": _iso(person.pledged_at),
        "joined_at": _iso(person.created_at),
        "last_login": _iso(person.user.last_login),
        "mailing_list": mailing.describe(subscriber) if subscriber else None,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def directory(
    *, q: str = "", county: str = "", category: str = "", include_pending: bool = False
) -> dict[Category, list[Organization]]:
    """Approved organizations by category, filtered by words and county."""
    orgs = Organization.objects.all()
    if not include_pending:
        orgs = orgs.filter(approved_at__isnull=False)
    for word in q.split():
        orgs = orgs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if county:
        orgs = orgs.filter(county=county)
    if category:
        orgs = orgs.filter(category=category)
    grouped: dict[Category, list[Organization]] = {c: [] for c in Category}
    for org in orgs:
        grouped[Category(org.category)].append(org)
    return grouped


def pending_organizations() -> list[Organization]:
    return list(Organization.objects.filter(approved_at__isnull=True))


def members(*, organization: Organization, everyone: bool) -> list[Person]:
    """The organization's people: those listed and confirmed, or (for its admins) all."""
    people = organization.people.select_related("user").filter(user__is_active=True)
    if not everyone:
        people = people.filter(listed=True, membership_confirmed=True)
    return list(people.order_by("name"))


def pending_members(*, organization: Organization) -> list[Person]:
    return list(
        organization.people.filter(membership_confirmed=False, user__is_active=True).order_by(
            "name"
        )
    )


def update_profile(*, person: Person, changed: Sequence[str]) -> None:
    """Save a profile; moving to another organization is a new request to join it."""
    if "organization" in changed:
        person.membership_confirmed = False
        person.is_org_admin = False
    person.save()


def update_organization(*, organization: Organization) -> None:
    """Save the organization's page as its admins (or the coordinators) edited it."""
    organization.save()


def contact_allowed(*, sender_key: str, limit: int) -> bool:
    """At most ``limit`` contact messages per hour from one address (client IP)."""
    cache = caches["shared"]  # one count for every server process
    key = f"contact:{sender_key}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def coordinator_emails() -> list[str]:
    return sorted(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=COORDINATORS) | Q(is_superuser=True))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def deliver_contact(*, name: str, email: str, subject: str, message: str) -> ContactMessage:
    """Keep the message and email it to every coordinator, replying to the sender."""
    saved = ContactMessage.objects.create(name=name, email=email, subject=subject, message=message)
    recipients = coordinator_emails()
    if recipients:
        mail.send("contact", to=recipients, context={"message": saved}, reply_to=[email])
    return saved
