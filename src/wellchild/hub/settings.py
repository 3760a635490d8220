"""Django settings of the hub, built from wellchild's settings (docs/configuration.md).

Development is the default; ``WELLCHILD_HUB_PRODUCTION=1`` turns on every protection that
``manage.py check --deploy`` asks for and refuses to start without a real secret key,
allowed hosts and an SMTP server.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from wellchild import config
from wellchild.errors import ConfigError
from wellchild.hub import conf

HUB = Path(__file__).resolve().parent
PRODUCTION: bool = config.get("hub_production")
DATA_DIR: Path = config.get("hub_data_dir").resolve()
SITE_URL: str = config.get("hub_site_url").rstrip("/")


def _secret_key() -> str:
    """The configured key; in development, the one ``hub init`` saved, else a fresh one."""
    key: str | None = config.get("secret_key")
    if key:
        return key
    if PRODUCTION:
        raise ConfigError(
            "The hub's production settings need WELLCHILD_SECRET_KEY (or "
            "WELLCHILD_SECRET_KEY_FILE).",
            hint='Make one with: python -c "import secrets; print(secrets.token_urlsafe(50))"',
        )
    saved = DATA_DIR / "secret_key"
    return saved.read_text().strip() if saved.exists() else secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS: list[str] = config.get("allowed_hosts")
DATABASES = {"default": conf.database(data_dir=DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "wellchild.hub.apps.HubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules",
    "csp",
    "wellchild.hub.community",
    "wellchild.hub.mailing",
    "wellchild.hub.meetings",
    "wellchild.hub.library",
    "wellchild.hub.data",
    "wellchild.hub.portal",
    "wellchild.hub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # before sessions, language and CSRF: a cached page for a visitor skips them all
    "wellchild.hub.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wellchild.hub.accounts.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes must come last: it turns a lockout raised by the login view into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wellchild.hub.urls"
WSGI_APPLICATION = "wellchild.hub.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HUB / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wellchild.hub.context.site",
                "wellchild.hub.portal.context.portal",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "profile"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked.html"
AXES_IPWARE_PROXY_COUNT = 1 if PRODUCTION else 0
OTP_TOTP_ISSUER = "wellchild hub"
# Coordinators and practice staff: signed out when idle; a second factor in production.
HUB_IDLE_MINUTES: int = config.get("hub_idle_minutes")
HUB_REQUIRE_TWO_FACTOR = PRODUCTION

# "default" holds what one process may keep to itself (rendered pages, drawn charts);
# "shared" what every process and the command line must agree on (which pages are current,
# chart data built at publishing, the contact form's counts). With Redis both are Redis.
CACHE_URL: str | None = config.get("hub_cache_url")
PAGE_CACHE_SECONDS: int = config.get("hub_page_cache_seconds")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL:
    # hubs sharing one Redis server keep apart by their database's name
    _db = DATABASES["default"]
    _hub = hashlib.sha256(f"{_db.get('HOST')}:{_db.get('PORT')}/{_db['NAME']}".encode())
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": f"wellchild-hub-{_hub.hexdigest()[:12]}"},
        "shared": {**_redis, "KEY_PREFIX": f"wellchild-hub-{_hub.hexdigest()[:12]}-shared"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hub_cache",
            # culling (at 300 by default) could drop the pages' generation or a count
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [HUB / "locale"]
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files are never served from a URL of their own: views send them as attachments.
MEDIA_URL = "/no-direct-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400 + 1_048_576
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_MAX_AGE = 3600

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

DEFAULT_FROM_EMAIL: str = config.get("hub_from_email")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST: str | None = config.get("email_host")
EMAIL_TIMEOUT = 20
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT: int = config.get("email_port")
    EMAIL_HOST_USER: str = config.get("email_host_user") or ""
    EMAIL_HOST_PASSWORD: str = config.get("email_host_password") or ""
    EMAIL_USE_TLS: bool = config.get("email_use_tls")
elif PRODUCTION:
    raise ConfigError(
        "The hub's production settings need an SMTP server: set WELLCHILD_EMAIL_HOST.",
        hint="See docs/hub.md, 'Email'.",
    )
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"

HUB_MAIL_BATCH: int = config.get("hub_mail_batch")
HUB_CONTACT_LIMIT: int = config.get("hub_contact_limit")

if PRODUCTION:
    if config.SETTINGS["allowed_hosts"].env not in os.environ:
        raise ConfigError(
            "The hub's production settings need WELLCHILD_ALLOWED_HOSTS, the host names "
            "it is served under.",
            hint="For example WELLCHILD_ALLOWED_HOSTS=hub.example.org",
        )
    SECURE_SSL_REDIRECT = True
    # TLS ends at the reverse proxy, which says so in this header (docs/hub.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
    }
