"""People, organizations and the texts the coordinators edit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wellchild.hub.counties import county_choices


class Category(models.TextChoices):
    """The four sections of the participants directory."""

    STATE_AGENCY = "state-agencies", _("State Agencies")
    MANAGED_CARE_PLAN = "managed-care-plans", _("Managed Care Plans")
    PROVIDER = "health-care-providers", _("Health Care Providers")
    ADVOCATE = "stakeholders-advocates", _("Other Stakeholders & Advocates")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    website = models.URLField(_("website"), blank=True)
    county = models.CharField(_("county"), max_length=40, blank=True, choices=county_choices())
    description = models.TextField(_("description"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """The profile of an account: who someone is in the community."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    county = models.CharField(_("county"), max_length=40, blank=True, choices=county_choices())
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organization"),
    )
    # Joining an organization is a request until one of its admins confirms it.
    membership_confirmed = models.BooleanField(_("membership confirmed"), default=False)
    is_org_admin = models.BooleanField(_("organization admin"), default=False)
    listed = models.BooleanField(_("listed on the organization's page"), default=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    pledged_at = models.DateTimeField(_("took the pledge"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def email(self) -> str:
        return str(self.user.email)


class SiteText(models.Model):
    """A text of the site that coordinators edit, such as the pledge, in each language."""

    key = models.SlugField(unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site text")
        verbose_name_plural = _("site texts")

    def __str__(self) -> str:
        return self.key

    @property
    def title(self) -> str:
        return (
            self.title_es if translation.get_language() == "es" and self.title_es else self.title_en
        )

    @property
    def body(self) -> str:
        return self.body_es if translation.get_language() == "es" and self.body_es else self.body_en


class ContactMessage(models.Model):
    """A message sent through the contact form, kept so none is lost if mail fails."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.subject} ({self.email})"
