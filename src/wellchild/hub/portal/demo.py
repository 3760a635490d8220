"""The demo's practice login: a nurse on the staff of the practice with the most children
on its gap list.

Publishing loads the practices, and the demo may publish before or after it loads the
hub's demo content, so :func:`attach_demo_staff` can be called at any time, as often as
needed: it makes the account if missing and joins it to the practice once one is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from wellchild.hub.community.models import Organization, Person
from wellchild.hub.demo_login import DEMO_PASSWORD
from wellchild.hub.portal import domain
from wellchild.hub.portal.models import GapList

NURSE = "nurse@example.org"
NURSE_NAME = "Nora Nurse"
ORGANIZATION = "Harbor Pediatrics Group"
# The demo's grant of a practice's children to its nurse is kept and audited like any other.
ACTOR = "wellchild demo"
REASON = "Demo: the nurse of the practice with the most children on a published gap list."


@dataclass(frozen=True)
class DemoStaff:
    email: str
    password: str
    practice: str | None  # "name (practice id)", None until a run with gap lists is published


def attach_demo_staff(email: str = NURSE) -> DemoStaff:
    """Make the demo nurse's account (password ``wellchild-demo``) and put it on the staff
    of the practice with the most children on a published gap list, linked to the demo
    organization Harbor Pediatrics Group. Idempotent."""
    organization = Organization.objects.filter(name=ORGANIZATION).first()
    user, created = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        Person.objects.create(
            user=user,
            name=NURSE_NAME,
            title="Nurse care coordinator",
            organization=organization,
            membership_confirmed=organization is not None,
            email_confirmed_at=timezone.now(),
        )
    biggest = (
        GapList.objects.filter(run__withdrawn_at__isnull=True)
        .select_related("practice")
        .order_by("-children", "practice__practice_id")
        .first()
    )
    if biggest is None:
        return DemoStaff(email, DEMO_PASSWORD, None)
    practice = biggest.practice
    if practice.organization_id is None and organization is not None:
        practice.organization = organization
        practice.save(update_fields=["organization"])
    if not practice.staff.filter(user=user).exists():
        domain.add_staff_outside_request(practice, user, REASON, actor=ACTOR)
    return DemoStaff(email, DEMO_PASSWORD, str(practice))
